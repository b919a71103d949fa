/**
 * One way to turn a zod failure into words that name each offending field, used by the API (400
 * bodies), the Update validators (rejection messages) and the configuration loader.
 */
import type { z } from 'zod';

/** One offending field of a rejected input: `field` is dotted (`policyholder.phone`, `[3].channel`). */
export interface FieldError {
  field: string;
  message: string;
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ field: formatPath(issue.path) || '(body)', message: issue.message }));
}

export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.message}`).join('; ');
}

/** Thrown by `parseOrThrow`; its message lists every field, `fieldErrors` keeps them apart. */
export class ValidationError extends Error {
  constructor(readonly fieldErrors: FieldError[]) {
    super(describeFieldErrors(fieldErrors));
    this.name = 'ValidationError';
  }
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error));
  return result.data;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}
