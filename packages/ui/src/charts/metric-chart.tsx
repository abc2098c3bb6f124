/**
 * One metric of one or more runs: the server samples each history down to at most MAX_POINTS steps in SQL
 * (get-history-bulk-interval, spec §1.2), so a million-step curve costs a few kB on the wire. Zooming in
 * (drag, on the step axis) fetches the chosen step range again, sampled within it: a range of up to
 * ZOOM_POINTS steps comes back with every point.
 */
import { useCallback, useMemo, useState } from 'react';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import type { ChartOptions } from '../url-state.ts';
import { fetchSampledHistory, type StepRange } from './history.ts';
import { LineChart } from './line-chart.tsx';
import { groupByRun, toSeries } from './series.ts';

export function MetricChart(props: {
  metricKey: string;
  runs: { id: string; label: string }[];
  chart: ChartOptions;
}) {
  const { metricKey, runs, chart } = props;
  const ids = runs.map((r) => r.id);
  const [zoom, setZoom] = useState<StepRange | null>(null);
  // Zoom is in steps: it only applies on the step axis, and a new metric or run set starts zoomed out.
  const idsKey = ids.join(',');
  const [zoomFor, setZoomFor] = useState(`${idsKey}|${metricKey}|${chart.x}`);
  const zoomKey = `${idsKey}|${metricKey}|${chart.x}`;
  const range = zoomFor === zoomKey && chart.x === 'step' ? zoom : null;
  const history = useAsync(
    () => fetchSampledHistory(ids, metricKey, range),
    [idsKey, metricKey, range?.start, range?.end],
  );
  const series = useMemo(() => {
    const byRun = groupByRun(history.data ?? []);
    return runs.filter((r) => byRun.has(r.id)).map((r) => toSeries(r.label, byRun.get(r.id)!, chart.x));
  }, [history.data, runs, chart.x]);
  const onZoom = useCallback(
    (to: [number, number] | null) => {
      // Whole steps inside the dragged span; a span narrower than one step keeps the current view.
      const next = to && { start: Math.ceil(to[0]), end: Math.floor(to[1]) };
      if (next && next.end < next.start) return;
      setZoomFor(zoomKey);
      setZoom(next);
    },
    [zoomKey],
  );

  return (
    <figure
      className="metric-chart"
      aria-label={`Chart of ${metricKey}`}
      data-zoom={range ? `${range.start}-${range.end}` : 'all'}
      data-loading={history.loading}
      data-fetched={history.data?.length ?? 0}
    >
      {history.loading && !history.data ? (
        <Loading what={metricKey} />
      ) : history.error ? (
        <ErrorBox error={history.error} onRetry={history.reload} />
      ) : series.length === 0 ? (
        <Empty>
          No points logged for {metricKey}
          {range ? ` between steps ${range.start} and ${range.end}` : ''}.
        </Empty>
      ) : (
        <LineChart
          title={metricKey}
          series={series}
          x={chart.x}
          log={chart.log}
          smooth={chart.smooth}
          onZoom={chart.x === 'step' ? onZoom : undefined}
        />
      )}
      {range && (
        <figcaption className="hint">
          Steps {range.start}–{range.end}
          {history.loading ? ' (loading…)' : ''}.{' '}
          <button type="button" className="link-button" onClick={() => onZoom(null)}>
            Zoom out
          </button>
        </figcaption>
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
