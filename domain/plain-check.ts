/**
 * The workflows' Update messages are defined once, with these combinators (domain/message-checks.ts):
 * the workflows run the checks as they are, and the API derives its zod schemas from them
 * (`zodOf`, domain/message-schemas.ts), so a rule is written in one place only.
 *
 * Why not zod in the workflows: the workflow bundle runs the module scope of everything it imports
 * again for every workflow (each gets its own module cache in the worker's reusable V8 context), and
 * evaluating zod and building its schemas there cost about a fifth of the workflow thread (README,
 * Benchmarks). So each check both runs, following zod 4's rules for the shapes the messages use (the
 * same issues, in the same order, in zod's English words, and the same parsed value: key order,
 * trimming), and describes itself (`kind` and its parts) for `zodOf` to build the zod schema that does
 * the same. test/message-checks.test.ts holds each check to its derived schema, input by input.
 */
import { isIsoInstant } from './patterns';
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

export type CheckKind = 'string' | 'iso-datetime' | 'boolean' | 'enum' | 'literal' | 'optional' | 'array' | 'record' | 'object' | 'discriminated';

/** A check of an input, and what it is (`kind` and, in the interface of that kind, its parts). */
export interface Check<T> {
  readonly kind: CheckKind;
  run(input: unknown): Outcome<T>;
}

/** The value a check gives back. */
export type Infer<C> = C extends Check<infer T> ? T : never;

export type Shape = Readonly<Record<string, Check<unknown>>>;

/**
 * One step of a string check, run in order like zod's checks: `.trim()` rewrites the value; a length
 * bound also runs on a value of the wrong type that has a length (an array), as zod's does.
 */
export type StringStep =
  | { readonly trim: true }
  | { readonly bound: 'min' | 'max'; readonly n: number }
  /** zod's `.regex(pattern, message)`. */
  | { readonly pattern: RegExp; readonly message: string }
  /** zod's `.refine(test, message)`. */
  | { readonly test: (s: string) => boolean; readonly message: string };

export interface StringCheck extends Check<string> {
  readonly kind: 'string';
  readonly steps: readonly StringStep[];
}
/** zod's `z.iso.datetime({ offset: true, message })`. */
export interface IsoDateTimeCheck extends Check<string> {
  readonly kind: 'iso-datetime';
  readonly message: string;
}
export interface BooleanCheck extends Check<boolean> {
  readonly kind: 'boolean';
}
export interface EnumCheck<V extends string> extends Check<V> {
  readonly kind: 'enum';
  readonly values: readonly V[];
}
export interface LiteralCheck<V extends string> extends Check<V> {
  readonly kind: 'literal';
  readonly value: V;
}
export interface OptionalCheck<C extends Check<unknown>> extends Check<Infer<C> | undefined> {
  readonly kind: 'optional';
  readonly inner: C;
}
export interface ArrayCheck<C extends Check<unknown>> extends Check<Infer<C>[]> {
  readonly kind: 'array';
  readonly element: C;
}
export interface RecordCheck<C extends Check<unknown>> extends Check<Record<string, Infer<C>>> {
  readonly kind: 'record';
  readonly values: C;
}

/** Adds an issue from an object's own rule (zod's `.superRefine`), at `path` under the object. */
export type AddIssue = (path: string[], message: string) => void;
export type Rule<T> = (value: T, addIssue: AddIssue) => void;

type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalCheck<Check<unknown>> ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** An object's value: a key of an optional check may be absent (zod's `key?: T | undefined`). */
export type ObjectOf<S extends Shape> = Flat<{ -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { -readonly [K in OptionalKeys<S>]?: Infer<S[K]> }>;

export interface ObjectCheck<S extends Shape> extends Check<ObjectOf<S>> {
  readonly kind: 'object';
  readonly shape: S;
  /** Each reads the object's value, whatever its shape. */
  readonly rules: readonly Rule<any>[];
}
export interface DiscriminatedCheck<O extends readonly ObjectCheck<Shape>[]> extends Check<Infer<O[number]>> {
  readonly kind: 'discriminated';
  readonly key: string;
  readonly options: O;
}

/** Every kind of check, for whoever reads a check's description (`zodOf`). */
export type AnyCheck =
  | StringCheck
  | IsoDateTimeCheck
  | BooleanCheck
  | EnumCheck<string>
  | LiteralCheck<string>
  | OptionalCheck<Check<unknown>>
  | ArrayCheck<Check<unknown>>
  | RecordCheck<Check<unknown>>
  | ObjectCheck<Shape>
  | DiscriminatedCheck<readonly ObjectCheck<Shape>[]>;

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

export const trim: StringStep = { trim: true };
export const minLength = (n: number): StringStep => ({ bound: 'min', n });
export const maxLength = (n: number): StringStep => ({ bound: 'max', n });
export const matches = (pattern: RegExp, message: string): StringStep => ({ pattern, message });
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

export function string(...steps: StringStep[]): StringCheck {
  return {
    kind: 'string',
    steps,
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
        } else if (!('pattern' in step ? step.pattern.test(value as string) : step.test(value as string))) {
          issues.push({ path: [], message: step.message, continues: true });
        }
      }
      return { value: value as string, issues };
    },
  };
}

/** An instant with its offset (seconds required, a real calendar date, Z or ±HH:MM); the message also stands for a wrong type, as in zod. */
export function isoDateTime(message: string): IsoDateTimeCheck {
  return {
    kind: 'iso-datetime',
    message,
    run(input) {
      if (typeof input !== 'string') return { value: input as string, issues: [{ path: [], message, continues: false }] };
      return { value: input, issues: isIsoInstant(input) ? [] : [{ path: [], message, continues: true }] };
    },
  };
}

export function boolean(): BooleanCheck {
  return { kind: 'boolean', run: (input) => ({ value: input as boolean, issues: typeof input === 'boolean' ? [] : [wrongType('boolean', input)] }) };
}

/** zod's words for a value outside a closed list (one value: the words of `z.literal`). */
function notOneOf(values: readonly string[]): Issue {
  const message =
    values.length === 1 ? `Invalid input: expected "${values[0]}"` : `Invalid option: expected one of ${values.map((v) => `"${v}"`).join('|')}`;
  return { path: [], message, continues: false };
}

/** zod's `z.enum(values)`. */
export function oneOf<const V extends string>(values: readonly V[]): EnumCheck<V> {
  const issue = notOneOf(values);
  return { kind: 'enum', values, run: (input) => ({ value: input as V, issues: values.includes(input as V) ? [] : [issue] }) };
}

/** zod's `z.literal(value)`. */
export function literal<const V extends string>(value: V): LiteralCheck<V> {
  const issue = notOneOf([value]);
  return { kind: 'literal', value, run: (input) => ({ value: input as V, issues: input === value ? [] : [issue] }) };
}

/** zod's `.optional()`: an absent key (or `undefined`) is fine. */
export function optional<C extends Check<unknown>>(inner: C): OptionalCheck<C> {
  return {
    kind: 'optional',
    inner,
    run: (input) => (input === undefined ? { value: undefined, issues: [] } : (inner.run(input) as Outcome<Infer<C>>)),
  };
}

function nested(issues: Issue[], key: string | number, inner: Issue[]): void {
  for (const issue of inner) issues.push({ ...issue, path: [key, ...issue.path] });
}

export function array<C extends Check<unknown>>(element: C): ArrayCheck<C> {
  return {
    kind: 'array',
    element,
    run(input) {
      if (!Array.isArray(input)) return { value: input as Infer<C>[], issues: [wrongType('array', input)] };
      const issues: Issue[] = [];
      const value = input.map((item, i) => {
        const r = element.run(item);
        nested(issues, i, r.issues);
        return r.value as Infer<C>;
      });
      return { value, issues };
    },
  };
}

/** zod's `z.record(z.string(), values)`. */
export function record<C extends Check<unknown>>(values: C): RecordCheck<C> {
  return {
    kind: 'record',
    values,
    run(input) {
      if (!isObject(input) || (Object.getPrototypeOf(input) !== Object.prototype && Object.getPrototypeOf(input) !== null)) {
        return { value: input as Record<string, Infer<C>>, issues: [wrongType('record', input)] };
      }
      const issues: Issue[] = [];
      const value: Record<string, Infer<C>> = {};
      for (const key of Object.keys(input)) {
        if (key === '__proto__') continue;
        const r = values.run(input[key]);
        nested(issues, key, r.issues);
        value[key] = r.value as Infer<C>;
      }
      return { value, issues };
    },
  };
}

/**
 * zod's `z.strictObject(shape)`, then its rules (each a `.superRefine`): these run only when every
 * issue so far may continue (a wrong type anywhere stops them, as in zod).
 */
export function strictObject<const S extends Shape>(shape: S, ...rules: Rule<ObjectOf<S>>[]): ObjectCheck<S> {
  const keys = Object.keys(shape);
  return {
    kind: 'object',
    shape,
    rules,
    run(input) {
      if (!isObject(input)) return { value: input as ObjectOf<S>, issues: [wrongType('object', input)] };
      const issues: Issue[] = [];
      const value: Record<string, unknown> = {};
      for (const key of keys) {
        const check = shape[key];
        const present = key in input;
        if (!present && check.kind === 'optional') continue;
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
        rule(value as ObjectOf<S>, (path, message) => issues.push({ path, message, continues: true }));
      }
      return { value: value as ObjectOf<S>, issues };
    },
  };
}

/** The values a literal or enum (or an optional one) takes, for a discriminated union. */
function valuesOf(check: Check<unknown> | undefined): readonly unknown[] {
  const c = check as AnyCheck | undefined;
  if (c?.kind === 'literal') return [c.value];
  if (c?.kind === 'enum') return c.values;
  if (c?.kind === 'optional') return valuesOf(c.inner);
  return [];
}

/** zod's `z.discriminatedUnion(key, options)`: the option whose `key` literal matches decides. */
export function discriminated<const O extends readonly ObjectCheck<Shape>[]>(key: string, options: O): DiscriminatedCheck<O> {
  const byValue = new Map<unknown, ObjectCheck<Shape>>();
  for (const option of options) for (const v of valuesOf(option.shape[key])) byValue.set(v, option);
  const expected = [...byValue.keys()].map((v) => `'${String(v)}'`).join(' | ');
  type T = Infer<O[number]>;
  return {
    kind: 'discriminated',
    key,
    options,
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
