// Seeds experiments and runs through the public API (the SDK), for UI tests and benchmarks.
import { MlflowClient } from '@mlflow-ts/client';

export interface SeededRun {
  runId: string;
  name: string;
  lr: string;
}

/**
 * Two experiments: `<name>-older` with one run and a parent run with two nested runs, and `name` with `runs` runs (params lr and model, a `loss`
 * and an `accuracy` history of `steps` points each). The newer one holds the newest run.
 */
export async function seedExperiment(
  trackingUri: string,
  name: string,
  opts: { runs?: number; steps?: number } = {},
): Promise<{ experimentId: string; runs: SeededRun[] }> {
  const client = new MlflowClient({ trackingUri, maxRetries: 0 });
  const runsCount = opts.runs ?? 5;
  const steps = opts.steps ?? 30;
  const t0 = Date.now() - 3_600_000;
  const older = await client.createExperiment(`${name}-older`);
  const old = await client.createRun(older, { runName: 'old-run', startTime: t0 - 60_000 });
  await client.setTerminated(old.info.run_id, 'FINISHED', t0);
  // A parent run with two nested runs (a sweep), grouped under it in the runs table.
  const sweep = await client.createRun(older, { runName: 'sweep', startTime: t0 - 50_000 });
  for (const k of [0, 1]) {
    await client.createRun(older, {
      runName: `trial-${k}`,
      startTime: t0 - 40_000 + k,
      tags: { 'mlflow.parentRunId': sweep.info.run_id },
    });
  }

  const experimentId = await client.createExperiment(name, { tags: { team: 'ui' } });
  const runs: SeededRun[] = [];
  for (let i = 0; i < runsCount; i++) {
    const lr = (10 ** -(i + 1)).toPrecision(1);
    const runName = `run-${i}`;
    const start = t0 + i * 60_000;
    const run = await client.createRun(experimentId, {
      runName,
      startTime: start,
      tags: { 'mlflow.user': 'e2e', 'mlflow.source.git.commit': `c0ffee${i}` },
    });
    const id = run.info.run_id;
    await client.logBatch(id, {
      params: [
        { key: 'lr', value: lr },
        { key: 'model', value: 'mlp' },
      ],
      tags: [{ key: 'stage', value: i % 2 ? 'odd' : 'even' }],
      metrics: Array.from({ length: steps }, (_, s) => [
        { key: 'loss', value: 1 / (1 + s * (i + 1) * 0.1), step: s, timestamp: start + s * 1000 },
        { key: 'accuracy', value: 1 - 1 / (2 + s * (i + 1) * 0.1), step: s, timestamp: start + s * 1000 },
      ]).flat(),
    });
    await client.setTerminated(id, 'FINISHED', start + steps * 1000);
    runs.push({ runId: id, name: runName, lr });
  }
  return { experimentId, runs };
}

/** A registered model with one version from `runId`, and a JSON artifact in that run (proxied upload). */
export async function seedModelAndArtifact(
  trackingUri: string,
  experimentId: string,
  runId: string,
  model: string,
) {
  const api = `${trackingUri}/api/2.0`;
  const send = async (method: string, path: string, body: string | object) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { 'Content-Type': typeof body === 'string' ? 'application/octet-stream' : 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
  };
  // The run's artifact root is mlflow-artifacts:/<experiment>/<run>/artifacts (spec §1.5).
  await send(
    'PUT',
    `/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/config.json`,
    '{"layers":[64,32],"act":"relu"}',
  );
  await send(
    'PUT',
    `/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/eval/predictions.csv`,
    'id,label,score\n1,cat,0.91\n2,"dog, big",0.47\n',
  );
  // The model's MLmodel as MLflow's Python client writes it: PyYAML folds the long signature line.
  await send(
    'PUT',
    `/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`,
    [
      'artifact_path: model',
      'flavors:',
      '  sklearn:',
      '    pickled_model: model.pkl',
      'signature:',
      `  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":`,
      `    "string", "name": "species", "required": false}]'`,
      `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'`,
      '  params: null',
      '',
    ].join('\n'),
  );
  await send('POST', '/mlflow/registered-models/create', {
    name: model,
    description: 'seeded by the UI test',
  });
  await send('POST', '/mlflow/model-versions/create', {
    name: model,
    source: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`,
    run_id: runId,
  });
}

export interface BigRuns {
  experimentId: string;
  /** A run with `loss` logged at steps 0 … steps-1. */
  longRunId: string;
  /** A run with `keys` metrics m0000 … (one point each). */
  wideRunId: string;
  /** Small runs with a short `loss` curve each, more than one bulk-interval call can take (100). */
  manyRunIds: string[];
}

/**
 * `<name>-big`: the data that needs the UI's paths for size — a long history (sampled, zoomable), a run
 * with many metric keys (virtualised table and picker) and more runs than one chart request takes. Its
 * runs start a day back, so the landing page still opens the experiment with the newest run.
 */
export async function seedBigRuns(
  trackingUri: string,
  name: string,
  opts: { steps?: number; keys?: number; many?: number } = {},
): Promise<BigRuns> {
  const client = new MlflowClient({ trackingUri, maxRetries: 0 });
  const steps = opts.steps ?? 5000;
  const keys = opts.keys ?? 2000;
  const many = opts.many ?? 120;
  const t0 = Date.now() - 86_400_000;
  const experimentId = await client.createExperiment(`${name}-big`);
  // runs/log-batch takes at most 1,000 metrics per request (spec §4).
  const inBatches = async (
    runId: string,
    metrics: { key: string; value: number; step: number; timestamp: number }[],
  ) => {
    for (let i = 0; i < metrics.length; i += 1000) {
      await client.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
    }
  };
  const long = await client.createRun(experimentId, { runName: 'long-run', startTime: t0 });
  await inBatches(
    long.info.run_id,
    Array.from({ length: steps }, (_, s) => ({
      key: 'loss',
      value: 1 / (1 + s / 100),
      step: s,
      timestamp: t0 + s,
    })),
  );
  const wide = await client.createRun(experimentId, { runName: 'wide-run', startTime: t0 + 1 });
  await inBatches(
    wide.info.run_id,
    Array.from({ length: keys }, (_, k) => ({
      key: `m${String(k).padStart(4, '0')}`,
      value: k,
      step: 0,
      timestamp: t0,
    })),
  );
  const manyRunIds: string[] = new Array(many);
  let next = 0;
  const worker = async () => {
    while (next < many) {
      const i = next++;
      const run = await client.createRun(experimentId, { runName: `many-${i}`, startTime: t0 + 10 + i });
      await client.logBatch(run.info.run_id, {
        metrics: [0, 1, 2].map((s) => ({
          key: 'loss',
          value: (i + 1) / (s + 1),
          step: s,
          timestamp: t0 + s,
        })),
      });
      manyRunIds[i] = run.info.run_id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { experimentId, longRunId: long.info.run_id, wideRunId: wide.info.run_id, manyRunIds };
}
