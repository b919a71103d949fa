/**
 * The zod schema of a plain check (plain-check.ts), built from the check's own description: the same
 * rules in the same order, the same words, the same parsed value, and what JSON Schema can say of it
 * (lengths, patterns, enums, `format: date-time`) for the OpenAPI document. The API checks its bodies
 * with these; the workflows run the checks themselves. Never imported by workflow code (it loads zod):
 * test/message-checks.test.ts checks the bundle, and holds each derived schema to its check.
 */
import { z } from 'zod';
import type { AnyCheck, Check, DiscriminatedCheck, Infer, ObjectCheck, OptionalCheck, Shape, StringStep } from './plain-check';

/** The zod type `zodOf` gives for a check: objects keep their shape (the API spreads them into its bodies). */
export type ZodOf<C> =
  C extends OptionalCheck<infer I>
    ? z.ZodOptional<ZodOf<I>>
    : C extends ObjectCheck<infer S>
      ? z.ZodObject<{ -readonly [K in keyof S]: ZodOf<S[K]> }, z.core.$strict>
      : C extends DiscriminatedCheck<infer O>
        ? z.ZodDiscriminatedUnion<ZodOf<O[number]>[]>
        : z.ZodType<Infer<C>, Infer<C>>;

const derived = new WeakMap<Check<unknown>, z.ZodType>();

/** The zod schema of `check`; one per check, so a part used in many messages (the actor) is one schema. */
export function zodOf<C extends Check<unknown>>(check: C): ZodOf<C> {
  let schema = derived.get(check);
  if (!schema) {
    schema = build(check as unknown as AnyCheck);
    derived.set(check, schema);
  }
  return schema as ZodOf<C>;
}

function build(check: AnyCheck): z.ZodType {
  switch (check.kind) {
    case 'string':
      return check.steps.reduce(stringStep, z.string());
    case 'iso-datetime':
      return z.iso.datetime({ offset: true, message: check.message });
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.enum(check.values as [string, ...string[]]);
    case 'literal':
      return z.literal(check.value);
    case 'optional':
      return zodOf(check.inner).optional();
    case 'array':
      return z.array(zodOf(check.element));
    case 'record':
      return z.record(z.string(), zodOf(check.values));
    case 'object':
      return check.rules.reduce(
        (schema, rule) => schema.superRefine((value, ctx) => rule(value, (path, message) => ctx.addIssue({ code: 'custom', path, message }))),
        z.strictObject(Object.fromEntries(Object.entries(check.shape as Shape).map(([key, field]) => [key, zodOf(field)]))),
      );
    case 'discriminated':
      return z.discriminatedUnion(check.key, check.options.map((option) => zodOf(option)) as unknown as [z.ZodObject, ...z.ZodObject[]]);
  }
}

function stringStep(schema: z.ZodString, step: StringStep): z.ZodString {
  if ('trim' in step) return schema.trim();
  if ('bound' in step) return step.bound === 'min' ? schema.min(step.n) : schema.max(step.n);
  if ('pattern' in step) return schema.regex(step.pattern, step.message);
  return schema.refine(step.test, step.message);
}
