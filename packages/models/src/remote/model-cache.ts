/**
 * The local cache of downloaded models. A model is downloaded once per cache key (the resolved artifact
 * location, plus the registry version when it came through models:/) into a staging folder, then moved
 * into place with one rename: readers only ever see complete directories, two processes downloading
 * the same model at once both succeed (the loser drops its copy), and a restarted server finds the
 * model already there.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `MLFLOW_TS_MODEL_CACHE`, else ~/.cache/mlflow-ts/models. */
export function defaultModelCacheDir(env: Record<string, string | undefined> = {}): string {
  return (
    env.MLFLOW_TS_MODEL_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mlflow-ts', 'models')
  );
}

/** Staging folders older than this are left over by a killed process and may be removed. */
const STALE_STAGING_MS = 60 * 60 * 1000;

export function cacheEntryName(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

async function removeStaleStaging(root: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!name.startsWith('.staging-')) continue;
    const s = await stat(join(root, name)).catch(() => null);
    if (s && now - s.mtimeMs > STALE_STAGING_MS) await rm(join(root, name), { recursive: true, force: true });
  }
}

/**
 * The cached directory for `key`, filling it with `download(stagingDir)` when absent. `download`
 * returns the directory (inside stagingDir) that holds the model; it becomes the cache entry.
 */
export async function cachedModelDir(
  root: string,
  key: string,
  download: (stagingDir: string) => Promise<string>,
): Promise<{ dir: string; downloaded: boolean }> {
  const dir = join(root, cacheEntryName(key));
  // The entry exists only after the rename of a complete download, so its MLmodel is the marker.
  if (existsSync(join(dir, 'MLmodel'))) return { dir, downloaded: false };
  await mkdir(root, { recursive: true });
  await removeStaleStaging(root);
  const staging = await mkdtemp(join(root, '.staging-'));
  try {
    const modelDir = await download(staging);
    if (!existsSync(join(modelDir, 'MLmodel'))) {
      throw new Error(`${key.split('\n')[1] ?? key} is not a model directory (it has no MLmodel file)`);
    }
    try {
      await rename(modelDir, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process finished the same download first: theirs is as good as ours.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, 'MLmodel'))) {
        return { dir, downloaded: false };
      }
      throw err;
    }
    return { dir, downloaded: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
