/**
 * Serving several versions of one registered model by alias (`--route champion=90 --route
 * challenger=10`, `--shadow challenger`). Aliases are resolved through the registry at start and again
 * on `refresh()` (SIGHUP, and every --refresh-interval seconds), so promoting a version needs no restart:
 * the new version is downloaded and loaded first, then swapped in; the replaced one is closed once the
 * requests it was picked for have finished. A failed refresh keeps serving what was there.
 */
import type { Scorer } from '../serving/scorer.ts';
import {
  type RouteWeight,
  type ScoringTarget,
  type TargetSelector,
  weightedIndex,
} from '../serving/targets.ts';
import type { TrackingModelResolver } from './tracking-resolver.ts';

export interface RolloutOptions {
  modelName: string;
  routes: RouteWeight[];
  shadow: string | null;
  resolver: TrackingModelResolver;
  /** Loads one version (threads, batching…: the caller's choice). */
  openScorer(dir: string, version: string): Promise<Scorer>;
  warn?(message: string): void;
  /** Uniform [0, 1) draws for the traffic split. */
  random?: () => number;
}

export interface AliasChange {
  alias: string;
  from: string | null;
  to: string;
}

interface Loaded {
  scorer: Scorer;
  inflight: number;
  retired: boolean;
}

export interface RouteState {
  alias: string;
  version: string;
  /** Share of traffic (0 for the shadow). */
  weight: number;
  role: 'route' | 'shadow';
}

export class Rollout implements TargetSelector {
  private aliasVersion = new Map<string, string>();
  private readonly loaded = new Map<string, Loaded>();
  private readonly weights: number[];
  private pending: Promise<AliasChange[]> | null = null;
  private closed = false;

  private constructor(private readonly options: RolloutOptions) {
    this.weights = options.routes.map((r) => r.weight);
  }

  static async start(options: RolloutOptions): Promise<Rollout> {
    const rollout = new Rollout(options);
    try {
      await rollout.resolveAll(true);
    } catch (err) {
      await rollout.close();
      throw err;
    }
    return rollout;
  }

  private get aliases(): string[] {
    const names = this.options.routes.map((r) => r.alias);
    return this.options.shadow ? [...names, this.options.shadow] : names;
  }

  pick(): ScoringTarget {
    const i = weightedIndex(this.weights, (this.options.random ?? Math.random)());
    return this.target(this.options.routes[i]!.alias);
  }

  shadow(): ScoringTarget | null {
    return this.options.shadow ? this.target(this.options.shadow) : null;
  }

  private target(alias: string): ScoringTarget {
    const version = this.aliasVersion.get(alias)!;
    const entry = this.loaded.get(version)!;
    entry.inflight++;
    let released = false;
    return {
      scorer: entry.scorer,
      version,
      alias,
      release: () => {
        if (released) return;
        released = true;
        entry.inflight--;
        if (entry.retired && entry.inflight === 0) void entry.scorer.close();
      },
    };
  }

  /** The current alias → version mapping (for /metrics and logs). */
  state(): RouteState[] {
    const out: RouteState[] = this.options.routes.map((r) => ({
      alias: r.alias,
      version: this.aliasVersion.get(r.alias) ?? '',
      weight: r.weight,
      role: 'route',
    }));
    if (this.options.shadow) {
      const alias = this.options.shadow;
      out.push({ alias, version: this.aliasVersion.get(alias) ?? '', weight: 0, role: 'shadow' });
    }
    return out;
  }

  /** Re-resolves every alias; concurrent calls share one pass. Resolves with what changed. */
  refresh(): Promise<AliasChange[]> {
    this.pending ??= this.resolveAll(false).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async resolveAll(initial: boolean): Promise<AliasChange[]> {
    const { modelName, resolver } = this.options;
    const next = new Map(this.aliasVersion);
    const changes: AliasChange[] = [];
    for (const alias of this.aliases) {
      try {
        const mv = await resolver.client.getModelVersionByAlias(modelName, alias);
        const from = this.aliasVersion.get(alias) ?? null;
        if (from === mv.version) continue;
        if (!this.loaded.has(mv.version)) {
          // Load before swapping: requests keep going to the old version meanwhile.
          const { dir } = await resolver.resolveModel(`models:/${modelName}/${mv.version}`);
          const scorer = await this.options.openScorer(dir, mv.version);
          if (this.closed) {
            await scorer.close();
            return changes;
          }
          this.loaded.set(mv.version, { scorer, inflight: 0, retired: false });
        }
        next.set(alias, mv.version);
        changes.push({ alias, from, to: mv.version });
      } catch (err) {
        const message = `alias '${alias}' of model '${modelName}': ${(err as Error).message}`;
        if (initial) throw new Error(message);
        this.options.warn?.(`could not re-resolve ${message}; still serving version ${next.get(alias)}`);
      }
    }
    this.aliasVersion = next;
    this.retireUnused();
    return changes;
  }

  private retireUnused(): void {
    const used = new Set(this.aliasVersion.values());
    for (const [version, entry] of this.loaded) {
      if (used.has(version)) continue;
      this.loaded.delete(version);
      entry.retired = true;
      if (entry.inflight === 0) void entry.scorer.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.loaded.values()].map((e) => e.scorer.close()));
    this.loaded.clear();
  }
}
