/**
 * Every view of the app as a URL and back. The URL is the only place view state lives (experiment, filter,
 * sort, columns, selected runs, tab), so any screen can be bookmarked, shared or reopened after a reload.
 * Pure functions: the router (router.tsx) feeds them location.pathname and location.search.
 */

export type ViewFilter = 'active' | 'deleted' | 'all';
export type RunTab = 'overview' | 'charts' | 'artifacts';
export type CompareTab = 'charts' | 'diff' | 'scatter' | 'parallel';
export type XAxis = 'step' | 'time' | 'relative';

export interface SortSpec {
  /** A column id (columns.ts), e.g. `metric:loss`. */
  col: string;
  desc: boolean;
}

export interface ChartOptions {
  x: XAxis;
  log: boolean;
  /** Exponential smoothing weight in [0, 0.99]; 0 is off. */
  smooth: number;
}

export type Route =
  | {
      page: 'experiments';
      exp: string[];
      filter: string;
      sort: SortSpec | null;
      cols: string[];
      sel: string[];
      view: ViewFilter;
    }
  | { page: 'run'; runId: string; tab: RunTab; metrics: string[]; chart: ChartOptions; path: string }
  | {
      page: 'compare';
      runs: string[];
      tab: CompareTab;
      metric: string;
      diffOnly: boolean;
      chart: ChartOptions;
      /** Scatter plot axes and parallel-coordinates axes, as column ids (columns.ts). */
      sx: string;
      sy: string;
      axes: string[];
    }
  | { page: 'models'; filter: string }
  | { page: 'model'; name: string }
  | { page: 'version'; name: string; version: string }
  | { page: 'not-found'; path: string };

export const DEFAULT_CHART: ChartOptions = { x: 'step', log: false, smooth: 0 };

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

function parseChart(q: URLSearchParams): ChartOptions {
  const smooth = Number(q.get('smooth') ?? 0);
  return {
    x: oneOf(q.get('x'), ['step', 'time', 'relative'] as const, 'step'),
    log: q.get('log') === '1',
    smooth: Number.isFinite(smooth) ? Math.min(Math.max(smooth, 0), 0.99) : 0,
  };
}

function writeChart(q: URLSearchParams, c: ChartOptions): void {
  if (c.x !== 'step') q.set('x', c.x);
  if (c.log) q.set('log', '1');
  if (c.smooth > 0) q.set('smooth', String(c.smooth));
}

/** Splits a path into decoded segments; `/models/a%2Fb/versions/3` → ['models', 'a/b', 'versions', '3']. */
function segments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function parseRoute(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const seg = segments(pathname);
  const [first, second, third, fourth] = seg;
  if (seg.length === 0 || (first === 'experiments' && seg.length <= 2)) {
    const sortCol = q.get('sort');
    return {
      page: 'experiments',
      // `/experiments/3` is accepted as a short link to one experiment.
      exp: second ? [second] : q.getAll('exp'),
      filter: q.get('filter') ?? '',
      sort: sortCol ? { col: sortCol, desc: q.get('dir') !== 'asc' } : null,
      cols: q.getAll('col'),
      sel: q.getAll('sel'),
      view: oneOf(q.get('view'), ['active', 'deleted', 'all'] as const, 'active'),
    };
  }
  if (first === 'runs' && second && seg.length === 2) {
    return {
      page: 'run',
      runId: second,
      tab: oneOf(q.get('tab'), ['overview', 'charts', 'artifacts'] as const, 'overview'),
      metrics: q.getAll('metric'),
      chart: parseChart(q),
      path: q.get('path') ?? '',
    };
  }
  if (first === 'compare' && seg.length === 1) {
    return {
      page: 'compare',
      runs: q.getAll('run'),
      tab: oneOf(q.get('tab'), ['charts', 'diff', 'scatter', 'parallel'] as const, 'charts'),
      metric: q.get('metric') ?? '',
      diffOnly: q.get('diff') === 'only',
      chart: parseChart(q),
      sx: q.get('sx') ?? '',
      sy: q.get('sy') ?? '',
      axes: q.getAll('axis'),
    };
  }
  if (first === 'models') {
    if (seg.length === 1) return { page: 'models', filter: q.get('filter') ?? '' };
    if (second && seg.length === 2) return { page: 'model', name: second };
    if (second && third === 'versions' && fourth && seg.length === 4) {
      return { page: 'version', name: second, version: fourth };
    }
  }
  return { page: 'not-found', path: pathname };
}

const withQuery = (path: string, q: URLSearchParams) => {
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

export function routeToUrl(route: Route): string {
  const q = new URLSearchParams();
  switch (route.page) {
    case 'experiments':
      for (const e of route.exp) q.append('exp', e);
      if (route.filter) q.set('filter', route.filter);
      if (route.sort) {
        q.set('sort', route.sort.col);
        q.set('dir', route.sort.desc ? 'desc' : 'asc');
      }
      for (const c of route.cols) q.append('col', c);
      for (const s of route.sel) q.append('sel', s);
      if (route.view !== 'active') q.set('view', route.view);
      return withQuery('/', q);
    case 'run':
      if (route.tab !== 'overview') q.set('tab', route.tab);
      for (const m of route.metrics) q.append('metric', m);
      writeChart(q, route.chart);
      if (route.path) q.set('path', route.path);
      return withQuery(`/runs/${encodeURIComponent(route.runId)}`, q);
    case 'compare':
      for (const r of route.runs) q.append('run', r);
      if (route.tab !== 'charts') q.set('tab', route.tab);
      if (route.metric) q.set('metric', route.metric);
      if (route.diffOnly) q.set('diff', 'only');
      writeChart(q, route.chart);
      if (route.sx) q.set('sx', route.sx);
      if (route.sy) q.set('sy', route.sy);
      for (const a of route.axes) q.append('axis', a);
      return withQuery('/compare', q);
    case 'models':
      if (route.filter) q.set('filter', route.filter);
      return withQuery('/models', q);
    case 'model':
      return `/models/${encodeURIComponent(route.name)}`;
    case 'version':
      return `/models/${encodeURIComponent(route.name)}/versions/${encodeURIComponent(route.version)}`;
    case 'not-found':
      return route.path;
  }
}

/** Defaults for links built elsewhere (e.g. "open run" from the table). */
export type RunRoute = Extract<Route, { page: 'run' }>;
export type CompareRoute = Extract<Route, { page: 'compare' }>;
export type ExperimentsRoute = Extract<Route, { page: 'experiments' }>;

export const runRoute = (runId: string, patch: Partial<RunRoute> = {}): RunRoute => ({
  page: 'run',
  runId,
  tab: 'overview',
  metrics: [],
  chart: DEFAULT_CHART,
  path: '',
  ...patch,
});

export const compareRoute = (runs: string[]): CompareRoute => ({
  page: 'compare',
  runs,
  tab: 'charts',
  metric: '',
  diffOnly: false,
  chart: DEFAULT_CHART,
  sx: '',
  sy: '',
  axes: [],
});

export const experimentsRoute = (exp: string[] = []): ExperimentsRoute => ({
  page: 'experiments',
  exp,
  filter: '',
  sort: null,
  cols: [],
  sel: [],
  view: 'active',
});
