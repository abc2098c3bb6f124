/** The PostgreSQL log-batch INSERT alone, in schema variants. */
import pg from 'pg';
import { startPgCluster } from '../postgres.ts';
import { INSERT_RUN, runId, upgrade } from './setup.ts';

/** The PostgreSQL log-batch INSERT (unnest of 1,000 rows) alone on one connection, schema variants. */
export async function pgLogBatch(): Promise<void> {
  const cluster = await startPgCluster();
  try {
    const variants: [string, string[], boolean][] = [
      ['as served', [], true],
      ['without ON CONFLICT DO NOTHING', [], false],
      ['without the FK to runs', ['ALTER TABLE metrics DROP CONSTRAINT metrics_run_uuid_fkey'], true],
      ['without additive index', ['DROP INDEX mlflow_ts_metrics_run_key_step'], true],
    ];
    for (const [label, setup, conflict] of variants) {
      const uri = await cluster.createDatabase(`whatif_${label.replace(/\W+/g, '_')}`);
      upgrade(uri);
      const client = new pg.Client({ connectionString: uri });
      await client.connect();
      await client.query(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES (0, 'Default', '', 'active')",
      );
      for (let i = 0; i < 16; i++) {
        await client.query(INSERT_RUN.replace('?, ?,', "$1, 'r',").replace("'RUNNING', ?", "'RUNNING', 0"), [
          runId(i),
        ]);
      }
      for (const s of setup) await client.query(s);
      const sql =
        'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT * FROM unnest($1::text[], ' +
        `$2::float8[], $3::int8[], $4::text[], $5::int8[], $6::bool[])${conflict ? ' ON CONFLICT DO NOTHING' : ''}`;
      const ts0 = Date.now();
      const times: number[] = [];
      for (let n = 0; n < 250; n++) {
        const cols: unknown[][] = [[], [], [], [], [], []];
        for (let i = 0; i < 1000; i++) {
          const step = Math.floor(n / 16) * 100 + (i % 100);
          const row = [
            `train/metric_${i % 10}`,
            Math.random(),
            ts0 + n * 100 + (i % 100),
            runId(n % 16),
            step,
            false,
          ];
          for (const [c, v] of row.entries()) cols[c]!.push(v);
        }
        const t = performance.now();
        await client.query('BEGIN');
        await client.query(sql, cols);
        await client.query('COMMIT');
        if (n >= 50) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`pg log-batch insert, ${label}: median ${times[100]!.toFixed(1)} ms per 1,000 rows`);
      await client.end();
    }
  } finally {
    cluster.stop();
  }
}
