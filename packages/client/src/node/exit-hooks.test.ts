import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fakeMlflow } from '../testing/fake-mlflow.ts';
import {
  jsonOf,
  type RecordingServer,
  requestsTo,
  startRecordingServer,
} from '../testing/recording-server.ts';

// The hooks act on process events, so they are tested in a real child process running a script.
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const entry = path.join(here, 'index.ts');

let dir: string;
let script: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlflow-ts-exit-'));
  script = path.join(dir, 'train.mts');
  await writeFile(
    script,
    `import * as mlflow from ${JSON.stringify(entry)};
mlflow.setTrackingUri(process.env.FAKE_URI!);
// A long interval: only the exit hooks can deliver these points.
mlflow.configure({ batching: { flushIntervalMs: 60_000 } });
await mlflow.startRun({ experimentId: '0' });
for (let i = 0; i < 10; i++) mlflow.logMetric('m', i, { step: i });
if (process.argv[2] === 'wait') {
  console.log('ready');
  setInterval(() => {}, 1000);
}
`,
  );
});
after(() => rm(dir, { recursive: true, force: true }));

function runChild(server: RecordingServer, mode: 'end' | 'wait') {
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode], {
    cwd: repoRoot,
    env: { ...process.env, FAKE_URI: server.uri },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

describe('Node exit hooks', () => {
  test('when the script finishes, queued metrics are flushed and the run ends FINISHED', async () => {
    const server = await startRecordingServer(fakeMlflow().handler);
    try {
      const { exited } = runChild(server, 'end');
      const { code, stderr } = await exited;
      assert.equal(code, 0, stderr);
      const batch = requestsTo(server, 'runs/log-batch')[0]?.json as { metrics: { step: number }[] };
      assert.deepEqual(
        batch.metrics.map((m) => m.step),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
      assert.equal(jsonOf(requestsTo(server, 'runs/update')[0]).status, 'FINISHED');
      assert.ok(server.requests.at(-1)?.path.endsWith('runs/update'));
    } finally {
      await server.close();
    }
  });

  test('SIGTERM flushes, ends the run KILLED, and the process still dies of the signal', async () => {
    const server = await startRecordingServer(fakeMlflow().handler);
    try {
      const { child, exited } = runChild(server, 'wait');
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => d.includes('ready') && resolve()),
      );
      child.kill('SIGTERM');
      const { signal, stderr } = await exited;
      assert.equal(signal, 'SIGTERM', stderr);
      const batch = requestsTo(server, 'runs/log-batch')[0]?.json as { metrics: unknown[] };
      assert.equal(batch.metrics.length, 10);
      assert.equal(jsonOf(requestsTo(server, 'runs/update')[0]).status, 'KILLED');
    } finally {
      await server.close();
    }
  });
});
