/**
 * Artifacts in S3 or an S3-compatible store (MinIO, Ceph, s3rver), under `s3://bucket/prefix`. Objects
 * appear only when an upload completes, so writes are atomic by nature. Settings mirror MLflow's
 * environment names (MLFLOW_S3_ENDPOINT_URL, AWS_*, MLFLOW_S3_IGNORE_TLS); the CLI reads them and
 * passes them here.
 */
import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type * as Storage from '@aws-sdk/lib-storage';
import { MlflowError } from '../core/mlflow-error.ts';
import { assertRelativeArtifactPath } from './artifact-path.ts';
import type {
  ArtifactEntry,
  ArtifactRepository,
  ArtifactStat,
  ByteRange,
  UploadedPart,
} from './artifact-repository.ts';

/**
 * The AWS SDK is loaded when the first S3 store is opened, not with this module: it costs ~26 MB of
 * memory, which a server on local disk should not carry. (`require`: opening a store stays synchronous.)
 */
let sdk: { s3: typeof S3; storage: typeof Storage } | undefined;
function aws(): { s3: typeof S3; storage: typeof Storage } {
  if (!sdk) {
    const require = createRequire(import.meta.url);
    sdk = { s3: require('@aws-sdk/client-s3'), storage: require('@aws-sdk/lib-storage') };
  }
  return sdk;
}

export interface S3Settings {
  /** MLFLOW_S3_ENDPOINT_URL: a non-AWS endpoint; implies path-style addressing. */
  endpointUrl?: string;
  /** AWS_DEFAULT_REGION (or AWS_REGION); default us-east-1. */
  region?: string;
  /** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; absent ⇒ the SDK's default chain. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** MLFLOW_S3_IGNORE_TLS: accept any TLS certificate of the endpoint. */
  ignoreTls?: boolean;
}

/**
 * lib-storage holds at most queueSize × partSize bytes in memory per upload; 2 × 8 MB keeps a proxied
 * upload of any size within 16 MB while still overlapping two part uploads.
 */
const UPLOAD_PART_SIZE = 8 * 1024 * 1024;
const UPLOAD_QUEUE_SIZE = 2;
/** S3's limit for one PutObject; larger bodies go up in parts. */
const MAX_SINGLE_PUT = 5 * 1024 ** 3;
/** DeleteObjects takes at most 1000 keys per call. */
const DELETE_BATCH = 1000;

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m?.[1]) throw MlflowError.invalidParameter(`Invalid S3 URI '${uri}': expected s3://bucket/path`);
  return { bucket: m[1], prefix: m[2]!.replace(/\/+$/, '') };
}

export function createS3Client(settings: S3Settings): S3Client {
  const config: S3ClientConfig = { region: settings.region || 'us-east-1' };
  if (settings.endpointUrl) {
    config.endpoint = settings.endpointUrl;
    // Self-hosted stores are addressed as host/bucket/key, not bucket.host/key.
    config.forcePathStyle = true;
    // Newer SDKs add CRC checksums (aws-chunked bodies) that many S3-compatible stores do not speak.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (settings.accessKeyId && settings.secretAccessKey) {
    config.credentials = {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      ...(settings.sessionToken ? { sessionToken: settings.sessionToken } : {}),
    };
  }
  if (settings.ignoreTls) config.requestHandler = { httpsAgent: new Agent({ rejectUnauthorized: false }) };
  return new (aws().s3.S3Client)(config);
}

function status(err: unknown): number | undefined {
  return err instanceof aws().s3.S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

/** S3 answers a missing key with 404 (NoSuchKey, NotFound) and an unknown upload with NoSuchUpload. */
function isMissing(err: unknown): boolean {
  return status(err) === 404 || (err as { name?: string }).name === 'NoSuchKey';
}

/** Storage failures the client may retry (the store is down or throttling) become 503, not 500. */
function storageError(err: unknown): unknown {
  const code = status(err);
  if (code !== undefined && (code >= 500 || code === 429)) {
    return new MlflowError(
      'TEMPORARILY_UNAVAILABLE',
      `The artifact store failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return err;
}

export class S3ArtifactRepository implements ArtifactRepository {
  readonly rootUri: string;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    uri: string,
    private readonly client: S3Client,
    private readonly ownsClient = false,
  ) {
    const { bucket, prefix } = parseS3Uri(uri);
    this.bucket = bucket;
    this.prefix = prefix;
    this.rootUri = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  }

  private key(path: string): string {
    assertRelativeArtifactPath(path);
    return [this.prefix, path].filter((p) => p !== '').join('/');
  }

  /** The key prefix of everything below a directory ('' for a bucket root). */
  private dirPrefix(path: string): string {
    const key = this.key(path);
    return key === '' ? '' : `${key}/`;
  }

  private async *keysBelow(prefix: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new (aws().s3.ListObjectsV2Command)({
            Bucket: this.bucket,
            Prefix: prefix,
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        )
        .catch((err) => {
          throw storageError(err);
        });
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async list(dir: string): Promise<ArtifactEntry[]> {
    const prefix = this.dirPrefix(dir);
    const entries: ArtifactEntry[] = [];
    for await (const page of this.keysBelow(prefix, '/')) {
      for (const p of page.CommonPrefixes ?? []) {
        const name = (p.Prefix ?? '').slice(prefix.length).replace(/\/$/, '');
        if (name) entries.push({ name, isDir: true });
      }
      for (const o of page.Contents ?? []) {
        const name = (o.Key ?? '').slice(prefix.length);
        // A key equal to the prefix is a "folder marker" some tools create; not an entry.
        if (name) entries.push({ name, isDir: false, size: o.Size ?? 0 });
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async stat(path: string): Promise<ArtifactStat | undefined> {
    if (path !== '') {
      try {
        const head = await this.client.send(
          new (aws().s3.HeadObjectCommand)({ Bucket: this.bucket, Key: this.key(path) }),
        );
        return { isDir: false, size: head.ContentLength ?? 0 };
      } catch (err) {
        if (!isMissing(err)) throw storageError(err);
      }
    }
    // Directories exist in S3 only as key prefixes.
    const page = await this.client
      .send(
        new (aws().s3.ListObjectsV2Command)({
          Bucket: this.bucket,
          Prefix: this.dirPrefix(path),
          MaxKeys: 1,
        }),
      )
      .catch((err) => {
        throw storageError(err);
      });
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0 || path === ''
      ? { isDir: true, size: 0 }
      : undefined;
  }

  async read(path: string, range?: ByteRange): Promise<Readable> {
    try {
      const res = await this.client.send(
        new (aws().s3.GetObjectCommand)({
          Bucket: this.bucket,
          Key: this.key(path),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      if (!(res.Body instanceof Readable)) throw new Error('S3 returned no readable body');
      return res.Body;
    } catch (err) {
      if (isMissing(err)) {
        if ((await this.stat(path))?.isDir) {
          throw MlflowError.invalidParameter(`'${path}' is a directory, not a file.`);
        }
        throw MlflowError.notFound(`No artifact at '${path}'.`);
      }
      throw storageError(err);
    }
  }

  async write(
    path: string,
    body: Readable,
    options: { contentType?: string; contentLength?: number } = {},
  ): Promise<{ size: number }> {
    if (path === '') throw MlflowError.invalidParameter('An artifact path naming a file is required.');
    const contentType = options.contentType ? { ContentType: options.contentType } : {};
    const length = options.contentLength;
    if (length !== undefined && length <= MAX_SINGLE_PUT) {
      // Length known up front: one streamed PutObject, nothing buffered, and no multipart support needed.
      try {
        await this.client.send(
          new (aws().s3.PutObjectCommand)({
            Bucket: this.bucket,
            Key: this.key(path),
            Body: body,
            ContentLength: length,
            ...contentType,
          }),
        );
      } catch (err) {
        throw storageError(err);
      }
      return { size: length };
    }
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
    });
    const upload = new (aws().storage.Upload)({
      client: this.client,
      queueSize: UPLOAD_QUEUE_SIZE,
      partSize: UPLOAD_PART_SIZE,
      // A failed upload must not leave billable, invisible parts behind.
      leavePartsOnError: false,
      params: { Bucket: this.bucket, Key: this.key(path), Body: body, ...contentType },
    });
    // A body that fails (client gone) must stop the upload rather than let it wait for more bytes.
    const onError = () => {
      upload.abort().catch(() => {});
    };
    body.once('error', onError);
    try {
      await upload.done();
    } catch (err) {
      throw storageError(err);
    } finally {
      body.off('error', onError);
    }
    return { size };
  }

  async delete(path: string): Promise<void> {
    const keys: string[] = [];
    if (path !== '') keys.push(this.key(path));
    for await (const page of this.keysBelow(this.dirPrefix(path))) {
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    }
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      await this.client
        .send(
          new (aws().s3.DeleteObjectsCommand)({
            Bucket: this.bucket,
            Delete: { Objects: keys.slice(i, i + DELETE_BATCH).map((Key) => ({ Key })), Quiet: true },
          }),
        )
        .catch((err) => {
          throw storageError(err);
        });
    }
  }

  async createMultipartUpload(path: string): Promise<string> {
    if (path === '') throw MlflowError.invalidParameter('An artifact path naming a file is required.');
    const res = await this.client
      .send(new (aws().s3.CreateMultipartUploadCommand)({ Bucket: this.bucket, Key: this.key(path) }))
      .catch((err) => {
        // Some S3-compatible stores (s3rver) have no multipart API. MLflow's client recognises this
        // message prefix and falls back to a single PUT (spec §1.5, §13.17).
        if (status(err) === 405 || status(err) === 501) {
          throw new MlflowError(
            'NOT_IMPLEMENTED',
            'Multipart upload is not supported for the current artifact repository (the S3 endpoint refused it).',
            { cause: err },
          );
        }
        throw storageError(err);
      });
    if (!res.UploadId) throw new Error('S3 returned no upload id');
    return res.UploadId;
  }

  private uploadError(uploadId: string, err: unknown): unknown {
    if ((err as { name?: string }).name === 'NoSuchUpload' || isMissing(err)) {
      return MlflowError.notFound(`No multipart upload with id '${uploadId}'.`);
    }
    if (status(err) === 400) return MlflowError.invalidParameter((err as Error).message);
    return storageError(err);
  }

  async uploadPart(
    path: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    contentLength?: number,
  ): Promise<string> {
    if (contentLength === undefined) {
      // S3 needs each part's length up front; a chunked part body cannot be passed through.
      throw MlflowError.invalidParameter('A multipart part upload needs a Content-Length header.');
    }
    try {
      const res = await this.client.send(
        new (aws().s3.UploadPartCommand)({
          Bucket: this.bucket,
          Key: this.key(path),
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: body,
          ContentLength: contentLength,
        }),
      );
      return (res.ETag ?? '').replace(/"/g, '');
    } catch (err) {
      throw this.uploadError(uploadId, err);
    }
  }

  async completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: readonly UploadedPart[],
  ): Promise<void> {
    const ordered = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    try {
      await this.client.send(
        new (aws().s3.CompleteMultipartUploadCommand)({
          Bucket: this.bucket,
          Key: this.key(path),
          UploadId: uploadId,
          MultipartUpload: {
            Parts: ordered.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag.replace(/"/g, '')}"` })),
          },
        }),
      );
    } catch (err) {
      throw this.uploadError(uploadId, err);
    }
  }

  async abortMultipartUpload(path: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new (aws().s3.AbortMultipartUploadCommand)({
          Bucket: this.bucket,
          Key: this.key(path),
          UploadId: uploadId,
        }),
      );
    } catch (err) {
      throw this.uploadError(uploadId, err);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }
}
