/** `/compare?run=…`: the chosen runs' curves overlaid, and a diff table that can hide what is equal. */
import type { Run } from '@mlflow-ts/client';
import { lazy, Suspense, useMemo } from 'react';
import { client } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { TabBar } from '../common/tab-bar.tsx';
import { colorAt } from '../common/theme.ts';
import { useAsync } from '../common/use-async.ts';
import { Link, navigate } from '../router.tsx';
import { columnId } from '../runs/columns.ts';
import { type CompareTab, type Route, runRoute } from '../url-state.ts';
import { DiffTable } from './diff-table.tsx';
import { ParallelPlot } from './parallel-plot.tsx';
import { ScatterPlot } from './scatter-plot.tsx';

const CompareCharts = lazy(() => import('./compare-charts.tsx'));

type CompareRoute = Extract<Route, { page: 'compare' }>;

/** getRun per id, a few at a time (the browser would queue more anyway). */
async function loadRuns(ids: string[]): Promise<Run[]> {
  const out: Run[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      out[i] = await client.getRun(ids[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, ids.length) }, worker));
  return out;
}

export function ComparePage({ route }: { route: CompareRoute }) {
  const runs = useAsync(() => loadRuns(route.runs), [route.runs.join(',')]);
  const labels = useMemo(
    () => (runs.data ?? []).map((r) => ({ id: r.info.run_id, label: r.info.run_name || r.info.run_id })),
    [runs.data],
  );
  if (route.runs.length === 0) return <Empty>Select runs in a runs table and press Compare.</Empty>;
  if (runs.loading && !runs.data) return <Loading what={`${route.runs.length} runs`} />;
  if (runs.error || !runs.data) return <ErrorBox error={runs.error} onRetry={runs.reload} />;
  const tabs: { tab: CompareTab; label: string }[] = [
    { tab: 'charts', label: 'Metric charts' },
    { tab: 'diff', label: 'Diff table' },
    { tab: 'scatter', label: 'Scatter' },
    { tab: 'parallel', label: 'Parallel coordinates' },
  ];
  // Params first (the knobs), then metrics (the results): the order of the plots' key lists.
  const keys = [
    ...new Set(runs.data.flatMap((r) => (r.data.params ?? []).map((p) => columnId('param', p.key)))),
  ].sort();
  keys.push(
    ...[
      ...new Set(runs.data.flatMap((r) => (r.data.metrics ?? []).map((m) => columnId('metric', m.key)))),
    ].sort(),
  );
  return (
    <article className="compare-page">
      <header>
        <h1>Comparing {runs.data.length} runs</h1>
        <RunLegend labels={labels} />
      </header>
      <TabBar route={route} tabs={tabs} />
      {route.tab === 'charts' && (
        <Suspense fallback={<Loading what="charts" />}>
          <CompareCharts runs={runs.data} labels={labels} route={route} />
        </Suspense>
      )}
      {route.tab === 'diff' && (
        <DiffTable
          runs={runs.data}
          onlyDifferences={route.diffOnly}
          onOnlyDifferences={(diffOnly) => navigate({ ...route, diffOnly }, { replace: true })}
        />
      )}
      {(route.tab === 'scatter' || route.tab === 'parallel') &&
        (keys.length === 0 ? (
          <Empty>These runs have no params or metrics.</Empty>
        ) : route.tab === 'scatter' ? (
          <ScatterPlot runs={runs.data} keys={keys} route={route} />
        ) : (
          <ParallelPlot runs={runs.data} keys={keys} route={route} />
        ))}
    </article>
  );
}

/** Legend entries listed before the rest fold away: a comparison of hundreds must not push the charts off screen. */
const LEGEND_OPEN = 30;

function RunLegend({ labels }: { labels: { id: string; label: string }[] }) {
  const entry = (r: { id: string; label: string }, i: number) => (
    <li key={r.id}>
      <span className="swatch" style={{ background: colorAt(i) }} />
      <Link to={runRoute(r.id)}>{r.label}</Link>
    </li>
  );
  const rest = labels.slice(LEGEND_OPEN);
  return (
    <>
      <ul className="run-legend">{labels.slice(0, LEGEND_OPEN).map(entry)}</ul>
      {rest.length > 0 && (
        <details>
          <summary>{rest.length} more runs</summary>
          <ul className="run-legend">{rest.map((r, i) => entry(r, LEGEND_OPEN + i))}</ul>
        </details>
      )}
    </>
  );
}
