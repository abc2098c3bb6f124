/**
 * Artifacts on the local file system under one root directory. Uploads stream into a staging directory
 * inside the root and are renamed into place when complete (same file system, so the rename is atomic):
 * an interrupted upload never leaves a partial file under its final name. Every path is confined to the
 * root, following symlinks: one that leads outside is refused like a `..` path (spec §3.5).
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import {
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { MlflowError } from '../core/mlflow-error.ts';
import { assertRelativeArtifactPath } from './artifact-path.ts';
import type {
  ArtifactEntry,
  ArtifactRepository,
  ArtifactStat,
  ByteRange,
  UploadedPart,
} from './artifact-repository.ts';

/** Where uploads are assembled; hidden from listings and not addressable by clients. */
export const STAGING_DIR = '.mlflow-ts-staging';
const UPLOAD_ID = /^[0-9a-f]{32}$/;

const invalidPath = () => MlflowError.invalidParameter('Invalid path');

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Counts bytes on their way to disk, and hashes them for a part's ETag (only parts: MD5 costs CPU). */
class Meter extends Transform {
  bytes = 0;
  readonly hash: Hash | undefined;
  constructor(withHash = false) {
    super();
    this.hash = withHash ? createHash('md5') : undefined;
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    done(null, chunk);
  }
}

export class LocalArtifactRepository implements ArtifactRepository {
  readonly rootUri: string;
  private readonly root: string;
  private realRoot: string | undefined;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
    this.rootUri = pathToFileURL(this.root).href;
  }

  /** The root's real path; the root is created on first use (MLflow creates ./mlartifacts lazily too). */
  private async rootReal(): Promise<string> {
    if (this.realRoot === undefined) {
      await mkdir(this.root, { recursive: true });
      this.realRoot = await realpath(this.root);
    }
    return this.realRoot;
  }

  private inside(real: string, rootReal: string): boolean {
    const rel = relative(rootReal, real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  }

  /**
   * The absolute path for a relative artifact path, after checking that its deepest existing ancestor
   * (the path itself when it exists) really lies inside the root — so neither reading through a symlink
   * nor creating directories below one can reach outside.
   */
  private async locate(path: string): Promise<string> {
    assertRelativeArtifactPath(path);
    if (path.split('/')[0] === STAGING_DIR) throw invalidPath();
    const rootReal = await this.rootReal();
    const target = path === '' ? this.root : join(this.root, ...path.split('/'));
    let probe = target;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (!this.inside(real, rootReal)) throw invalidPath();
        return target;
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        if (!isNotFound(err)) throw err;
        // A dangling symlink is refused: it could be made to point anywhere before it is written through.
        const link = await lstat(probe).catch(() => undefined);
        if (link?.isSymbolicLink()) throw invalidPath();
        const parent = dirname(probe);
        if (parent === probe) throw invalidPath();
        probe = parent;
      }
    }
  }

  async list(dir: string): Promise<ArtifactEntry[]> {
    const abs = await this.locate(dir);
    let names: string[];
    try {
      names = await readdir(abs);
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
    const rootReal = await this.rootReal();
    const entries: ArtifactEntry[] = [];
    for (const name of names) {
      if (dir === '' && name === STAGING_DIR) continue;
      const full = join(abs, name);
      try {
        // Symlinks are listed as what they point to, and only when that lies inside the root.
        if (!this.inside(await realpath(full), rootReal)) continue;
        const s = await stat(full);
        entries.push(s.isDirectory() ? { name, isDir: true } : { name, isDir: false, size: s.size });
      } catch (err) {
        if (!isNotFound(err)) throw err; // deleted meanwhile, or a dangling link: not listed
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async stat(path: string): Promise<ArtifactStat | undefined> {
    const abs = await this.locate(path);
    try {
      const s = await stat(abs);
      return { isDir: s.isDirectory(), size: s.isDirectory() ? 0 : s.size };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async read(path: string, range?: ByteRange): Promise<Readable> {
    const abs = await this.locate(path);
    const s = await this.stat(path);
    if (!s) throw MlflowError.notFound(`No artifact at '${path}'.`);
    if (s.isDir) throw MlflowError.invalidParameter(`'${path}' is a directory, not a file.`);
    const stream = createReadStream(abs, range ? { start: range.start, end: range.end } : {});
    // Opening happens asynchronously; wait for it so that errors surface here, not mid-response.
    await new Promise<void>((ok, fail) => {
      stream.once('open', () => ok());
      stream.once('error', fail);
    });
    return stream;
  }

  private async stagingFile(): Promise<string> {
    const dir = join(await this.rootReal(), STAGING_DIR);
    await mkdir(dir, { recursive: true });
    return join(dir, `${randomBytes(16).toString('hex')}.part`);
  }

  /** Moves a finished staging file to `path`, creating parent directories. */
  private async publish(tmp: string, path: string): Promise<void> {
    if (path === '') throw MlflowError.invalidParameter('An artifact path naming a file is required.');
    const abs = await this.locate(path);
    const existing = await stat(abs).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw MlflowError.invalidParameter(`'${path}' is a directory; a file cannot replace it.`);
    }
    await mkdir(dirname(abs), { recursive: true });
    await this.locate(path); // the directories just made must still be ours (a racing symlink swap)
    await rename(tmp, abs);
  }

  async write(path: string, body: Readable): Promise<{ size: number }> {
    await this.locate(path);
    const tmp = await this.stagingFile();
    const meter = new Meter();
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
      await this.publish(tmp, path);
      return { size: meter.bytes };
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  async delete(path: string): Promise<void> {
    const abs = await this.locate(path);
    if (path === '') {
      // The whole store: its contents, but not the root itself nor uploads in progress.
      for (const name of await readdir(abs)) {
        if (name !== STAGING_DIR) await rm(join(abs, name), { recursive: true, force: true });
      }
      return;
    }
    await rm(abs, { recursive: true, force: true });
  }

  /**
   * A server killed mid-upload leaves its staging file (or a multipart upload's directory) behind, invisible
   * but taking space. Anything in staging untouched for `olderThanMs` is from such an upload: an upload in
   * progress writes to its file (or adds parts to its directory) all the time.
   */
  async sweepAbandoned(olderThanMs: number, now = Date.now()): Promise<number> {
    const dir = join(await this.rootReal(), STAGING_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const entry = join(dir, name);
      const info = await stat(entry).catch(() => undefined);
      if (info && now - info.mtimeMs > olderThanMs) {
        await rm(entry, { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  // ---- multipart: parts are staged as files in a directory per upload, joined on completion ----

  private async uploadDir(uploadId: string): Promise<string> {
    if (!UPLOAD_ID.test(uploadId)) throw MlflowError.notFound(`No multipart upload with id '${uploadId}'.`);
    return join(await this.rootReal(), STAGING_DIR, `mpu-${uploadId}`);
  }

  /** The upload's directory, after checking it exists and was started for this very path. */
  private async openUpload(path: string, uploadId: string): Promise<string> {
    const dir = await this.uploadDir(uploadId);
    const target = await readFile(join(dir, 'target'), 'utf8').catch(() => undefined);
    if (target === undefined) throw MlflowError.notFound(`No multipart upload with id '${uploadId}'.`);
    if (target !== path) {
      throw MlflowError.invalidParameter(`Multipart upload '${uploadId}' was started for another path.`);
    }
    return dir;
  }

  async createMultipartUpload(path: string): Promise<string> {
    if (path === '') throw MlflowError.invalidParameter('An artifact path naming a file is required.');
    await this.locate(path);
    const uploadId = randomBytes(16).toString('hex');
    const dir = await this.uploadDir(uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'target'), path);
    return uploadId;
  }

  async uploadPart(path: string, uploadId: string, partNumber: number, body: Readable): Promise<string> {
    const dir = await this.openUpload(path, uploadId);
    const tmp = join(dir, `${partNumber}.${randomBytes(8).toString('hex')}.tmp`);
    const meter = new Meter(true);
    try {
      await pipeline(body, meter, createWriteStream(tmp, { flags: 'wx' }));
      const etag = meter.hash!.digest('hex');
      // The ETag is part of the name, so complete() can check it without re-reading the part.
      await rename(tmp, join(dir, `${partNumber}.${etag}`));
      return etag;
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  async completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<void> {
    const dir = await this.openUpload(path, uploadId);
    if (parts.length === 0) throw MlflowError.invalidParameter('A multipart upload needs at least one part.');
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    const files: string[] = [];
    for (const [i, part] of ordered.entries()) {
      if (i > 0 && ordered[i - 1]!.partNumber === part.partNumber) {
        throw MlflowError.invalidParameter(`Part ${part.partNumber} is listed twice.`);
      }
      const etag = part.etag.replace(/"/g, '');
      if (!/^[0-9a-f]{32}$/.test(etag))
        throw MlflowError.invalidParameter(`Invalid ETag for part ${part.partNumber}.`);
      const file = join(dir, `${part.partNumber}.${etag}`);
      if (!(await stat(file).catch(() => undefined))) {
        throw MlflowError.invalidParameter(`Part ${part.partNumber} with ETag ${etag} was not uploaded.`);
      }
      files.push(file);
    }
    const tmp = await this.stagingFile();
    try {
      const out = createWriteStream(tmp, { flags: 'wx' });
      for (const file of files) await pipeline(createReadStream(file), out, { end: false });
      await new Promise<void>((ok, fail) => {
        out.once('error', fail);
        out.end(() => ok());
      });
      await this.publish(tmp, path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    await rm(dir, { recursive: true, force: true });
  }

  async abortMultipartUpload(path: string, uploadId: string): Promise<void> {
    const dir = await this.openUpload(path, uploadId);
    await rm(dir, { recursive: true, force: true });
  }
}
