export { ArtifactLocations, type ResolvedArtifact } from './artifact-locations.ts';
export { normalizeArtifactPath } from './artifact-path.ts';
export type {
  ArtifactEntry,
  ArtifactRepository,
  ArtifactStat,
  ByteRange,
  UploadedPart,
} from './artifact-repository.ts';
export { guessContentType } from './content-type.ts';
export { LocalArtifactRepository } from './local-repository.ts';
export { type ArtifactStoreSettings, openArtifactRepository, storageLocationOf } from './open-repository.ts';
export { createS3Client, S3ArtifactRepository, type S3Settings } from './s3-repository.ts';
