/**
 * Picks the artifact backend by URI scheme (spec §7.1): `s3://bucket/prefix` → S3, `file:///abs`, an
 * absolute or relative path → local disk. Other stores MLflow knows (gs://, wasbs://, hdfs://, …) are not
 * built here and are refused by name.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowError } from '../core/mlflow-error.ts';
import type { ArtifactRepository } from './artifact-repository.ts';
import { LocalArtifactRepository } from './local-repository.ts';
import { createS3Client, S3ArtifactRepository, type S3Settings } from './s3-repository.ts';

export interface ArtifactStoreSettings {
  s3?: S3Settings;
}

/** A storage location in comparable form: an absolute local path, or a bucket and key prefix. */
export type StorageLocation = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; key: string };

/** `C:` is a drive letter, not a scheme; a scheme has at least two letters. */
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

export function schemeOf(uri: string): string | undefined {
  return SCHEME.exec(uri)?.[1]?.toLowerCase();
}

/** The storage a URI names, or undefined when it is not a storage URI we can open. */
export function storageLocationOf(uri: string): StorageLocation | undefined {
  const scheme = schemeOf(uri);
  if (scheme === undefined) return { kind: 'file', path: resolve(uri) };
  if (scheme === 'file') {
    try {
      // `file:relative` is not a URL path; MLflow treats `file:` + path as that local path.
      return { kind: 'file', path: uri.startsWith('file://') ? fileURLToPath(uri) : resolve(uri.slice(5)) };
    } catch {
      return undefined;
    }
  }
  if (scheme === 's3') {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
    if (!m?.[1]) return undefined;
    return { kind: 's3', bucket: m[1], key: m[2]!.replace(/\/+$/, '') };
  }
  return undefined;
}

export function openArtifactRepository(
  uri: string,
  settings: ArtifactStoreSettings = {},
): ArtifactRepository {
  const location = storageLocationOf(uri);
  if (location?.kind === 'file') return new LocalArtifactRepository(location.path);
  if (location?.kind === 's3') {
    const prefix = location.key ? `/${location.key}` : '';
    return new S3ArtifactRepository(
      `s3://${location.bucket}${prefix}`,
      createS3Client(settings.s3 ?? {}),
      true,
    );
  }
  throw MlflowError.invalidParameter(
    `Unsupported artifact store URI '${uri}': this server stores artifacts on local disk (a path or file://) or in S3 (s3://bucket/path).`,
  );
}
