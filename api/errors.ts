/**
 * The API's error bodies, one shape per kind, always saying what was wrong:
 *   400 { error, fields: [{ field, message }] }   the request itself is malformed, field by field
 *   401, 403, 404, 409, 413, 415, 429 { error, message }  `error` is the status's name (as Fastify's own
 *                                                 errors have it), `message` the reason in words
 */
import { STATUS_CODES } from 'node:http';
import type { FieldError } from '../domain/validation';

export type ErrorBody = { error: string; fields: FieldError[] } | { error: string; message: string };

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly fields?: FieldError[],
    /** Headers that go with the answer (retry-after of a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    if (this.statusCode === 400) return { error: this.message, fields: this.fields ?? [{ field: '(body)', message: this.message }] };
    return { error: STATUS_CODES[this.statusCode] ?? 'Error', message: this.message };
  }
}
