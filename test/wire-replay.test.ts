// Replays every wire recording of the real MLflow 2.9.2 server (test/fixtures/reference/wire, README
// there) against a fresh app, on SQLite and on PostgreSQL when available. The SQLite recordings are also
// replayed on PostgreSQL; where errors-postgresql.jsonl marks a step `differs_from_sqlite`, PostgreSQL's
// recorded answer is accepted too. errors-postgresql.jsonl itself runs on PostgreSQL only.
// Expected differences live in test/support/replay-known-differences.ts (each with its reason).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Dialect } from './support/databases.ts';
import { availableDialects } from './support/dialects.ts';
import { replayExchanges } from './support/replay.ts';
import { createReplayApp } from './support/replay-app.ts';
import { type Exchange, loadRecording, WIRE_DIR } from './support/replay-format.ts';

const PG_ERRORS = 'errors-postgresql.jsonl';
const RECORDINGS = readdirSync(WIRE_DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

function filesFor(dialect: Dialect): string[] {
  return RECORDINGS.filter((f) => f !== PG_ERRORS || dialect === 'postgresql');
}

/** For errors.jsonl on PostgreSQL: PostgreSQL's own recording of the steps that differ there. */
function alternativesFor(file: string, dialect: Dialect): Map<number, Exchange> {
  const out = new Map<number, Exchange>();
  if (file !== 'errors.jsonl' || dialect !== 'postgresql') return out;
  for (const ex of loadRecording(PG_ERRORS)) if (ex.differs_from_sqlite) out.set(ex.seq, ex);
  return out;
}

describe('wire replay of MLflow 2.9.2 recordings', () => {
  it('has the recordings', () => {
    assert.ok(RECORDINGS.length >= 10, `found ${RECORDINGS.join(', ')} in ${WIRE_DIR}`);
  });

  for (const dialect of availableDialects()) {
    describe(dialect, () => {
      for (const file of filesFor(dialect)) {
        it(file, async (t) => {
          const exchanges = loadRecording(file);
          const server = await createReplayApp(dialect);
          try {
            const report = await replayExchanges(server.app, exchanges, {
              file,
              dialect,
              alternatives: alternativesFor(file, dialect),
            });
            t.diagnostic(report.summary);
            assert.equal(report.outcomes.length, exchanges.length);
            if (report.mismatches)
              assert.fail(`${report.summary}\nunexpected differences:\n${report.mismatches}`);
          } finally {
            await server.close();
          }
        });
      }
    });
  }
});
