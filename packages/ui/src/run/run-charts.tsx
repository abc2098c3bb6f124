/**
 * The run's metric charts: pick metrics (in the URL), one chart each. Loaded lazily with uPlot.
 * A run may have 10,000 metrics: the picker is a virtual list, and a chart fetches its history only once
 * it scrolls into view, so choosing many metrics costs what the visible ones cost.
 */
import type { Run } from '@mlflow-ts/client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { ChartControls, MetricChart } from '../charts/metric-chart.tsx';
import { Empty } from '../common/states.tsx';
import { navigate } from '../router.tsx';
import type { Route } from '../url-state.ts';

type RunRoute = Extract<Route, { page: 'run' }>;
const DEFAULT_CHARTS = 4;
const PICKER_ROW = 24;
/** Space a chart takes before it is drawn, so the ones below stay out of view until scrolled to. */
const CHART_PLACEHOLDER_HEIGHT = 300;

export default function RunCharts({ run, route }: { run: Run; route: RunRoute }) {
  const keys = useMemo(
    () => (run.data.metrics ?? []).map((m) => m.key).sort((a, b) => a.localeCompare(b)),
    [run.data.metrics],
  );
  if (keys.length === 0) return <Empty>This run has no metrics.</Empty>;
  const shown = route.metrics.length ? route.metrics : keys.slice(0, DEFAULT_CHARTS);
  const toggle = (k: string) =>
    navigate(
      { ...route, metrics: shown.includes(k) ? shown.filter((m) => m !== k) : [...shown, k] },
      { replace: true },
    );
  const runs = [{ id: run.info.run_id, label: run.info.run_name || run.info.run_id }];
  return (
    <div className="run-charts">
      <MetricPicker keys={keys} shown={shown} onToggle={toggle} />
      <div className="chart-area">
        <ChartControls
          chart={route.chart}
          onChange={(chart) => navigate({ ...route, chart }, { replace: true })}
        />
        {shown.map((k) => (
          <WhenVisible key={k} height={CHART_PLACEHOLDER_HEIGHT} label={k}>
            <MetricChart metricKey={k} runs={runs} chart={route.chart} />
          </WhenVisible>
        ))}
      </div>
    </div>
  );
}

function MetricPicker(props: { keys: string[]; shown: string[]; onToggle(key: string): void }) {
  const [filter, setFilter] = useState('');
  const needle = filter.toLowerCase();
  const matching = useMemo(
    () => (needle ? props.keys.filter((k) => k.toLowerCase().includes(needle)) : props.keys),
    [props.keys, needle],
  );
  const listRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: matching.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => PICKER_ROW,
    overscan: 10,
    initialRect: { width: 220, height: 500 },
  });
  const shown = new Set(props.shown);
  return (
    <aside className="metric-picker" aria-label="Metrics to chart">
      <input
        type="search"
        aria-label="Filter metrics"
        placeholder={`Filter ${props.keys.length} metrics`}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <div className="picker-list" ref={listRef}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const k = matching[item.index]!;
            return (
              <label
                key={k}
                className="check-label"
                style={{ position: 'absolute', top: item.start, height: PICKER_ROW, left: 0, right: 0 }}
              >
                <input type="checkbox" checked={shown.has(k)} onChange={() => props.onToggle(k)} /> {k}
              </label>
            );
          })}
        </div>
      </div>
      {needle && matching.length === 0 && <p className="hint">No metric matches.</p>}
    </aside>
  );
}

/** Renders its children once the placeholder comes near the view, and keeps them after that. */
function WhenVisible(props: { height: number; label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || seen) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      // Start a little before it is on screen, so scrolling does not show empty boxes for long.
      { rootMargin: '200px 0px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [seen]);
  if (seen) return <>{props.children}</>;
  return (
    <div ref={ref} className="chart-placeholder" style={{ height: props.height }} data-metric={props.label} />
  );
}
