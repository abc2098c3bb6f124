/** The runs/search query as served against an order-driven plan, on 10,000 runs (SQLite). */
import { runId, sqliteDb } from './setup.ts';

const SEARCH_SERVED = `SELECT runs.* FROM runs
  JOIN latest_metrics f0 ON f0.run_uuid = runs.run_uuid AND f0.key = 'm1' AND f0.value > 0.5
  JOIN params f1 ON f1.run_uuid = runs.run_uuid AND f1.key = 'p1' AND f1.value = 'x'
  LEFT JOIN latest_metrics o0 ON o0.run_uuid = runs.run_uuid AND o0.key = 'm2'
  WHERE runs.experiment_id IN (0) AND runs.lifecycle_stage = 'active'
  ORDER BY o0.value IS NULL, o0.is_nan, o0.value DESC, runs.start_time IS NULL, runs.start_time DESC, runs.run_uuid
  LIMIT 100`;
// Walk the order key's index from the top and probe the filters until 100 runs qualify (~400 probes at 25 %
// selectivity). Runs lacking m2 would follow in a second pass; NaN and tie order are not handled here.
const SEARCH_ORDER_DRIVEN = `SELECT runs.* FROM latest_metrics o0
  CROSS JOIN latest_metrics f0 CROSS JOIN params f1 CROSS JOIN runs
  WHERE o0.key = 'm2' AND f0.run_uuid = o0.run_uuid AND f0.key = 'm1' AND f0.value > 0.5
    AND f1.run_uuid = o0.run_uuid AND f1.key = 'p1' AND f1.value = 'x'
    AND runs.run_uuid = o0.run_uuid AND runs.experiment_id IN (0) AND runs.lifecycle_stage = 'active'
  ORDER BY o0.value DESC LIMIT 100`;

export function sqliteSearch(dir: string): void {
  const db = sqliteDb(dir, 'search', 10_000);
  const param = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
  const latest = db.prepare(
    'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, 0, 0, 0, ?)',
  );
  const tag = db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
      const id = runId(i);
      for (let k = 0; k < 10; k++) {
        param.run(`p${k}`, k === 1 ? (Math.random() < 0.5 ? 'x' : 'y') : `v${i % 97}`, id);
        latest.run(`m${k}`, Math.random(), id);
      }
      for (let k = 0; k < 5; k++) tag.run(`t${k}`, `tag-${k}`, id);
    }
  })();
  for (const [label, query] of [
    ['as served', SEARCH_SERVED],
    ['order-driven plan', SEARCH_ORDER_DRIVEN],
  ] as const) {
    const stmt = db.prepare(query);
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      stmt.all();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${query}`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join(' | ');
    console.log(`sqlite search, ${label}: median ${times[20]!.toFixed(2)} ms\n  plan: ${plan}`);
  }
  db.close();
}
