/**
 * Nested runs (tag `mlflow.parentRunId`, spec §2.2) grouped under their parents in the runs table. Only runs
 * already loaded are grouped: a child whose parent is not among them stays at the top level, so paging
 * never hides a run. Order within each level is the server's order.
 */
import type { Run } from '@mlflow-ts/client';

export const PARENT_TAG = 'mlflow.parentRunId';

export interface GroupedRun {
  run: Run;
  depth: number;
  /** Loaded runs directly below this one. */
  childCount: number;
  expanded: boolean;
}

export function groupRuns(runs: readonly Run[], expanded: ReadonlySet<string>): GroupedRun[] {
  const loaded = new Set(runs.map((r) => r.info.run_id));
  const parentOf = (r: Run) => {
    const p = r.data.tags?.find((t) => t.key === PARENT_TAG)?.value;
    return p && p !== r.info.run_id && loaded.has(p) ? p : undefined;
  };
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const r of runs) {
    const parent = parentOf(r);
    if (!parent) roots.push(r);
    else if (children.has(parent)) children.get(parent)!.push(r);
    else children.set(parent, [r]);
  }

  // Every run must be reachable from a root. Runs whose parents form a cycle are not: the first of them
  // (in server order) is cut from its parent and becomes a root, until none is left over.
  const reachable = new Set<string>();
  const mark = (root: Run) => {
    const stack = [root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (reachable.has(r.info.run_id)) continue;
      reachable.add(r.info.run_id);
      stack.push(...(children.get(r.info.run_id) ?? []));
    }
  };
  roots.forEach(mark);
  for (const r of runs) {
    if (reachable.has(r.info.run_id)) continue;
    const siblings = children.get(parentOf(r)!)!;
    siblings.splice(siblings.indexOf(r), 1);
    roots.push(r);
    mark(r);
  }

  // Iterative walk, so a deep chain of nested runs cannot overflow the stack.
  const out: GroupedRun[] = [];
  for (const root of roots) {
    const stack = [{ run: root, depth: 0 }];
    while (stack.length > 0) {
      const { run, depth } = stack.pop()!;
      const kids = children.get(run.info.run_id) ?? [];
      const isOpen = expanded.has(run.info.run_id);
      out.push({ run, depth, childCount: kids.length, expanded: isOpen });
      if (isOpen) for (let i = kids.length - 1; i >= 0; i--) stack.push({ run: kids[i]!, depth: depth + 1 });
    }
  }
  return out;
}
