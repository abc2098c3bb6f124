/**
 * The model(s) a `models serve` process answers with. A plain model (path, runs:/, models:/name/N): one
 * scorer. `-m models:/<name> --route a=90 --route b=10`, or `-m models:/<name>@<alias>` alone: a Rollout
 * over aliases, re-resolved on SIGHUP and every --refresh-interval seconds.
 */
import {
  createScorer,
  Rollout,
  type RouteState,
  type ScorerOptions,
  singleTarget,
  type TargetSelector,
  validateRoutes,
} from '@mlflow-ts/models';
import type { ModelsServeConfig } from './models-config.ts';
import { resolveModelDir, trackingResolver } from './models-resolve.ts';

export interface RolloutPlan {
  modelName: string;
  routes: { alias: string; weight: number }[];
  shadow: string | null;
}

/** The rollout -m/--route/--shadow ask for, or null for a single model. Throws on contradictions. */
export function rolloutPlan(config: ModelsServeConfig): RolloutPlan | null {
  const uri = config.modelUri;
  const bare = /^models:\/+([^/@]+)\/?$/.exec(uri);
  const alias = /^models:\/+([^/]+)@([^/@]+)$/.exec(uri);
  if (config.routes.length > 0) {
    if (!bare) {
      throw new Error(
        `--route needs -m models:/<name> (the registered model whose aliases take traffic), got ${uri}`,
      );
    }
    validateRoutes([...config.routes], config.shadow);
    return { modelName: bare[1]!, routes: [...config.routes], shadow: config.shadow };
  }
  if (alias) {
    const routes = [{ alias: alias[2]!, weight: 1 }];
    validateRoutes(routes, config.shadow);
    return { modelName: alias[1]!, routes, shadow: config.shadow };
  }
  if (config.shadow) throw new Error('--shadow needs -m models:/<name>@<alias> or --route');
  if (bare)
    throw new Error(
      `${uri}: give a version, stage or alias (models:/<name>/<n>, models:/<name>@<alias>) or --route`,
    );
  return null;
}

export interface ServedModels {
  selector: TargetSelector;
  /** A line for the start message. */
  describe: string;
  close(): Promise<void>;
  /** A rollout's current alias → version routes (for /metrics). */
  routes?: () => RouteState[];
}

export async function openServedModels(
  config: ModelsServeConfig,
  scorerOptions: (version?: string) => ScorerOptions,
  log: (line: string) => void,
): Promise<ServedModels> {
  const plan = rolloutPlan(config);
  if (!plan) {
    const dir = await resolveModelDir(config.modelUri, config);
    const scorer = await createScorer(dir, scorerOptions());
    return {
      selector: singleTarget(scorer),
      describe: `model ${dir}, flavor ${scorer.flavor}`,
      close: () => scorer.close(),
    };
  }
  const rollout = await Rollout.start({
    ...plan,
    resolver: trackingResolver(config, config.modelUri),
    openScorer: (dir, version) => createScorer(dir, scorerOptions(version)),
    warn: (message) => log(`mlflow-ts models serve: ${message}`),
  });
  const refresh = () =>
    rollout.refresh().then((changes) => {
      for (const c of changes) {
        log(
          `mlflow-ts models serve: alias '${c.alias}' of '${plan.modelName}' now serves version ${c.to} (was ${c.from})`,
        );
      }
    });
  const onHup = () => void refresh();
  process.on('SIGHUP', onHup);
  const timer =
    config.refreshIntervalSeconds > 0
      ? setInterval(onHup, config.refreshIntervalSeconds * 1000).unref()
      : null;
  const routes = rollout
    .state()
    .map((r) => `${r.alias}→v${r.version}${r.role === 'shadow' ? ' (shadow)' : ` ${r.weight}`}`)
    .join(', ');
  return {
    selector: rollout,
    describe: `models:/${plan.modelName}, routes ${routes}`,
    routes: () => rollout.state(),
    close: async () => {
      process.off('SIGHUP', onHup);
      if (timer) clearInterval(timer);
      await rollout.close();
    },
  };
}
