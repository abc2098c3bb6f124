/**
 * The runs table's column model. A column id is `<kind>:<key>` (kind = attr, metric, param, tag) so it
 * fits in the URL; each id knows how to read its cell from a run and how to ask the server to sort by it.
 */
import type { Run } from '@mlflow-ts/client';
import { quoteKey } from './filter.ts';

export type ColumnKind = 'attr' | 'metric' | 'param' | 'tag';

export interface Column {
  id: string;
  kind: ColumnKind;
  key: string;
  label: string;
  width: number;
  /** order_by identifier without direction; null when the server cannot sort by it (duration, experiment). */
  orderKey: string | null;
  numeric: boolean;
}

export type CellValue = string | number | undefined;

const ATTRS: Record<string, Omit<Column, 'id' | 'kind' | 'key'>> = {
  run_name: { label: 'Run name', width: 220, orderKey: 'attributes.run_name', numeric: false },
  start_time: { label: 'Created', width: 160, orderKey: 'attributes.start_time', numeric: true },
  duration: { label: 'Duration', width: 90, orderKey: null, numeric: true },
  status: { label: 'Status', width: 100, orderKey: 'attributes.status', numeric: false },
  user_id: { label: 'User', width: 110, orderKey: 'attributes.user_id', numeric: false },
  experiment_id: { label: 'Experiment', width: 100, orderKey: null, numeric: false },
  run_id: { label: 'Run ID', width: 150, orderKey: 'attributes.run_id', numeric: false },
};

const PREFIX: Record<Exclude<ColumnKind, 'attr'>, string> = {
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
};

export const columnId = (kind: ColumnKind, key: string) => `${kind}:${key}`;

/** The column for an id, or null for an id that is not one (a hand-edited URL). */
export function parseColumn(id: string): Column | null {
  const colon = id.indexOf(':');
  if (colon <= 0) return null;
  const kind = id.slice(0, colon);
  const key = id.slice(colon + 1);
  if (key === '') return null;
  if (kind === 'attr') {
    const a = ATTRS[key];
    return a ? { id, kind, key, ...a } : null;
  }
  if (kind !== 'metric' && kind !== 'param' && kind !== 'tag') return null;
  return {
    id,
    kind,
    key,
    label: key,
    width: kind === 'tag' ? 140 : 110,
    orderKey: `${PREFIX[kind]}.${quoteKey(key)}`,
    numeric: kind === 'metric',
  };
}

/** Always shown, left of the chosen columns. */
export const BASE_COLUMNS = ['attr:start_time', 'attr:duration', 'attr:status', 'attr:user_id'];
export const NAME_COLUMN = parseColumn('attr:run_name')!;

/** The `order_by` entry for a sort, e.g. "metrics.`val loss` DESC". */
export function orderByFor(col: string, desc: boolean): string[] {
  const c = parseColumn(col);
  return c?.orderKey ? [`${c.orderKey} ${desc ? 'DESC' : 'ASC'}`] : [];
}

export function cellValue(run: Run, col: Column): CellValue {
  const { info, data } = run;
  switch (col.kind) {
    case 'attr':
      switch (col.key) {
        case 'run_name':
          return info.run_name ?? info.run_id;
        case 'start_time':
          return info.start_time;
        case 'duration':
          return info.end_time && info.start_time ? info.end_time - info.start_time : undefined;
        case 'status':
          return info.status;
        case 'user_id':
          return info.user_id;
        case 'experiment_id':
          return info.experiment_id;
        case 'run_id':
          return info.run_id;
      }
      return undefined;
    case 'metric':
      return data.metrics?.find((m) => m.key === col.key)?.value;
    case 'param':
      return data.params?.find((p) => p.key === col.key)?.value;
    case 'tag':
      return data.tags?.find((t) => t.key === col.key)?.value;
  }
}

export interface KnownKeys {
  metric: string[];
  param: string[];
  tag: string[];
}

/** Keys present in the loaded runs, sorted, for the column picker. Computed only when the picker opens. */
export function discoverKeys(runs: readonly Run[]): KnownKeys {
  const metric = new Set<string>();
  const param = new Set<string>();
  const tag = new Set<string>();
  for (const r of runs) {
    for (const m of r.data.metrics ?? []) metric.add(m.key);
    for (const p of r.data.params ?? []) param.add(p.key);
    for (const t of r.data.tags ?? []) tag.add(t.key);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metric: sorted(metric), param: sorted(param), tag: sorted(tag) };
}

/** The union of two key lists per kind (server keys and loaded-run keys), sorted. */
export function mergeKeys(
  a: { metrics: string[]; params: string[]; tags: string[] },
  b: KnownKeys,
): KnownKeys {
  const merge = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort((p, q) => p.localeCompare(q));
  return { metric: merge(a.metrics, b.metric), param: merge(a.params, b.param), tag: merge(a.tags, b.tag) };
}

/** Until the user picks columns: a few metrics and params of the first runs, so the table says something. */
export function defaultColumns(runs: readonly Run[], perKind = 3): string[] {
  const keys = discoverKeys(runs.slice(0, 50));
  return [
    ...keys.metric.slice(0, perKind).map((k) => columnId('metric', k)),
    ...keys.param.slice(0, perKind).map((k) => columnId('param', k)),
  ];
}

/** The columns to show: name first, the fixed attributes, experiment when several are open, then the chosen ones. */
export function visibleColumns(chosen: readonly string[], multiExperiment: boolean): Column[] {
  const ids = [...BASE_COLUMNS, ...(multiExperiment ? ['attr:experiment_id'] : []), ...chosen];
  const seen = new Set<string>();
  const out: Column[] = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const c = parseColumn(id);
    if (c && c.id !== NAME_COLUMN.id) out.push(c);
  }
  return out;
}
