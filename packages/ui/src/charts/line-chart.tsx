/**
 * A line chart drawn on canvas by uPlot (fast enough for many series of thousands of points). Owns the
 * uPlot instance: created once per series layout, given new data in place, resized with its box.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { colorAt } from '../common/theme.ts';
import type { XAxis } from '../url-state.ts';
import { alignSeries, downsampleMinMax, type Series, smoothEma } from './series.ts';

export interface LineChartProps {
  title: string;
  series: Series[];
  x: XAxis;
  log: boolean;
  smooth: number;
  height?: number;
}

const X_LABEL: Record<XAxis, string> = { step: 'step', time: 'time', relative: 'seconds since start' };

/** Reads a theme colour so the axes follow light/dark. */
const cssVar = (name: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

export function LineChart({ title, series, x, log, smooth, height = 260 }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  const data = useMemo(() => {
    const width = box.current?.clientWidth ?? 800;
    const prepared = series.map((s) =>
      downsampleMinMax({ ...s, ys: smoothEma(s.ys, smooth) }, Math.max(200, width)),
    );
    return alignSeries(prepared) as uPlot.AlignedData;
  }, [series, smooth]);

  const layout = `${series.map((s) => s.label).join('\n')}|${x}|${log}|${title}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the layout changes; data is set below.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = {
      stroke: cssVar('--fg-muted'),
      grid: { stroke: cssVar('--border'), width: 1 },
      ticks: { show: false },
    };
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      title,
      scales: { x: { time: x === 'time' }, y: { distr: log ? 3 : 1 } },
      axes: [{ ...axis, label: X_LABEL[x] }, { ...axis }],
      // Gaps where a run has no point at this x are bridged: runs log at different steps.
      series: [
        { label: X_LABEL[x] },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: colorAt(i),
          width: 1.5,
          spanGaps: true,
          points: { show: false },
        })),
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    const p = new uPlot(opts, data, el);
    plot.current = p;
    const observer = new ResizeObserver(() => p.setSize({ width: el.clientWidth, height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, [layout, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div className="line-chart" ref={box} data-series={series.length} data-points={data[0].length} />;
}
