/**
 * A rejected request's fields, for 400 bodies: the domain's `toFieldErrors`, except that an unknown
 * field is named itself (`premium.discount`) rather than the object that holds it, so a client sees
 * which key to drop.
 */
import type { z } from 'zod';
import { toFieldErrors, type FieldError } from '../domain/validation';
import { HttpError } from './errors';

export function requestFieldErrors(error: z.ZodError): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const at = toFieldErrors({ issues: [issue] } as z.ZodError)[0].field;
      for (const key of issue.keys) fields.push({ field: at === '(body)' ? key : `${at}.${key}`, message: 'unknown field' });
    } else {
      fields.push(...toFieldErrors({ issues: [issue] } as z.ZodError));
    }
  }
  return fields;
}

/** The 400 of a malformed request, its message listing the fields. */
export function invalidRequest(fields: FieldError[]): HttpError {
  return new HttpError(400, `invalid request: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, fields);
}

/** Parses a request part, or throws the 400 naming every offending field. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest(requestFieldErrors(parsed.error));
}

/**
 * A JSON body, parsed. A `__proto__` or `constructor.prototype` key is valid JSON but a key no
 * huifang body has, and a classic way to poison an object merged later: named as such, not "not JSON".
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new HttpError(400, 'invalid request: (body)', [{ field: '(body)', message: 'the body is empty: send a JSON document' }]);
  let poisoned: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') poisoned ??= key;
      if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) poisoned ??= 'constructor.prototype';
      return value;
    });
  } catch (err) {
    throw new HttpError(400, 'invalid request: (body)', [{ field: '(body)', message: `the body is not valid JSON (${(err as Error).message})` }]);
  }
  if (poisoned) throw new HttpError(400, `invalid request: ${poisoned}`, [{ field: poisoned, message: `a key named ${poisoned} is not accepted in a body` }]);
  return parsed;
}
