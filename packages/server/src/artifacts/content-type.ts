/**
 * The Content-Type of a downloaded artifact, as MLflow chooses it (recorded in artifacts.jsonl and
 * models.jsonl): text-like files — including `MLmodel` and `MLproject`, which have no extension — go out as
 * `text/plain` so that a browser never renders them; known binary types by extension; anything else as
 * `application/octet-stream`.
 */
const TEXT = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'mlmodel',
  'mlproject',
]);

const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/vnd.microsoft.icon',
  pdf: 'application/pdf',
  html: 'text/html',
  htm: 'text/html',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  zip: 'application/zip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  wav: 'audio/x-wav',
  mp4: 'video/mp4',
  parquet: 'application/octet-stream',
};

export function guessContentType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const ext = (dot > 0 ? name.slice(dot + 1) : name).toLowerCase();
  if (TEXT.has(ext)) return 'text/plain';
  return BY_EXTENSION[ext] ?? 'application/octet-stream';
}
