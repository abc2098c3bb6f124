/**
 * Parallel coordinates: one vertical axis per chosen param or metric, one line per run through its
 * values, so settings that go with good results line up. A run lacking a key breaks its line there.
 */
import type { Run } from '@mlflow-ts/client';
import { colorAt } from '../common/theme.ts';
import { navigate } from '../router.tsx';
import { cellValue, parseColumn } from '../runs/columns.ts';
import type { CompareRoute } from '../url-state.ts';
import { makeAxis } from './axis.ts';

const H = 380;
const M = { top: 28, bottom: 30, side: 60 };
const GAP = 150;
/** Shown until the user picks: every param, then metrics, up to this many axes. */
const DEFAULT_AXES = 6;

export function ParallelPlot(props: { runs: Run[]; keys: string[]; route: CompareRoute }) {
  const { runs, keys, route } = props;
  const chosen = route.axes.filter((a) => keys.includes(a));
  const axesIds = chosen.length >= 2 ? chosen : keys.slice(0, DEFAULT_AXES);
  const columns = axesIds.map((id) => parseColumn(id)!).filter(Boolean);
  const values = columns.map((c) => runs.map((r) => cellValue(r, c)));
  const axes = values.map((v) => makeAxis(v));
  const W = M.side * 2 + GAP * Math.max(1, columns.length - 1);
  const x = (i: number) => M.side + i * GAP;
  const y = (f: number) => H - M.bottom - f * (H - M.top - M.bottom);
  const toggle = (id: string) => {
    const next = axesIds.includes(id) ? axesIds.filter((a) => a !== id) : [...axesIds, id];
    navigate({ ...route, axes: next }, { replace: true });
  };
  return (
    <section aria-label="Parallel coordinates" className="parallel">
      <div className="toolbar axis-picker">
        {keys.map((id) => (
          <label key={id} className="check-label small">
            <input type="checkbox" checked={axesIds.includes(id)} onChange={() => toggle(id)} />
            {id.replace(':', ': ')}
          </label>
        ))}
      </div>
      <div className="table-scroll">
        <svg
          className="plot"
          viewBox={`0 0 ${W} ${H}`}
          width={W}
          height={H}
          role="img"
          aria-label="Parallel coordinates"
        >
          {runs.map((r, ri) => {
            // Consecutive present values form segments; a missing value ends one.
            const segments: string[][] = [[]];
            axes.forEach((a, ai) => {
              const f = a.position(values[ai]![ri]);
              if (f === null) segments.push([]);
              else segments[segments.length - 1]!.push(`${x(ai)},${y(f)}`);
            });
            return (
              <g key={r.info.run_id} className="run-line" stroke={colorAt(ri)}>
                <title>{r.info.run_name || r.info.run_id}</title>
                {segments
                  .filter((s) => s.length > 1)
                  .map((s) => (
                    <polyline key={s[0]} points={s.join(' ')} fill="none" strokeWidth={2} />
                  ))}
              </g>
            );
          })}
          {columns.map((c, i) => (
            <g key={c.id}>
              <line className="axis-line" x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
              <text className="axis-label" x={x(i)} y={M.top - 12} textAnchor="middle">
                {c.key}
              </text>
              {axes[i]!.ticks.map((t) => (
                <text key={t.label} className="tick" x={x(i) - 6} y={y(t.pos) + 4} textAnchor="end">
                  {t.label}
                </text>
              ))}
            </g>
          ))}
        </svg>
      </div>
    </section>
  );
}
