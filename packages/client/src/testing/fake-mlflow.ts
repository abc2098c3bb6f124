/**
 * Test support: a tiny in-memory tracking server whose answers copy the shapes recorded from MLflow
 * 2.9.2 (tracking-experiments.jsonl / tracking-runs.jsonl): ids as strings, `run_uuid` + `run_id`,
 * `mlflow.runName` tag added by the server, errors as {error_code, message} with MLflow's statuses.
 */
import type { Handler, RecordedRequest, Reply } from './recording-server.ts';

type KV = { key: string; value: string };
interface FakeRun {
  info: Record<string, unknown> & { run_id: string; status: string };
  data: { tags: KV[]; params: KV[]; metrics: Record<string, unknown>[] };
}

export interface FakeMlflow {
  handler: Handler;
  experiments: Map<string, Record<string, unknown>>;
  runs: Map<string, FakeRun>;
  /** Intercepts requests before the fake handles them (return undefined to fall through). */
  override?: (req: RecordedRequest) => Reply | undefined;
}

const notFound = (message: string): Reply => ({
  status: 404,
  body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message },
});

export function fakeMlflow(): FakeMlflow {
  const experiments = new Map<string, Record<string, unknown>>([
    ['0', experiment('0', 'Default', 1795446976534)],
  ]);
  const runs = new Map<string, FakeRun>();
  let nextRun = 1;
  const fake: FakeMlflow = { experiments, runs, handler: () => ({}) };

  fake.handler = (req) => {
    const hit = fake.override?.(req);
    if (hit) return hit;
    const b = (req.json ?? {}) as Record<string, unknown>;
    const q = (k: string) => req.query[k]?.[0];
    const route = `${req.method} ${req.path.replace(/^\/api\/2\.0\/mlflow\//, '')}`;
    switch (route) {
      case 'GET experiments/get-by-name': {
        const found = [...experiments.values()].find((e) => e.name === q('experiment_name'));
        return found
          ? { body: { experiment: found } }
          : notFound(`Could not find experiment with name '${q('experiment_name')}'`);
      }
      case 'GET experiments/get': {
        const found = experiments.get(q('experiment_id') ?? '');
        return found
          ? { body: { experiment: found } }
          : notFound(`No Experiment with id=${q('experiment_id')} exists`);
      }
      case 'POST experiments/create': {
        const id = String(experiments.size);
        experiments.set(id, experiment(id, String(b.name), 1795446987210));
        return { body: { experiment_id: id } };
      }
      case 'POST runs/create': {
        const id = `${(nextRun++).toString(16).padStart(32, '0')}`;
        const tags = [...((b.tags as KV[] | undefined) ?? [])];
        const name =
          (b.run_name as string) ??
          tags.find((t) => t.key === 'mlflow.runName')?.value ??
          'redolent-perch-608';
        if (!tags.some((t) => t.key === 'mlflow.runName')) tags.push({ key: 'mlflow.runName', value: name });
        const run: FakeRun = {
          info: {
            run_uuid: id,
            experiment_id: b.experiment_id,
            run_name: name,
            user_id: b.user_id,
            status: 'RUNNING',
            start_time: b.start_time,
            artifact_uri: `mlflow-artifacts:/${b.experiment_id}/${id}/artifacts`,
            lifecycle_stage: 'active',
            run_id: id,
          },
          data: { tags, params: [], metrics: [] },
        };
        runs.set(id, run);
        return { body: { run: { info: run.info, data: { tags } } } };
      }
      case 'GET runs/get': {
        const run = runs.get(q('run_id') ?? '');
        return run
          ? {
              body: {
                run: { info: run.info, data: { tags: run.data.tags, params: run.data.params }, inputs: {} },
              },
            }
          : notFound(`Run with id=${q('run_id')} not found`);
      }
      case 'POST runs/update': {
        const run = runs.get(String(b.run_id));
        if (!run) return notFound(`Run with id=${b.run_id} not found`);
        if (b.status) run.info.status = String(b.status);
        if (b.end_time) run.info.end_time = b.end_time;
        return { body: { run_info: run.info } };
      }
      case 'POST runs/log-batch': {
        const run = runs.get(String(b.run_id));
        if (!run) return notFound(`Run with id=${b.run_id} not found`);
        run.data.metrics.push(...((b.metrics as Record<string, unknown>[]) ?? []));
        run.data.params.push(...((b.params as KV[]) ?? []));
        run.data.tags.push(...((b.tags as KV[]) ?? []));
        return { body: {} };
      }
      case 'POST runs/log-parameter': {
        const run = runs.get(String(b.run_id));
        if (!run) return notFound(`Run with id=${b.run_id} not found`);
        const old = run.data.params.find((p) => p.key === b.key);
        if (old && old.value !== b.value) {
          return {
            status: 400,
            body: {
              error_code: 'INVALID_PARAMETER_VALUE',
              message: `Changing param values is not allowed. Param with key='${b.key}' was already logged with value='${old.value}' for run ID='${b.run_id}'. Attempted logging new value '${b.value}'.`,
            },
          };
        }
        if (!old) run.data.params.push({ key: String(b.key), value: String(b.value) });
        return { body: {} };
      }
      case 'POST runs/set-tag': {
        runs.get(String(b.run_id))?.data.tags.push({ key: String(b.key), value: String(b.value) });
        return { body: {} };
      }
      default:
        return { status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND', message: `no route ${route}` } };
    }
  };
  return fake;
}

function experiment(id: string, name: string, time: number): Record<string, unknown> {
  return {
    experiment_id: id,
    name,
    artifact_location: `mlflow-artifacts:/${id}`,
    lifecycle_stage: 'active',
    last_update_time: time,
    creation_time: time,
  };
}
