/** The route of our run-keys addition (services/run-keys-service.ts): under the UI's prefix only. */
import { AJAX_PREFIX } from '@mlflow-ts/protocol';
import type { FastifyInstance } from 'fastify';
import type { RunKeysService } from '../services/run-keys-service.ts';

export const RUN_KEYS_PATH = `${AJAX_PREFIX}/mlflow/experiments/run-keys`;

export function registerRunKeysRoute(app: FastifyInstance, service: RunKeysService, knownPaths: Set<string>) {
  knownPaths.add(RUN_KEYS_PATH);
  app.get(RUN_KEYS_PATH, async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const all = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const maxKeys = all(q.max_keys)[0];
    const keys = await service.runKeys({ experiment_ids: all(q.experiment_ids), max_keys: maxKeys });
    reply.type('application/json');
    return JSON.stringify(keys);
  });
}
