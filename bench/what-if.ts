/**
 * Database-only experiments behind the analysis in RESULTS.md: what the schema and the query shapes cost
 * without HTTP, JSON or the server around them. They run on a schema made by `mlflow-ts db upgrade` (MLflow's
 * tables plus our additive indexes), with the server's SQLite pragmas, and change nothing in the server.
 *
 *   node --import tsx bench/what-if.ts [sqlite-log-batch [--only LABEL]… [--rounds N]] [sqlite-search] [pg-log-batch]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgLogBatch } from './what-if/pg-log-batch.ts';
import { sqliteLogBatch } from './what-if/sqlite-log-batch.ts';
import { sqliteSearch } from './what-if/sqlite-search.ts';

const args = process.argv.slice(2);
const only: string[] = [];
let rounds = 20;
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only.push(args[++i]!);
  else if (args[i] === '--rounds') rounds = Number(args[++i]);
  else wanted.push(args[i]!);
}
const all = wanted.length === 0;
const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-what-if-'));
try {
  if (all || wanted.includes('sqlite-log-batch')) await sqliteLogBatch(dir, only, rounds);
  if (all || wanted.includes('sqlite-search')) sqliteSearch(dir);
  if (all || wanted.includes('pg-log-batch')) await pgLogBatch();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
