/**
 * One interface over every artifact store (architecture §1: local disk, S3). Paths handed to a repository
 * are relative POSIX paths that `normalizeArtifactPath` accepted ('' is the root); a repository checks
 * them again because it is the last line before the storage (spec §3.5).
 */
import type { Readable } from 'node:stream';

export interface ArtifactEntry {
  /** Base name inside the listed directory. */
  name: string;
  isDir: boolean;
  /** Bytes; absent for directories. */
  size?: number;
}

export interface ArtifactStat {
  isDir: boolean;
  /** Bytes; 0 for directories. */
  size: number;
}

/** Inclusive byte positions, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export interface ArtifactRepository {
  /** The storage location this repository serves (`file:///…`, `s3://bucket/prefix`). */
  readonly rootUri: string;
  /** Direct children of a directory, sorted by name; [] for a file or a missing path. */
  list(dir: string): Promise<ArtifactEntry[]>;
  /** undefined when nothing exists at `path`. */
  stat(path: string): Promise<ArtifactStat | undefined>;
  /** The file's bytes (or the given range of them); RESOURCE_DOES_NOT_EXIST when there is no such file. */
  read(path: string, range?: ByteRange): Promise<Readable>;
  /**
   * Stores `body` under `path`, replacing a file there. Atomic: the file appears under its name only once
   * every byte arrived; a body that fails midway leaves the previous state (no partial file).
   * `contentLength`, when the caller knows it, lets a store send the bytes in one streamed request.
   */
  write(
    path: string,
    body: Readable,
    options?: { contentType?: string; contentLength?: number },
  ): Promise<{ size: number }>;
  /** Deletes a file, or a directory with everything below it; nothing there is not an error. */
  delete(path: string): Promise<void>;
  /** Starts a multipart upload of `path`; returns its upload id. */
  createMultipartUpload(path: string): Promise<string>;
  /** Stores one part (numbered from 1); returns its ETag, which complete() must be given back. */
  uploadPart(
    path: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    contentLength?: number,
  ): Promise<string>;
  /** Joins the parts in part-number order into the file at `path` (atomically, like write()). */
  completeMultipartUpload(path: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void>;
  abortMultipartUpload(path: string, uploadId: string): Promise<void>;
  /**
   * Removes what interrupted uploads left behind (staging files, abandoned multipart uploads) untouched for
   * `olderThanMs`; returns how many it removed. Stores that clean up by themselves need not have it.
   */
  sweepAbandoned?(olderThanMs: number, now?: number): Promise<number>;
  /** Releases connections or handles, if any. */
  close?(): Promise<void>;
}

/** Joins repository-relative segments ('' stays out). */
export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}
