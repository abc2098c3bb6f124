/** What a workload is given and what it reports. */
import type { LoadResult } from './load.ts';
import type { ServerProcess } from './server-process.ts';

export type Dialect = 'sqlite' | 'postgresql';

export interface Goal {
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  /** e.g. "runs/create" or "runs/search c=1 p50". */
  label: string;
  value: number;
  unit: string;
  goal?: Goal;
  detail: string;
  /** Whether the figure is trustworthy (false: requests failed or a check did not hold). */
  valid: boolean;
  /** CPU cores used by other processes on the box during the measured run (other sessions share it). */
  others?: number;
}

export interface WorkloadContext {
  dialect: Dialect;
  /** Measured seconds per load run. */
  duration: number;
  warmup: number;
  connections: number;
  /** Load generator of the fixed-request (latency) workloads: wrk, or autocannon when wrk is absent. */
  generator: 'wrk' | 'autocannon';
  /** A fresh, empty backend store URI (new SQLite file or new PostgreSQL database). */
  newBackend(label: string): Promise<string>;
  /**
   * After seeding, before measuring: on PostgreSQL, ANALYZE (what autovacuum does within a minute of a bulk
   * insert; measuring before it would time plans made without statistics). Nothing on SQLite, which has no
   * automatic statistics and whose server does not gather any.
   */
  settle(backendStoreUri: string): Promise<void>;
  /** Starts the server on that backend (with the run's env / profiling options). */
  startServer(backendStoreUri: string): Promise<ServerProcess>;
  /** Called with the measured window of the load the profile should cover (see bench/profile.ts). */
  markWindow(window: LoadResult['window']): void;
  log(line: string): void;
}

export interface Workload {
  name: string;
  description: string;
  run(ctx: WorkloadContext): Promise<Figure[]>;
}

export const atLeast = (value: number): Goal => ({ op: '>=', value });
export const atMost = (value: number): Goal => ({ op: '<=', value });

export function meets(figure: Figure): boolean | undefined {
  if (!figure.goal) return undefined;
  return figure.goal.op === '>=' ? figure.value >= figure.goal.value : figure.value <= figure.goal.value;
}

/** Runs `body` against a started server and always stops it. */
export async function withServer<T>(
  ctx: WorkloadContext,
  uri: string,
  body: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await ctx.startServer(uri);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}
