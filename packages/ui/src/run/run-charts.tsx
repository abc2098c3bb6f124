/** The run's metric charts: pick metrics (in the URL), one chart each. Loaded lazily with uPlot. */
import type { Run } from '@mlflow-ts/client';
import { useState } from 'react';
import { ChartControls, MetricChart } from '../charts/metric-chart.tsx';
import { Empty } from '../common/states.tsx';
import { navigate } from '../router.tsx';
import type { Route } from '../url-state.ts';

type RunRoute = Extract<Route, { page: 'run' }>;
const DEFAULT_CHARTS = 4;

export default function RunCharts({ run, route }: { run: Run; route: RunRoute }) {
  const keys = (run.data.metrics ?? []).map((m) => m.key).sort((a, b) => a.localeCompare(b));
  const [filter, setFilter] = useState('');
  if (keys.length === 0) return <Empty>This run has no metrics.</Empty>;
  const shown = route.metrics.length ? route.metrics : keys.slice(0, DEFAULT_CHARTS);
  const toggle = (k: string) =>
    navigate(
      { ...route, metrics: shown.includes(k) ? shown.filter((m) => m !== k) : [...shown, k] },
      { replace: true },
    );
  const runs = [{ id: run.info.run_id, label: run.info.run_name || run.info.run_id }];
  const needle = filter.toLowerCase();
  return (
    <div className="run-charts">
      <aside className="metric-picker" aria-label="Metrics to chart">
        <input
          type="search"
          placeholder="Filter metrics"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {keys
          .filter((k) => k.toLowerCase().includes(needle))
          .slice(0, 300)
          .map((k) => (
            <label key={k} className="check-label">
              <input type="checkbox" checked={shown.includes(k)} onChange={() => toggle(k)} /> {k}
            </label>
          ))}
      </aside>
      <div className="chart-area">
        <ChartControls
          chart={route.chart}
          onChange={(chart) => navigate({ ...route, chart }, { replace: true })}
        />
        {shown.map((k) => (
          <MetricChart key={k} metricKey={k} runs={runs} chart={route.chart} />
        ))}
      </div>
    </div>
  );
}
