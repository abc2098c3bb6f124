/**
 * Request schemas and response types of the artifact endpoints: run artifact listing (spec §1.3) and the
 * `mlflow-artifacts` proxy service (spec §1.5). Upload and download bodies are raw bytes, not messages.
 */
import type { FileInfo } from '../entities.ts';
import { Int64, Msg, Opt, Rep, Str } from '../proto.ts';

/** `GET /mlflow/artifacts/list`: `run_id` or `run_uuid` is required (checked by the service). */
export const ListArtifacts = Msg({
  run_id: Opt(Str()),
  run_uuid: Opt(Str()),
  path: Opt(Str()),
  page_token: Opt(Str()),
});

/** `GET /mlflow-artifacts/artifacts?path=`: a directory relative to the destination root. */
export const ListProxiedArtifacts = Msg({ path: Opt(Str()) });

/** `POST /mlflow-artifacts/mpu/create/<dir>`: `path` is the client's local file; its base name is used. */
export const CreateMultipartUpload = Msg({ path: Str(), num_parts: Opt(Int64()) });

export const CompleteMultipartUpload = Msg({
  path: Str(),
  upload_id: Opt(Str()),
  parts: Rep(Msg({ part_number: Int64(), etag: Opt(Str()), url: Opt(Str()) })),
});

export const AbortMultipartUpload = Msg({ path: Str(), upload_id: Opt(Str()) });

export interface ListArtifactsResponse {
  root_uri?: string;
  /** Paths relative to the run's artifact root (e.g. `model/MLmodel`); omitted when empty. */
  files?: FileInfo[];
  next_page_token?: string;
}

export interface ListProxiedArtifactsResponse {
  /** Base names only (the client joins them with the listed path); omitted when empty. */
  files?: FileInfo[];
}

export interface MultipartUploadCredential {
  url: string;
  part_number: number;
  headers: Record<string, string>;
}

export interface CreateMultipartUploadResponse {
  upload_id: string;
  credentials: MultipartUploadCredential[];
}

/** Prefix of the proxy service, below `/api/2.0` and `/ajax-api/2.0`. */
export const ARTIFACTS_PROXY_PATH = '/mlflow-artifacts';
/** The run-artifact listing route, served like the tracking RPCs (also under the 1.x preview prefix). */
export const LIST_ARTIFACTS_PATH = '/mlflow/artifacts/list';
