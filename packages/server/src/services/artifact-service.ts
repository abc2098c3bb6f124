/**
 * The artifact rules (spec §1.3, §1.5, §3.5): path checks, where a run's artifacts live, listing shapes,
 * downloads with byte ranges, streamed uploads and multipart uploads. No HTTP here: bodies arrive and
 * leave as streams, ranges as numbers.
 */
import type { Readable } from 'node:stream';
import type {
  CreateMultipartUploadResponse,
  FileInfo,
  ListArtifactsResponse,
  ListProxiedArtifactsResponse,
  Run,
} from '@mlflow-ts/protocol';
import {
  type ArtifactLocations,
  type ArtifactRepository,
  type ByteRange,
  guessContentType,
  normalizeArtifactPath,
  type ResolvedArtifact,
} from '../artifacts/index.ts';
import { MlflowError } from '../core/mlflow-error.ts';

/** What the service needs of the tracking store: a run's artifact URI. */
export interface RunSource {
  getRun(runId: string): Promise<Run>;
}

/** A Range header's one range: `start-end`, `start-` (end undefined), or `-suffixLength` (start undefined). */
export interface RangeRequest {
  start?: number;
  end?: number;
}

export type Download =
  | {
      kind: 'file';
      stream: Readable;
      /** Size of the whole file. */
      size: number;
      /** Set when a range of the file is sent. */
      range?: ByteRange;
      contentType: string;
      fileName: string;
    }
  | { kind: 'unsatisfiable'; size: number };

/** S3 allows 10 000 parts per upload; more credentials than that could never be completed. */
const MAX_PARTS = 10_000;

/** Builds the URL a client sends one part to (the HTTP layer knows the server's address). */
export type PartUrl = (path: string, uploadId: string, partNumber: number) => string;

function fileInfo(path: string, entry: { isDir: boolean; size?: number }): FileInfo {
  // MLflow leaves file_size out for directories and for empty files (artifacts.jsonl seq 17).
  return entry.isDir || !entry.size
    ? { path, is_dir: entry.isDir }
    : { path, is_dir: false, file_size: entry.size };
}

/** The last segment of a client-side file path, whichever separator its OS uses. */
function baseName(localPath: string): string {
  const name =
    localPath
      .split(/[\\/]/)
      .filter((s) => s !== '')
      .pop() ?? '';
  if (name === '' || name === '.' || name === '..') throw MlflowError.invalidParameter('Invalid path');
  return name;
}

export function resolveRange(
  range: RangeRequest | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!range) return undefined;
  if (range.start === undefined) {
    // Suffix: the last N bytes (all of a shorter file); a zero-length suffix selects nothing.
    const length = range.end ?? 0;
    if (length <= 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  if (range.start >= size) return 'unsatisfiable';
  const end = range.end === undefined ? size - 1 : Math.min(range.end, size - 1);
  if (end < range.start) return 'unsatisfiable';
  return { start: range.start, end };
}

export class ArtifactService {
  constructor(
    private readonly locations: ArtifactLocations,
    private readonly runs: RunSource,
  ) {}

  /** False with `--no-serve-artifacts`: the proxy endpoints are then unavailable (spec §0.4). */
  get servesArtifacts(): boolean {
    return this.locations.proxy !== undefined;
  }

  private get proxy(): ArtifactRepository {
    const proxy = this.locations.proxy;
    if (!proxy) {
      throw new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        'This server does not serve artifacts (--no-serve-artifacts).',
      );
    }
    return proxy;
  }

  // ---------------------------------------------------------------- proxy service (spec §1.5)

  async listProxied(req: { path?: string }): Promise<ListProxiedArtifactsResponse> {
    const entries = await this.proxy.list(normalizeArtifactPath(req.path));
    return entries.length ? { files: entries.map((e) => fileInfo(e.name, e)) } : {};
  }

  downloadProxied(rawPath: string, range?: RangeRequest): Promise<Download> {
    return this.download({ repository: this.proxy, path: normalizeArtifactPath(rawPath) }, range);
  }

  async uploadProxied(
    rawPath: string,
    body: Readable,
    meta: { contentType?: string; contentLength?: number } = {},
  ): Promise<Record<string, never>> {
    const path = normalizeArtifactPath(rawPath);
    if (path === '') throw MlflowError.invalidParameter('An artifact path naming a file is required.');
    await this.proxy.write(path, body, meta);
    return {};
  }

  async deleteProxied(rawPath: string): Promise<Record<string, never>> {
    const path = normalizeArtifactPath(rawPath);
    if (path === '') throw MlflowError.invalidParameter('Deleting the whole artifact store is not allowed.');
    await this.proxy.delete(path);
    return {};
  }

  /** `<dir>` from the URL, the file's base name from `path` (the client sends its local path). */
  private multipartTarget(rawDir: string, localPath: string | undefined): string {
    if (!localPath) throw MlflowError.missingParameter('path');
    return [normalizeArtifactPath(rawDir), baseName(localPath)].filter((p) => p !== '').join('/');
  }

  async createMultipartUpload(
    rawDir: string,
    req: { path: string; num_parts?: number },
    partUrl: PartUrl,
  ): Promise<CreateMultipartUploadResponse> {
    const target = this.multipartTarget(rawDir, req.path);
    const parts = req.num_parts ?? 1;
    if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS) {
      throw MlflowError.invalidParameter(`num_parts must be between 1 and ${MAX_PARTS}, got ${parts}.`);
    }
    const uploadId = await this.proxy.createMultipartUpload(target);
    const credentials = [];
    for (let n = 1; n <= parts; n++) {
      credentials.push({ url: partUrl(target, uploadId, n), part_number: n, headers: {} });
    }
    return { upload_id: uploadId, credentials };
  }

  uploadPart(
    rawPath: string,
    req: { upload_id?: string; part_number?: number },
    body: Readable,
    contentLength?: number,
  ): Promise<string> {
    const path = normalizeArtifactPath(rawPath);
    if (!req.upload_id) throw MlflowError.missingParameter('upload_id');
    const n = req.part_number;
    if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARTS) {
      throw MlflowError.invalidParameter(`part_number must be between 1 and ${MAX_PARTS}.`);
    }
    return this.proxy.uploadPart(path, req.upload_id, n, body, contentLength);
  }

  async completeMultipartUpload(
    rawDir: string,
    req: { path: string; upload_id?: string; parts: { part_number: number; etag?: string }[] },
  ): Promise<Record<string, never>> {
    const target = this.multipartTarget(rawDir, req.path);
    if (!req.upload_id) throw MlflowError.missingParameter('upload_id');
    const parts = req.parts.map((p) => ({ partNumber: p.part_number, etag: p.etag ?? '' }));
    await this.proxy.completeMultipartUpload(target, req.upload_id, parts);
    return {};
  }

  async abortMultipartUpload(
    rawDir: string,
    req: { path: string; upload_id?: string },
  ): Promise<Record<string, never>> {
    const target = this.multipartTarget(rawDir, req.path);
    if (!req.upload_id) throw MlflowError.missingParameter('upload_id');
    await this.proxy.abortMultipartUpload(target, req.upload_id);
    return {};
  }

  // ---------------------------------------------------------------- run artifacts (spec §1.3)

  private async runArtifactUri(req: { run_id?: string; run_uuid?: string }): Promise<string> {
    const runId = req.run_id || req.run_uuid;
    if (!runId) throw MlflowError.missingParameter('run_id');
    const uri = (await this.runs.getRun(runId)).info.artifact_uri;
    if (!uri) throw MlflowError.invalidParameter(`Run '${runId}' has no artifact location.`);
    return uri;
  }

  /** Direct children of a directory of the run's artifacts, with run-relative paths. */
  async listRunArtifacts(req: {
    run_id?: string;
    run_uuid?: string;
    path?: string;
    page_token?: string;
  }): Promise<ListArtifactsResponse> {
    const rootUri = await this.runArtifactUri(req);
    const dir = normalizeArtifactPath(req.path);
    const { repository, path } = this.locations.resolve(rootUri, dir);
    const entries = await repository.list(path);
    const files = entries.map((e) => fileInfo(dir ? `${dir}/${e.name}` : e.name, e));
    return files.length ? { root_uri: rootUri, files } : { root_uri: rootUri };
  }

  /** The UI's `/get-artifact?run_uuid=&path=`. */
  async downloadRunArtifact(
    req: { run_id?: string; run_uuid?: string; path?: string },
    range?: RangeRequest,
  ): Promise<Download> {
    if (!req.path) throw MlflowError.missingParameter('path');
    return this.downloadFrom(await this.runArtifactUri(req), req.path, range);
  }

  /**
   * A file below any artifact URI this server serves: the seam for every "download by source" route
   * (`/model-versions/get-artifact` resolves the version's source URI, then calls this).
   */
  downloadFrom(sourceUri: string, path: string, range?: RangeRequest): Promise<Download> {
    return this.download(this.locations.resolve(sourceUri, path), range);
  }

  /**
   * The UI's `/model-versions/get-artifact`: a file below a model version's download URI, which may be a
   * `runs:/<id>/<path>` source kept as registered (spec §1.4).
   */
  async downloadModelVersionArtifact(downloadUri: string, path: string | undefined, range?: RangeRequest) {
    if (!path) throw MlflowError.missingParameter('path');
    const runs = /^runs:\/+([^/]+)\/?(.*)$/.exec(downloadUri);
    if (!runs) return this.downloadFrom(downloadUri, path, range);
    const root = await this.runArtifactUri({ run_id: runs[1] });
    const sub = runs[2] ? `${runs[2]}/${path}` : path;
    return this.downloadFrom(root, sub, range);
  }

  private async download(at: ResolvedArtifact, range: RangeRequest | undefined): Promise<Download> {
    const stat = await at.repository.stat(at.path);
    if (!stat) throw MlflowError.notFound(`No artifact at '${at.path}'.`);
    if (stat.isDir) throw MlflowError.invalidParameter(`'${at.path}' is a directory, not a file.`);
    const byteRange = resolveRange(range, stat.size);
    if (byteRange === 'unsatisfiable') return { kind: 'unsatisfiable', size: stat.size };
    // An empty file has no byte to read: a zero-length stream of it.
    const stream = await at.repository.read(at.path, byteRange);
    return {
      kind: 'file',
      stream,
      size: stat.size,
      ...(byteRange ? { range: byteRange } : {}),
      contentType: guessContentType(at.path),
      fileName: at.path.slice(at.path.lastIndexOf('/') + 1),
    };
  }
}
