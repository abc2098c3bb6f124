/** Seeding helpers: JSON calls to the REST API (Node's fetch) and a bounded-concurrency map. */

export const API = '/api/2.0/mlflow';

export async function api<T = Record<string, unknown>>(
  base: string,
  path: string,
  body?: unknown,
  method: 'GET' | 'POST' = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  const res = await fetch(base + API + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight; results in input order. */
export async function pmap<I, O>(
  items: readonly I[],
  concurrency: number,
  fn: (item: I, index: number) => Promise<O>,
): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** The tags the Python client's fluent start_run() sends with runs/create (mlflow/tracking/context). */
export const PYTHON_CLIENT_RUN_TAGS = [
  { key: 'mlflow.user', value: 'bench' },
  { key: 'mlflow.source.name', value: 'train.py' },
  { key: 'mlflow.source.type', value: 'LOCAL' },
  { key: 'mlflow.source.git.commit', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4' },
];
