/**
 * Input checks without zod, for the workflows' Update validators and handlers. The workflow bundle
 * runs the module scope of everything it imports again for every workflow (each gets its own module
 * cache in the worker's reusable V8 context), and evaluating zod and building its schemas there cost
 * about a fifth of the workflow thread (README, Benchmarks). These few combinators follow zod 4's
 * rules for the shapes the messages use: the same issues, in the same order, in zod's English words,
 * and the same parsed value (key order, trimming). test/message-checks.test.ts holds each message
 * check to the zod schema the API uses, input by input.
 */
import { ValidationError, type FieldError } from './validation';

interface Issue {
  path: (string | number)[];
  message: string;
  /** zod's `continue`: a failed length or pattern lets later checks run; a wrong type does not. */
  continues: boolean;
}

interface Outcome<T> {
  value: T;
  issues: Issue[];
}

export interface Check<T> {
  run(input: unknown): Outcome<T>;
  /** An absent key is fine (zod's `.optional()`). */
  readonly optional?: boolean;
  /** The values a literal or enum takes, for a discriminated union. */
  readonly values?: readonly unknown[];
  /** An object's fields, for a discriminated union. */
  readonly shape?: Record<string, Check<unknown>>;
}

/** The checked value, or a `ValidationError` naming every offending field (as `parseOrThrow` does with zod). */
export function checkOrThrow<T>(check: Check<T>, input: unknown): T {
  const { value, issues } = check.run(input);
  if (issues.length) throw new ValidationError(issues.map(toFieldError));
  return value;
}

const aborted = (issues: readonly Issue[]): boolean => issues.some((i) => !i.continues);

function typeName(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  return typeof input;
}

const wrongType = (expected: string, input: unknown): Issue => ({
  path: [],
  message: `Invalid input: expected ${expected}, received ${typeName(input)}`,
  continues: false,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One step of a string check, run in order like zod's checks: `.trim()` rewrites the value; a length
 * bound also runs on a value of the wrong type that has a length (an array), as zod's does.
 */
export type StringStep = { trim: true } | { test: (s: string) => boolean; message: string } | { bound: 'min' | 'max'; n: number };

export const trim: StringStep = { trim: true };
export const minLength = (n: number): StringStep => ({ bound: 'min', n });
export const maxLength = (n: number): StringStep => ({ bound: 'max', n });
export const matches = (pattern: RegExp, message: string): StringStep => ({ test: (s) => pattern.test(s), message });
export const satisfies = (test: (s: string) => boolean, message: string): StringStep => ({ test, message });

/** zod counts a string's length in code points, an array's in items. */
function lengthIssue(value: unknown, bound: 'min' | 'max', n: number): Issue | undefined {
  const length: unknown = typeof value === 'string' ? [...value].length : (value as { length: unknown }).length;
  if (bound === 'min' ? (length as number) >= n : (length as number) <= n) return undefined;
  const origin = Array.isArray(value) ? 'array' : typeof value === 'string' ? 'string' : 'unknown';
  const unit = origin === 'array' ? 'items' : 'characters';
  const [word, op] = bound === 'min' ? ['Too small', '>='] : ['Too big', '<='];
  const message = origin === 'unknown' ? `${word}: expected unknown to be ${op}${n}` : `${word}: expected ${origin} to have ${op}${n} ${unit}`;
  return { path: [], message, continues: true };
}

export function string(...steps: StringStep[]): Check<string> {
  return {
    run(input) {
      const issues: Issue[] = [];
      let value = input;
      if (typeof value !== 'string') issues.push(wrongType('string', value));
      for (const step of steps) {
        if ('bound' in step) {
          const hasLength = value !== null && value !== undefined && (value as { length?: unknown }).length !== undefined;
          const issue = hasLength ? lengthIssue(value, step.bound, step.n) : undefined;
          if (issue) issues.push(issue);
        } else if (aborted(issues)) {
          continue;
        } else if ('trim' in step) {
          value = (value as string).trim();
        } else if (!step.test(value as string)) {
          issues.push({ path: [], message: step.message, continues: true });
        }
      }
      return { value: value as string, issues };
    },
  };
}

/** zod's string formats (`z.iso.datetime({ message })`): their message also stands for a wrong type. */
export function format(test: (s: string) => boolean, message: string): Check<string> {
  return {
    run(input) {
      if (typeof input !== 'string') return { value: input as string, issues: [{ path: [], message, continues: false }] };
      return { value: input, issues: test(input) ? [] : [{ path: [], message, continues: true }] };
    },
  };
}

export function boolean(): Check<boolean> {
  return { run: (input) => ({ value: input as boolean, issues: typeof input === 'boolean' ? [] : [wrongType('boolean', input)] }) };
}

/** zod's `z.enum(values)` and `z.literal(value)`. */
export function oneOf<const V extends readonly string[]>(values: V): Check<V[number]> {
  const message =
    values.length === 1 ? `Invalid input: expected "${values[0]}"` : `Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`;
  return {
    values,
    run: (input) => ({ value: input as V[number], issues: values.includes(input as string) ? [] : [{ path: [], message, continues: false }] }),
  };
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return { optional: true, values: check.values, run: (input) => (input === undefined ? { value: undefined, issues: [] } : check.run(input)) };
}

function nested(issues: Issue[], key: string | number, inner: Issue[]): void {
  for (const issue of inner) issues.push({ ...issue, path: [key, ...issue.path] });
}

export function array<T>(element: Check<T>): Check<T[]> {
  return {
    run(input) {
      if (!Array.isArray(input)) return { value: input as T[], issues: [wrongType('array', input)] };
      const issues: Issue[] = [];
      const value = input.map((item, i) => {
        const r = element.run(item);
        nested(issues, i, r.issues);
        return r.value;
      });
      return { value, issues };
    },
  };
}

/** zod's `z.record(z.string(), valueCheck)`. */
export function record<T>(valueCheck: Check<T>): Check<Record<string, T>> {
  return {
    run(input) {
      if (!isObject(input) || (Object.getPrototypeOf(input) !== Object.prototype && Object.getPrototypeOf(input) !== null)) {
        return { value: input as Record<string, T>, issues: [wrongType('record', input)] };
      }
      const issues: Issue[] = [];
      const value: Record<string, T> = {};
      for (const key of Object.keys(input)) {
        if (key === '__proto__') continue;
        const r = valueCheck.run(input[key]);
        nested(issues, key, r.issues);
        value[key] = r.value;
      }
      return { value, issues };
    },
  };
}

/** Adds an issue from an object's own rule (zod's `.refine` / `.superRefine`), at `path` under the object. */
export type AddIssue = (path: string[], message: string) => void;

/**
 * zod's `z.object(shape).strict()`, then its refinements: these run only when every issue so far may
 * continue (a wrong type anywhere stops them, as in zod).
 */
export function strictObject<T>(shape: Record<string, Check<unknown>>, ...rules: ((value: T, addIssue: AddIssue) => void)[]): Check<T> {
  const keys = Object.keys(shape);
  return {
    shape,
    run(input) {
      if (!isObject(input)) return { value: input as T, issues: [wrongType('object', input)] };
      const issues: Issue[] = [];
      const value: Record<string, unknown> = {};
      for (const key of keys) {
        const check = shape[key];
        const present = key in input;
        if (!present && check.optional) continue;
        const r = check.run(input[key]);
        nested(issues, key, r.issues);
        if (present || r.value !== undefined) value[key] = r.value;
      }
      const unknown = Object.keys(input).filter((k) => !(k in shape));
      if (unknown.length) {
        issues.push({ path: [], message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `"${k}"`).join(', ')}`, continues: true });
      }
      for (const rule of rules) {
        if (aborted(issues)) break;
        rule(value as T, (path, message) => issues.push({ path, message, continues: true }));
      }
      return { value: value as T, issues };
    },
  };
}

/** zod's `z.discriminatedUnion(key, options)`: the option whose `key` literal matches decides. */
export function discriminated<T>(key: string, options: Check<unknown>[]): Check<T> {
  const byValue = new Map<unknown, Check<unknown>>();
  for (const option of options) for (const v of option.shape?.[key]?.values ?? []) byValue.set(v, option);
  const expected = [...byValue.keys()].map((v) => `'${String(v)}'`).join(' | ');
  return {
    run(input) {
      if (!isObject(input)) return { value: input as T, issues: [wrongType('object', input)] };
      const option = byValue.get(input[key]);
      if (option) return option.run(input) as Outcome<T>;
      return { value: input as T, issues: [{ path: [key], message: `Invalid discriminator value. Expected ${expected}`, continues: false }] };
    },
  };
}

function toFieldError(issue: Issue): FieldError {
  const field = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return { field: field || '(body)', message: issue.message };
}
