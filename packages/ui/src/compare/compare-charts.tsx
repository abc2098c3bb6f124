/** Overlaid curves of one metric for all compared runs (fetched in calls of 100 runs, charts/history.ts). */
import type { Run } from '@mlflow-ts/client';
import { ChartControls, MetricChart } from '../charts/metric-chart.tsx';
import { Empty } from '../common/states.tsx';
import { navigate } from '../router.tsx';
import type { Route } from '../url-state.ts';

type CompareRoute = Extract<Route, { page: 'compare' }>;

export default function CompareCharts(props: {
  runs: Run[];
  labels: { id: string; label: string }[];
  route: CompareRoute;
}) {
  const { runs, labels, route } = props;
  const keys = [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort((a, b) =>
    a.localeCompare(b),
  );
  if (keys.length === 0) return <Empty>None of these runs has metrics.</Empty>;
  const metric = route.metric && keys.includes(route.metric) ? route.metric : keys[0]!;
  return (
    <div className="compare-charts">
      <div className="toolbar">
        <label>
          Metric{' '}
          <select
            aria-label="Metric"
            value={metric}
            onChange={(e) => navigate({ ...route, metric: e.target.value }, { replace: true })}
          >
            {keys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ChartControls
        chart={route.chart}
        onChange={(chart) => navigate({ ...route, chart }, { replace: true })}
      />
      <MetricChart metricKey={metric} runs={labels} chart={route.chart} />
    </div>
  );
}
