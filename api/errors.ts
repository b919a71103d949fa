/** The API's error bodies: one shape, always naming what was wrong. */
import type { FieldError } from '../domain/validation';

export interface ErrorBody {
  error: string;
  fields?: FieldError[];
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }

  body(): ErrorBody {
    return this.fields ? { error: this.message, fields: this.fields } : { error: this.message };
  }
}
