import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '../core/mlflow-error.ts';

export function sendError(
  reply: FastifyReply,
  status: number,
  errorCode: string,
  message: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ error_code: errorCode, message }));
}

/**
 * The one place errors become responses (architecture §4): MlflowError → its status and MLflow's JSON;
 * framework errors about the request (body too large, bad encoding) → 400; anything else → 500 with a
 * generic message, the details going to the log only.
 */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof MlflowError) return sendError(reply, err.httpStatus, err.code, err.message);
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const message =
      (err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'Request body is too large.'
        : err.message;
    return sendError(reply, status === 413 ? 413 : 400, 'INVALID_PARAMETER_VALUE', message);
  }
  request.log.error({ err }, 'unhandled error');
  return sendError(reply, 500, 'INTERNAL_ERROR', 'An internal error occurred while handling the request.');
}
