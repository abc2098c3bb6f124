/**
 * Joins path segments onto an artifact URI or path the way MLflow's `append_to_uri_path` does:
 * `mlflow-artifacts:/` + `1` → `mlflow-artifacts:/1`, `s3://b/root` + `1` → `s3://b/root/1`.
 */
export function appendToUri(base: string, ...segments: string[]): string {
  let out = base;
  for (const segment of segments) {
    const trimmed = segment.replace(/^\/+/, '');
    out = out.endsWith('/') ? out + trimmed : `${out}/${trimmed}`;
  }
  return out;
}
