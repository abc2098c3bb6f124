/**
 * A line chart drawn on canvas by uPlot (fast enough for many series of thousands of points). Owns the
 * uPlot instance: created once per series layout, given new data in place, resized with its box.
 * With `onZoom`, a drag does not zoom into the points already drawn: it reports the x range so the caller
 * can fetch that range at full resolution; a double-click reports null (zoom out).
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
  onZoom?(range: [number, number] | null): void;
}

/** Above this many series the legend table would outgrow the chart; the run list names them instead. */
const MAX_LEGEND = 30;

const X_LABEL: Record<XAxis, string> = { step: 'step', time: 'time', relative: 'seconds since start' };

/** Reads a theme colour so the axes follow light/dark. */
const cssVar = (name: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

export function LineChart({ title, series, x, log, smooth, height = 260, onZoom }: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Read through a ref: a new callback must not rebuild the chart.
  const zoomTo = useRef(onZoom);
  zoomTo.current = onZoom;
  const zoomable = onZoom !== undefined;

  const data = useMemo(() => {
    const width = box.current?.clientWidth ?? 800;
    const prepared = series.map((s) =>
      downsampleMinMax({ ...s, ys: smoothEma(s.ys, smooth) }, Math.max(200, width)),
    );
    return alignSeries(prepared) as uPlot.AlignedData;
  }, [series, smooth]);

  const layout = `${series.map((s) => s.label).join('\n')}|${x}|${log}|${title}|${zoomable}`;
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
      legend: { show: series.length <= MAX_LEGEND, live: true },
      cursor: { drag: { x: true, y: false, setScale: !zoomable } },
      hooks: {
        // A counter of finished draws: tests and the bench wait for the chart to be on the canvas.
        draw: [() => (el.dataset.drawn = String(Number(el.dataset.drawn ?? 0) + 1))],
        setSelect: [
          (u) => {
            if (!zoomTo.current || u.select.width < 2) return;
            const lo = u.posToVal(u.select.left, 'x');
            const hi = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoomTo.current([lo, hi]);
          },
        ],
      },
    };
    const p = new uPlot(opts, data, el);
    plot.current = p;
    const zoomOut = () => zoomTo.current?.(null);
    if (zoomable) p.over.addEventListener('dblclick', zoomOut);
    const observer = new ResizeObserver(() => p.setSize({ width: el.clientWidth, height }));
    observer.observe(el);
    return () => {
      p.over.removeEventListener('dblclick', zoomOut);
      observer.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, [layout, height, zoomable]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div className="line-chart" ref={box} data-series={series.length} data-points={data[0].length} />;
}
