/** The compare view's diff table: one row per attribute, param, metric and tag key across the chosen runs. */
import type { Run } from '@mlflow-ts/client';

export interface DiffRow {
  section: 'Attributes' | 'Parameters' | 'Metrics' | 'Tags';
  key: string;
  /** One cell per run, in the order of the runs; undefined where the run lacks the key. */
  values: (string | undefined)[];
  differs: boolean;
}

const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : String(v));

/** A row differs when any two runs disagree, a missing value counting as a value of its own. */
export function diffRows(
  runs: readonly Run[],
  opts: { onlyDifferences: boolean; systemTags?: boolean },
): DiffRow[] {
  const rows: DiffRow[] = [];
  const add = (section: DiffRow['section'], key: string, read: (r: Run) => string | undefined) => {
    const values = runs.map(read);
    const differs = values.some((v) => v !== values[0]);
    if (!opts.onlyDifferences || differs) rows.push({ section, key, values, differs });
  };
  add('Attributes', 'status', (r) => r.info.status);
  add('Attributes', 'user', (r) => r.info.user_id);
  add('Attributes', 'experiment', (r) => r.info.experiment_id);
  const keys = (pick: (r: Run) => { key: string }[] | undefined) =>
    [...new Set(runs.flatMap((r) => (pick(r) ?? []).map((e) => e.key)))].sort((a, b) => a.localeCompare(b));
  for (const k of keys((r) => r.data.params)) {
    add('Parameters', k, (r) => r.data.params?.find((p) => p.key === k)?.value);
  }
  for (const k of keys((r) => r.data.metrics)) {
    add('Metrics', k, (r) => {
      const m = r.data.metrics?.find((x) => x.key === k);
      return m === undefined ? undefined : fmt(m.value);
    });
  }
  for (const k of keys((r) => r.data.tags)) {
    // System tags (mlflow.*) are noise in a comparison unless asked for; runName is shown in the header.
    if (k.startsWith('mlflow.') && !opts.systemTags) continue;
    add('Tags', k, (r) => r.data.tags?.find((t) => t.key === k)?.value);
  }
  return rows;
}
