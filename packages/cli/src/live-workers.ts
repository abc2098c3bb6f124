import cluster from 'node:cluster';

/**
 * Workers whose process has not exited. Not `Object.keys(cluster.workers)`: Node drops a worker from that
 * list only once it has both exited and disconnected, and a worker's 'exit' can come before its
 * 'disconnect' — counting the list on 'exit' then never reaches zero for the last worker.
 */
export function liveWorkers(): number {
  return Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead()).length;
}
