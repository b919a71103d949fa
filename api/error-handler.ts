/** Every error leaves the API in the shapes of errors.ts, Fastify's own 4xx included; 5xx bodies say nothing internal. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { status } from '@grpc/grpc-js';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { NotFoundError, RequestRejectedError, WorkerUnavailableError } from '../domain/errors';

/** When to try again after no worker answered: about the time a restarted worker takes to poll. */
const WORKER_RETRY_AFTER_S = 10;
import { HttpError } from './errors';

/** Fastify's own 4xx, with the part of the request each one is about. */
const FASTIFY_FIELD: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '(body)',
  FST_ERR_CTP_EMPTY_JSON_BODY: '(body)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'content-length',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'content-type',
  FST_ERR_CTP_BODY_TOO_LARGE: '(body)',
  FST_ERR_CTP_EMPTY_TYPE: 'content-type',
  FST_ERR_CTP_INVALID_TYPE: 'content-type',
  FST_ERR_BAD_URL: '(url)',
};

export function toHttpError(err: unknown, req?: FastifyRequest): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof NotFoundError) return new HttpError(404, err.message);
  if (err instanceof RequestRejectedError) return new HttpError(409, err.message);
  if (err instanceof WorkerUnavailableError) return new HttpError(503, err.message, undefined, { 'retry-after': String(WORKER_RETRY_AFTER_S) });
  const e = err as Partial<FastifyError>;
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const field = (e.code && FASTIFY_FIELD[e.code]) ?? (e.statusCode === 400 ? '(body)' : undefined);
    const message =
      e.statusCode === 413
        ? `the request body is larger than the ${req?.routeOptions.bodyLimit ?? '?'} bytes this route accepts`
        : e.statusCode === 415
          ? `content-type ${req?.headers['content-type'] ?? '(none)'} is not accepted here: send application/json`
          : (e.message ?? 'bad request');
    return new HttpError(e.statusCode, message, field ? [{ field, message }] : undefined);
  }
  return undefined;
}

export function sendError(reply: FastifyReply, err: unknown, req?: FastifyRequest): FastifyReply {
  const known = toHttpError(err, req);
  if (known) {
    if (known.statusCode >= 500) logServerError(reply, err, req);
    if (known.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="huifang"');
    reply.headers(known.headers);
    return reply.code(known.statusCode).send(known.body());
  }
  logServerError(reply, err, req);
  // Temporal out of reach or too slow: the caller should retry later (503, not a bug). A retry is
  // safe: a repeated contract answers the same run, a repeated outcome is the same Update, a
  // repeated step is turned down (409) once the first one went through.
  const cause = (err as { cause?: unknown }).cause;
  if (isGrpcDeadlineError(err) || [err, cause].some((e) => isGrpcServiceError(e) && e.code === status.UNAVAILABLE)) {
    return reply.code(503).header('retry-after', '5').send({ error: 'Service Unavailable', message: 'Temporal is out of reach or did not answer in time; retry shortly' });
  }
  return reply.code(500).send({ error: 'Internal Server Error', message: 'internal error; the request may be retried' });
}

/**
 * Every 5xx is one JSON line on stderr with its request id (also in the answer's x-request-id), so the
 * engineer on call can find the failed request from what the caller saw. The path only: a query
 * string may carry what a log must not.
 */
function logServerError(reply: FastifyReply, err: unknown, req?: FastifyRequest): void {
  const line = {
    time: new Date().toISOString(),
    level: 'error',
    message: 'request failed',
    requestId: req?.id,
    method: req?.method,
    path: req?.url.split('?')[0],
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
  reply.log.error(err);
}
