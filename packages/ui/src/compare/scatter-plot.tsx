/** Scatter of any two params or metrics across the compared runs (SVG: at most a few hundred points). */
import type { Run } from '@mlflow-ts/client';
import { colorAt } from '../common/theme.ts';
import { navigate } from '../router.tsx';
import { cellValue, parseColumn } from '../runs/columns.ts';
import type { CompareRoute } from '../url-state.ts';
import { makeAxis } from './axis.ts';
import { KeySelect } from './key-select.tsx';

const W = 640;
const H = 400;
const M = { left: 78, right: 20, top: 16, bottom: 48 };

export function ScatterPlot(props: { runs: Run[]; keys: string[]; route: CompareRoute }) {
  const { runs, keys, route } = props;
  const sx = keys.includes(route.sx) ? route.sx : (keys[0] ?? '');
  const sy = keys.includes(route.sy) ? route.sy : (keys[1] ?? keys[0] ?? '');
  const xCol = parseColumn(sx);
  const yCol = parseColumn(sy);
  if (!xCol || !yCol) return null;
  const xs = runs.map((r) => cellValue(r, xCol));
  const ys = runs.map((r) => cellValue(r, yCol));
  const ax = makeAxis(xs);
  const ay = makeAxis(ys);
  // A small inset keeps dots at the extremes inside the frame.
  const inset = (f: number) => 0.03 + f * 0.94;
  const px = (f: number) => M.left + inset(f) * (W - M.left - M.right);
  const py = (f: number) => H - M.bottom - inset(f) * (H - M.top - M.bottom);
  const missing = runs.filter((_, i) => ax.position(xs[i]) === null || ay.position(ys[i]) === null).length;
  return (
    <section aria-label="Scatter plot">
      <div className="toolbar">
        <KeySelect
          label="X"
          value={sx}
          keys={keys}
          onChange={(v) => navigate({ ...route, sx: v }, { replace: true })}
        />
        <KeySelect
          label="Y"
          value={sy}
          keys={keys}
          onChange={(v) => navigate({ ...route, sy: v }, { replace: true })}
        />
        {missing > 0 && (
          <span className="hint">{missing} run(s) lack one of the keys and are not drawn.</span>
        )}
      </div>
      <svg
        className="plot"
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`${sy} against ${sx}`}
      >
        {ax.ticks.map((t) => (
          <g key={`x${t.label}`}>
            <line className="grid-line" x1={px(t.pos)} x2={px(t.pos)} y1={py(0)} y2={py(1)} />
            <text className="tick" x={px(t.pos)} y={H - M.bottom + 16} textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {ay.ticks.map((t) => (
          <g key={`y${t.label}`}>
            <line className="grid-line" x1={px(0)} x2={px(1)} y1={py(t.pos)} y2={py(t.pos)} />
            <text className="tick" x={M.left - 6} y={py(t.pos) + 4} textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        <text className="axis-label" x={px(0.5)} y={H - 8} textAnchor="middle">
          {xCol.key}
        </text>
        <text className="axis-label" transform={`translate(14 ${py(0.5)}) rotate(-90)`} textAnchor="middle">
          {yCol.key}
        </text>
        {runs.map((r, i) => {
          const fx = ax.position(xs[i]);
          const fy = ay.position(ys[i]);
          if (fx === null || fy === null) return null;
          return (
            <circle key={r.info.run_id} className="dot" cx={px(fx)} cy={py(fy)} r={6} fill={colorAt(i)}>
              <title>{`${r.info.run_name || r.info.run_id}: ${xCol.key}=${xs[i]}, ${yCol.key}=${ys[i]}`}</title>
            </circle>
          );
        })}
      </svg>
    </section>
  );
}
