/**
 * Each Update message is defined once, as a plain check (domain/message-checks.ts): the workflows run
 * it, and the API checks and documents its bodies with the zod schema `zodOf` derives from it
 * (domain/message-schemas.ts). Held here: the derived schema and the check accept the same inputs
 * with the same parsed value and reject the others with the same fields and words (every single-field
 * and many two-field mutations of valid messages); the OpenAPI document describes each message body
 * as its check has it; and the workflow bundle stays free of zod.
 */
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import Ajv2020 from 'ajv/dist/2020';
import type { z } from 'zod';
import { reasonLabelsOf } from '../documents/format';
import { buildApi } from '../api/server';
import { HuifangClient } from '../client/huifang-client';
import { loadSettings } from '../config/settings';
import { callOutcomeSchema, recordingUploadSchema } from '../domain/call-outcome';
import { branchDecisionCheck, callOutcomeCheck, fallbackReceiptCheck, recordingUploadCheck, ticketStepCheck, waiverDecisionCheck, waiverReportCheck } from '../domain/message-checks';
import { zodOf } from '../domain/message-schemas';
import { checkOrThrow, type AnyCheck, type Check } from '../domain/plain-check';
import { ticketStepSchema } from '../domain/ticket';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';
import { branchDecisionSchema, fallbackReceiptSchema, waiverDecisionSchema, waiverReportSchema } from '../domain/waiver';
import { WORKFLOWS_PATH } from '../workers/create-worker';
import { testApiUsers } from './helpers/api-users';

const long = (n: number) => 'x'.repeat(n);
const SHA = `sha256:${'a'.repeat(64)}`;
/** Values every field is tried with: wrong types, edge lengths, near-miss formats, valid values of other fields. */
const VALUES: unknown[] = [
  null, 0, 5, true, false, [], ['no-answer'], {}, { x: 'yes' }, { 'contract-received': 'maybe' },
  '', ' ', '  padded  ', 'x', long(32), long(33), long(64), long(65), long(200), long(201), long(256), long(257), long(1000), long(1001), long(2000), long(2001),
  'completed', 'callback-later', 'refused', 'policyholder', 'agent', 'tier3', 'tier4', 'branch', 'bogus', 'dispatch', 'reply', 'archive',
  '2026-11-25T10:00:00+08:00', '2026-11-25T10:00:00.123Z', '2024-02-29T10:00:00Z', '2026-02-29T10:00:00Z', '2026-11-25T10:00+08:00',
  '2026-11-25T24:00:00Z', '2026-11-25 10:00:00Z', '2026-11-25T10:00:00+0800', '2026-04-31T10:00:00Z', '2000-02-29T00:00:00-05:30',
  '13912345678', '021-12345678', '1391234', 'a/../b', '..', 'scans/w-1.pdf', '/abs', 'rec/P1.wav', SHA, SHA.toUpperCase(), 'sha256:abc',
  ['no-answer', 'bogus'], ['wants-surrender'], ['no-answer', 'wants-surrender', 'other'],
  { role: 'agent', id: 'A1' }, { role: 'tier3', id: 'S1', office: 'SH-PD' }, { role: 'agent', id: '', extra: 1 }, { role: 'nobody', id: 5 },
  { 'contract-received': 'yes', 'x-y': 'no' }, { length: 0 }, { length: 99999 }, '😀'.repeat(64), '😀'.repeat(65), '\ud83d'.repeat(65),
];

const actor = { role: 'tier3', id: 'S-301', office: 'SH-PD' };
const receipt = { receiptRef: 'scans/receipt-P1.pdf', signedBy: 'policyholder', signedAt: '2026-11-30T09:00:00+08:00', actor: { role: 'branch', id: 'B1', office: 'SH' } };

/** Where the API takes a message: the body leaves out what the path says (`omitted`), and may leave out what the token says (`fromToken`). */
interface Route {
  path: string;
  omitted?: string[];
  fromToken: string[];
  /** Optional body keys that belong to the request, not the message (the recording's delivery id is the Update's id). */
  alongside?: string[];
}

/** Each message: its check, the schema its module exports for the API, valid examples, and its route. */
const CASES: { name: string; check: Check<unknown>; exported: z.ZodType; valid: Record<string, unknown>[]; route: Route }[] = [
  {
    name: 'call outcome',
    check: callOutcomeCheck,
    exported: callOutcomeSchema,
    valid: [
      { attemptId: 'P1-1', outcome: 'completed', operator: 'op-7', answers: { 'contract-received': 'yes', 'signed-in-person': 'no' }, reportedProblems: ['wants-surrender'] },
      { attemptId: 'P1-2', outcome: 'callback-later', operator: 'op-7', callBackAt: '2026-11-26T19:00:00+08:00', calledAt: '2026-11-25T10:00:00Z', note: 'evening' },
      { attemptId: 'P1-3', outcome: 'no-answer', operator: 'dialer', recordingRef: 'rec/1' },
    ],
    route: { path: '/v1/callbacks/{policyNo}/attempts/{attemptId}/outcome', omitted: ['attemptId'], fromToken: ['operator'] },
  },
  {
    name: 'recording upload',
    check: recordingUploadCheck,
    exported: recordingUploadSchema,
    valid: [{ reference: 'recordings/P1-1.wav', checksum: SHA, uploadedBy: 'op-7' }],
    route: { path: '/v1/callbacks/{policyNo}/recording', fromToken: ['uploadedBy'], alongside: ['deliveryId'] },
  },
  {
    name: 'waiver report',
    check: waiverReportCheck,
    exported: waiverReportSchema,
    valid: [{ statementRef: 'scans/waiver-P1.pdf', actor: { role: 'agent', id: 'A1' }, note: 'signed at the branch' }],
    route: { path: '/v1/callbacks/{policyNo}/waiver', fromToken: ['actor'] },
  },
  {
    name: 'waiver decision',
    check: waiverDecisionCheck,
    exported: waiverDecisionSchema,
    valid: [{ accepted: true, actor }, { accepted: false, actor, reason: '  statement unsigned  ' }],
    route: { path: '/v1/callbacks/{policyNo}/waiver/decision', fromToken: ['actor'] },
  },
  {
    name: 'fallback receipt',
    check: fallbackReceiptCheck,
    exported: fallbackReceiptSchema,
    valid: [
      { ...receipt, answers: { 'own-purchase': 'yes', 'contract-received': 'no' } },
      { ...receipt, answers: { 'own-purchase': 'unclear' }, reportedProblems: ['wants-surrender'] },
    ],
    route: { path: '/v1/callbacks/{policyNo}/fallback-receipt', fromToken: ['actor'] },
  },
  {
    name: 'branch decision',
    check: branchDecisionCheck,
    exported: branchDecisionSchema,
    valid: [{ reason: '  已上门核实，客户签署确认书  ', actor: { role: 'branch', id: 'CC-1', office: 'SH' } }],
    route: { path: '/v1/callbacks/{policyNo}/branch-decision', fromToken: ['actor'] },
  },
  {
    name: 'ticket step',
    check: ticketStepCheck,
    exported: ticketStepSchema,
    valid: [
      { step: 'dispatch', actor },
      { step: 'reply', actor: { role: 'agent', id: 'A1' }, correctedPhone: '13912345678', note: 'n' },
      { step: 'reply', actor: { role: 'agent', id: 'A1' }, actionTaken: '  visited the customer  ' },
      { step: 'archive', actor, note: '' },
    ],
    route: { path: '/v1/tickets/{ticketId}/steps', fromToken: ['actor'] },
  },
];

/** Deterministic pseudo-random numbers, so a failure names an input that can be found again. */
function prng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function mutations(valid: Record<string, unknown>, random: () => number): unknown[] {
  const keys = [...Object.keys(valid), 'extra', 'reason', 'answers', 'callBackAt', 'actionTaken'];
  const mutate = (base: Record<string, unknown>, key: string, value: unknown) => {
    const out = { ...base };
    if (value === undefined) delete out[key];
    else out[key] = value;
    return out;
  };
  const out: unknown[] = [valid, null, 'text', 42, [], [valid], {}];
  const singles: Record<string, unknown>[] = [];
  for (const key of keys) for (const value of [undefined, ...VALUES]) singles.push(mutate(valid, key, value));
  if (valid.actor) for (const value of [undefined, ...VALUES]) for (const k of ['role', 'id', 'office', 'x']) singles.push({ ...valid, actor: mutate(valid.actor as Record<string, unknown>, k, value) });
  out.push(...singles);
  for (let i = 0; i < 600; i++) {
    const base = singles[Math.floor(random() * singles.length)];
    out.push(mutate(base, keys[Math.floor(random() * keys.length)], VALUES[Math.floor(random() * VALUES.length)]));
  }
  return out;
}

type Verdict = { ok: true; value: string } | { ok: false; errors: string };

function viaZod(schema: z.ZodType, input: unknown): Verdict {
  const r = schema.safeParse(input);
  return r.success ? { ok: true, value: JSON.stringify(r.data) } : { ok: false, errors: describeFieldErrors(toFieldErrors(r.error)) };
}

function viaCheck(check: Check<unknown>, input: unknown): Verdict {
  try {
    return { ok: true, value: JSON.stringify(checkOrThrow(check, input)) };
  } catch (err) {
    return { ok: false, errors: (err as Error).message };
  }
}

describe.each(CASES)('$name: the zod schema derived from the check agrees with it', ({ check, exported, valid }) => {
  it('is the schema its module exports for the API: there is no other definition', () => {
    expect(exported).toBe(zodOf(check));
  });

  it('on every mutation of the valid messages: same verdict, same parsed value, same field errors', () => {
    const schema = zodOf(check);
    const random = prng(7);
    let compared = 0;
    let rejected = 0;
    for (const v of valid) {
      for (const input of mutations(v, random)) {
        // What the Update carries is JSON: compare on what the payload converter would deliver.
        const json = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
        const expected = viaCheck(check, json);
        expect({ input: json, verdict: viaZod(schema, json) }).toEqual({ input: json, verdict: expected });
        compared++;
        if (!expected.ok) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(compared / 2);
    expect(rejected).toBeLessThan(compared);
  });

  it('accepts the valid messages', () => {
    for (const v of valid) expect(viaCheck(check, v).ok).toBe(true);
  });
});

test('the field is named in the words the Update validators have always used', () => {
  expect(() => checkOrThrow(recordingUploadCheck, { reference: 'r/1', checksum: 'md5:1', uploadedBy: 'op' })).toThrow(
    "checksum: must be 'sha256:' followed by 64 lower-case hex digits",
  );
  expect(() => checkOrThrow(waiverDecisionCheck, { accepted: false, actor })).toThrow('reason: a rejection must give a reason');
  expect(() => checkOrThrow(ticketStepCheck, { step: 'dispatch' })).toThrow('actor: Invalid input: expected object, received undefined');
  expect(checkOrThrow(waiverDecisionCheck, { accepted: false, actor, reason: '  why  ' }).reason).toBe('why');
});

type Json = Record<string, unknown> & { properties?: Record<string, Json>; required?: string[]; items?: Json; additionalProperties?: unknown; oneOf?: Json[] };

/**
 * Where the documented JSON Schema of a body says otherwise than the check, in what JSON Schema can
 * say (types, keys, required keys, lengths, patterns, closed lists, date-times); the cross-field rules
 * and trimming are the fuzz's to hold. `route` loosens the top level as the API does.
 */
function differences(check: Check<unknown>, doc: Json | undefined, at: string, route: Partial<Route> = {}): string[] {
  if (!doc) return [`${at}: not documented`];
  const out: string[] = [];
  const want = (what: string, documented: unknown, checked: unknown) => {
    if (JSON.stringify(documented) !== JSON.stringify(checked)) out.push(`${at}: ${what} is documented as ${JSON.stringify(documented)}, the check has ${JSON.stringify(checked)}`);
  };
  const c = check as AnyCheck;
  switch (c.kind) {
    case 'string': {
      const bound = (b: 'min' | 'max') => c.steps.flatMap((s) => ('bound' in s && s.bound === b ? [s.n] : []))[0];
      want('type', doc.type, 'string');
      want('minLength', doc.minLength, bound('min'));
      want('maxLength', doc.maxLength, bound('max'));
      want('pattern', doc.pattern, c.steps.flatMap((s) => ('pattern' in s ? [s.pattern.source] : []))[0]);
      break;
    }
    case 'iso-datetime':
      want('type', doc.type, 'string');
      want('format', doc.format, 'date-time');
      break;
    case 'boolean':
      want('type', doc.type, 'boolean');
      break;
    case 'enum':
      want('enum', doc.enum, c.values);
      break;
    case 'literal':
      want('const', doc.const, c.value);
      break;
    case 'optional':
      return differences(c.inner, doc, at);
    case 'array':
      want('type', doc.type, 'array');
      out.push(...differences(c.element, doc.items, `${at}[]`));
      break;
    case 'record':
      want('type', doc.type, 'object');
      out.push(...differences(c.values, doc.additionalProperties as Json, `${at}{}`));
      break;
    case 'object': {
      const keys = Object.keys(c.shape).filter((k) => !route.omitted?.includes(k));
      want('type', doc.type, 'object');
      want('keys', Object.keys(doc.properties ?? {}), [...keys, ...(route.alongside ?? [])]);
      want('required keys', doc.required ?? [], keys.filter((k) => c.shape[k].kind !== 'optional' && !route.fromToken?.includes(k)));
      want('additionalProperties', doc.additionalProperties, false);
      for (const k of keys) out.push(...differences(c.shape[k], doc.properties?.[k], `${at}.${k}`));
      break;
    }
    case 'discriminated':
      want('options', doc.oneOf?.length, c.options.length);
      c.options.forEach((option, i) => out.push(...differences(option, doc.oneOf?.[i], `${at}(${c.key} ${i})`, route)));
      break;
  }
  return out;
}

describe('the OpenAPI document describes each message body as its check has it', () => {
  let doc: { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: Json }> } } }> };
  beforeAll(async () => {
    const users = await testApiUsers();
    // The client's connection is lazy and never opened: no request here reaches Temporal.
    const api = buildApi({ huifang: new HuifangClient(new Client(), 'message-checks-test'), auth: users.auth, reasonLabels: reasonLabelsOf(loadSettings().transferReasons) });
    try {
      doc = (await api.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    } finally {
      await api.close();
    }
  });

  it.each(CASES)('$name', ({ check, valid, route }) => {
    const body = doc.paths[route.path]?.post?.requestBody?.content['application/json']?.schema;
    expect(differences(check, body, route.path, route)).toEqual([]);
    // And the valid messages, less what the path says, are valid bodies by the document.
    const validates = new Ajv2020({ strict: false, validateFormats: false }).compile(body!);
    for (const v of valid) {
      const sent = Object.fromEntries(Object.entries(v).filter(([k]) => !route.omitted?.includes(k)));
      expect({ sent, valid: validates(sent) }).toEqual({ sent, valid: true });
    }
  });
});

test('the workflow bundle holds neither zod, nor the schemas derived with it, nor the time-zone library', async () => {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  // The bundle's modules, by path: webpack opens each with a line /***/ "<path>".
  const modules = [...code.matchAll(/^\/\*\*\*\/ "([^"]+)"/gm)].map((m) => m[1]);
  expect(modules).toContain('./domain/message-checks.ts');
  expect(modules.filter((m) => /node_modules\/(zod|@date-fns)\/|domain\/message-schemas\.ts/.test(m))).toEqual([]);
});
