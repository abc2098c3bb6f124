/**
 * Which model answers a request. One model: always it. A rollout: a weighted pick among the aliases of a
 * registered model, plus an optional shadow that scores every request without answering it.
 */
import type { Scorer } from './scorer.ts';

export interface ScoringTarget {
  readonly scorer: Scorer;
  /** The version label: the registry version for a rollout, else the model's uuid. */
  readonly version: string;
  readonly alias?: string;
  /** Tells the target a request it was picked for has finished (for retiring replaced models). */
  release?(): void;
}

export interface TargetSelector {
  pick(): ScoringTarget;
  shadow(): ScoringTarget | null;
}

export function singleTarget(scorer: Scorer): TargetSelector {
  const target: ScoringTarget = { scorer, version: scorer.version };
  return { pick: () => target, shadow: () => null };
}

export interface RouteWeight {
  alias: string;
  weight: number;
}

/** `champion=90` → {alias: 'champion', weight: 90}; weights are relative (need not sum to 100). */
export function parseRoute(text: string): RouteWeight {
  const m = /^([^=\s]+)=(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) throw new Error(`--route must be ALIAS=WEIGHT (e.g. champion=90), got '${text}'`);
  return { alias: m[1]!, weight: Number(m[2]) };
}

export function validateRoutes(routes: RouteWeight[], shadow: string | null): void {
  if (routes.length === 0) throw new Error('a rollout needs at least one --route');
  const seen = new Set<string>();
  for (const r of routes) {
    if (seen.has(r.alias)) throw new Error(`--route ${r.alias} is given twice`);
    seen.add(r.alias);
  }
  if (!routes.some((r) => r.weight > 0)) throw new Error('at least one --route needs a weight above 0');
  if (shadow && seen.has(shadow)) {
    throw new Error(`--shadow ${shadow} is also a --route: a shadow is scored but never answers`);
  }
}

/** Index of the route a uniform draw `u` in [0, 1) falls on, in proportion to the weights. */
export function weightedIndex(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = u * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  // u * total rounds to total at worst: the last route with weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}
