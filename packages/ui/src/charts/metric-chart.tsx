/**
 * One metric of one or more runs: the server samples each history down to at most MAX_POINTS steps in SQL
 * (get-history-bulk-interval, spec §1.2), so a million-step curve costs a few kB on the wire.
 */
import { useMemo } from 'react';
import { client } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import type { ChartOptions } from '../url-state.ts';
import { LineChart } from './line-chart.tsx';
import { groupByRun, toSeries } from './series.ts';

const MAX_POINTS = 1000;
/** The endpoint's limit on run ids per call. */
const MAX_RUNS = 100;

export function MetricChart(props: {
  metricKey: string;
  runs: { id: string; label: string }[];
  chart: ChartOptions;
}) {
  const { metricKey, runs, chart } = props;
  const ids = runs.slice(0, MAX_RUNS).map((r) => r.id);
  const history = useAsync(
    () => client.getMetricHistoryBulkInterval(ids, metricKey, { maxResults: MAX_POINTS }),
    [ids.join(','), metricKey],
  );
  const series = useMemo(() => {
    const byRun = groupByRun(history.data ?? []);
    return runs
      .slice(0, MAX_RUNS)
      .filter((r) => byRun.has(r.id))
      .map((r) => toSeries(r.label, byRun.get(r.id)!, chart.x));
  }, [history.data, runs, chart.x]);

  return (
    <figure className="metric-chart" aria-label={`Chart of ${metricKey}`}>
      {history.loading && !history.data ? (
        <Loading what={metricKey} />
      ) : history.error ? (
        <ErrorBox error={history.error} onRetry={history.reload} />
      ) : series.length === 0 ? (
        <Empty>No points logged for {metricKey}.</Empty>
      ) : (
        <LineChart title={metricKey} series={series} x={chart.x} log={chart.log} smooth={chart.smooth} />
      )}
    </figure>
  );
}

/** x axis, log scale and smoothing: shared by the run page and the compare view. */
export function ChartControls(props: { chart: ChartOptions; onChange(chart: ChartOptions): void }) {
  const { chart, onChange } = props;
  return (
    <div className="toolbar chart-controls">
      <label>
        X axis{' '}
        <select
          value={chart.x}
          onChange={(e) => onChange({ ...chart, x: e.target.value as ChartOptions['x'] })}
        >
          <option value="step">Step</option>
          <option value="time">Wall time</option>
          <option value="relative">Relative time</option>
        </select>
      </label>
      <label className="check-label">
        <input
          type="checkbox"
          checked={chart.log}
          onChange={(e) => onChange({ ...chart, log: e.target.checked })}
        />{' '}
        Log scale
      </label>
      <label>
        Smoothing{' '}
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={chart.smooth}
          onChange={(e) => onChange({ ...chart, smooth: Number(e.target.value) })}
        />{' '}
        {chart.smooth.toFixed(2)}
      </label>
    </div>
  );
}
