/**
 * Artifact transfers between local files and a run (Node only): single files and whole folders up (with
 * bounded parallelism), files and folders down (written to a temporary name, then renamed, so a failed
 * download never leaves a truncated file under the real name). Every byte is streamed.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { joinPath, type ProxyLocation, uploadContentType } from '../artifact-uri.ts';
import type { MlflowClient } from '../mlflow-client.ts';

/** Bytes moved so far for one file; `total` is its size when known. */
export interface TransferProgress {
  path: string;
  bytes: number;
  total?: number;
  /** Set once the file is complete. */
  done?: boolean;
}

export interface TransferOptions {
  /** Files transferred at the same time (folders). Default 4. */
  concurrency?: number;
  onProgress?: (progress: TransferProgress) => void;
}

/** Counts the bytes flowing through and reports them after each chunk. */
function counter(path: string, total: number | undefined, onProgress?: TransferOptions['onProgress']) {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onProgress?.({ path, bytes, ...(total === undefined ? {} : { total }) });
      done(null, chunk);
    },
    flush(done) {
      onProgress?.({ path, bytes, ...(total === undefined ? {} : { total }), done: true });
      done();
    },
  });
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects (others finish). */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Python's `log_artifact`: one local file into `artifactPath` (a directory of the run's artifacts). */
export async function logArtifact(
  client: MlflowClient,
  runId: string,
  localPath: string,
  artifactPath = '',
  options: TransferOptions = {},
): Promise<void> {
  const size = (await stat(localPath)).size;
  const target = joinPath(artifactPath, basename(localPath));
  // A fresh stream per attempt, so a retried upload sends the whole file again.
  const body = () =>
    Readable.toWeb(
      createReadStream(localPath).pipe(counter(target, size, options.onProgress)),
    ) as ReadableStream;
  await client.uploadArtifact(runId, target, body, uploadContentType(target));
}

/** Python's `log_artifacts`: every file below `localDir`, keeping the folder structure. */
export async function logArtifacts(
  client: MlflowClient,
  runId: string,
  localDir: string,
  artifactPath = '',
  options: TransferOptions = {},
): Promise<void> {
  const root = resolve(localDir);
  const files = await walk(root);
  await eachLimited(files, options.concurrency ?? 4, (file) => {
    const rel = relative(root, dirname(file)).split(sep).join('/');
    return logArtifact(client, runId, file, joinPath(artifactPath, rel), options);
  });
}

export interface DownloadOptions extends TransferOptions {
  /** A run's artifacts: with `artifactPath` below its root (default: all of them). */
  runId?: string;
  artifactPath?: string;
  /** Any artifact URI instead: `runs:/…`, `models:/…`, `mlflow-artifacts:/…`, an http(s) proxy URL. */
  artifactUri?: string;
  /** Local folder to download into (created); default a new temporary folder. */
  dstPath?: string;
}

async function downloadFile(
  client: MlflowClient,
  at: ProxyLocation,
  dest: string,
  options: TransferOptions,
): Promise<void> {
  const response = await client.artifactHttp.download(at);
  const length = Number(response.headers.get('content-length'));
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.${randomBytes(6).toString('hex')}.partial`;
  try {
    const body = response.body
      ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      : Readable.from([]);
    await pipeline(
      body,
      counter(at.path, Number.isFinite(length) ? length : undefined, options.onProgress),
      createWriteStream(tmp),
    );
    await rename(tmp, dest);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Python's `download_artifacts`: a file or a whole folder, into `dstPath`; returns the local path of what
 * was downloaded (the file, or the folder named like the artifact directory).
 */
export async function downloadArtifacts(client: MlflowClient, options: DownloadOptions): Promise<string> {
  let uri: string;
  if (options.artifactUri) {
    if (options.runId) throw new Error('give either artifactUri or runId, not both');
    uri = await client.resolveArtifactUri(options.artifactUri);
  } else if (options.runId) {
    const root = await client.getRunArtifactUri(options.runId);
    uri = options.artifactPath ? `${root.replace(/\/+$/, '')}/${options.artifactPath}` : root;
  } else {
    throw new Error('downloadArtifacts needs a runId or an artifactUri');
  }
  const at = client.proxyLocation(uri);
  const dst = resolve(options.dstPath ?? (await mkdtemp(join(tmpdir(), 'mlflow-ts-download-'))));
  await mkdir(dst, { recursive: true });
  const top = options.runId && !options.artifactPath ? '' : basename(at.path);

  // A listing with entries means a directory; an empty one, a file (or an empty or missing directory —
  // the download then says which).
  const rootEntries = await client.artifactHttp.list(at);
  if (rootEntries.length === 0) {
    const dest = join(dst, top || basename(at.path));
    await downloadFile(client, at, dest, options);
    return dest;
  }
  const files: string[] = [];
  const pending = [rootEntries];
  while (pending.length) {
    for (const entry of pending.pop()!) {
      if (entry.is_dir) pending.push(await client.artifactHttp.list({ base: at.base, path: entry.path }));
      else files.push(entry.path);
    }
  }
  const localRoot = join(dst, top);
  await eachLimited(files, options.concurrency ?? 4, (path) => {
    const rel = at.path ? path.slice(at.path.length + 1) : path;
    // Names come from the server: one that climbs out of the destination folder is not written.
    if (rel.split('/').some((s) => s === '..' || s === ''))
      throw new Error(`refusing artifact path '${path}'`);
    return downloadFile(client, { base: at.base, path }, join(localRoot, ...rel.split('/')), options);
  });
  await mkdir(localRoot, { recursive: true });
  return localRoot;
}
