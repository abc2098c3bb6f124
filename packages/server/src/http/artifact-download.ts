/**
 * Sending an artifact: the Range header (RFC 9110 §14: one `bytes=` range; several ranges or a malformed
 * header are ignored and the whole file is sent, as the RFC allows) and the response headers MLflow sets
 * on file downloads — attachment disposition, guessed type, `nosniff` (spec §1.3, §1.5).
 */
import type { FastifyReply } from 'fastify';
import type { Download, RangeRequest } from '../services/artifact-service.ts';
import { sendError } from './error-handler.ts';

export function parseRangeHeader(header: string | undefined): RangeRequest | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const start = m[1] === '' ? undefined : Number(m[1]);
  const end = m[2] === '' ? undefined : Number(m[2]);
  if (start !== undefined && end !== undefined && end < start) return undefined;
  if (!Number.isSafeInteger(start ?? 0) || !Number.isSafeInteger(end ?? 0)) return undefined;
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

/** `attachment; filename="x"`, with an RFC 6266 `filename*` for names beyond printable ASCII. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === fileName) return `attachment; filename="${fileName}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  reply.header('accept-ranges', 'bytes');
  if (download.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${download.size}`);
    return sendError(
      reply,
      416,
      'INVALID_PARAMETER_VALUE',
      `The requested range is outside the file (${download.size} bytes).`,
    );
  }
  reply
    .header('content-type', download.contentType)
    .header('content-disposition', contentDisposition(download.fileName))
    .header('x-content-type-options', 'nosniff');
  if (download.range) {
    const { start, end } = download.range;
    reply.code(206).header('content-range', `bytes ${start}-${end}/${download.size}`);
    reply.header('content-length', end - start + 1);
  } else {
    reply.header('content-length', download.size);
  }
  return reply.send(download.stream);
}
