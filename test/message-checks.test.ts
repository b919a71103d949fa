/**
 * The workflows check their Update messages without zod (domain/message-checks.ts); the API checks
 * the same bodies with the zod schemas. Both must accept the same inputs with the same parsed value
 * and reject the others with the same fields and words: compared here on every single-field and
 * many two-field mutations of valid messages. And the workflow bundle must stay free of zod.
 */
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { z } from 'zod';
import { callOutcomeSchema, recordingUploadSchema } from '../domain/call-outcome';
import { callOutcomeCheck, fallbackReceiptCheck, recordingUploadCheck, ticketStepCheck, waiverDecisionCheck, waiverReportCheck } from '../domain/message-checks';
import { checkOrThrow, type Check } from '../domain/plain-check';
import { ticketStepSchema } from '../domain/ticket';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';
import { fallbackReceiptSchema, waiverDecisionSchema, waiverReportSchema } from '../domain/waiver';
import { WORKFLOWS_PATH } from '../workers/create-worker';

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
const CASES: { name: string; schema: z.ZodType; check: Check<unknown>; valid: Record<string, unknown>[] }[] = [
  {
    name: 'call outcome',
    schema: callOutcomeSchema,
    check: callOutcomeCheck,
    valid: [
      { attemptId: 'P1-1', outcome: 'completed', operator: 'op-7', answers: { 'contract-received': 'yes', 'signed-in-person': 'no' }, reportedProblems: ['wants-surrender'] },
      { attemptId: 'P1-2', outcome: 'callback-later', operator: 'op-7', callBackAt: '2026-11-26T19:00:00+08:00', calledAt: '2026-11-25T10:00:00Z', note: 'evening' },
      { attemptId: 'P1-3', outcome: 'no-answer', operator: 'dialer', recordingRef: 'rec/1' },
    ],
  },
  {
    name: 'recording upload',
    schema: recordingUploadSchema,
    check: recordingUploadCheck,
    valid: [{ reference: 'recordings/P1-1.wav', checksum: SHA, uploadedBy: 'op-7' }],
  },
  {
    name: 'waiver report',
    schema: waiverReportSchema,
    check: waiverReportCheck,
    valid: [{ statementRef: 'scans/waiver-P1.pdf', actor: { role: 'agent', id: 'A1' }, note: 'signed at the branch' }],
  },
  {
    name: 'waiver decision',
    schema: waiverDecisionSchema,
    check: waiverDecisionCheck,
    valid: [{ accepted: true, actor }, { accepted: false, actor, reason: '  statement unsigned  ' }],
  },
  {
    name: 'fallback receipt',
    schema: fallbackReceiptSchema,
    check: fallbackReceiptCheck,
    valid: [
      { receiptRef: 'scans/receipt-P1.pdf', signedBy: 'policyholder', signedAt: '2026-11-30T09:00:00+08:00', answers: { 'own-purchase': 'yes', 'contract-received': 'no' }, actor: { role: 'branch', id: 'B1', office: 'SH' } },
      { receiptRef: 'scans/receipt-P2.pdf', signedBy: 'policyholder', signedAt: '2026-11-30T09:00:00+08:00', answers: { 'own-purchase': 'unclear' }, reportedProblems: ['wants-surrender'], actor: { role: 'branch', id: 'B1', office: 'SH' } },
    ],
  },
  {
    name: 'ticket step',
    schema: ticketStepSchema,
    check: ticketStepCheck as Check<unknown>,
    valid: [
      { step: 'dispatch', actor },
      { step: 'reply', actor: { role: 'agent', id: 'A1' }, correctedPhone: '13912345678', note: 'n' },
      { step: 'reply', actor: { role: 'agent', id: 'A1' }, actionTaken: '  visited the customer  ' },
      { step: 'archive', actor, note: '' },
    ],
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

describe.each(CASES)('$name: the plain check agrees with the zod schema', ({ schema, check, valid }) => {
  it('on every mutation of the valid messages: same verdict, same parsed value, same field errors', () => {
    const random = prng(7);
    let compared = 0;
    let rejected = 0;
    for (const v of valid) {
      for (const input of mutations(v, random)) {
        // What the Update carries is JSON: compare on what the payload converter would deliver.
        const json = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
        const expected = viaZod(schema, json);
        expect({ input: json, verdict: viaCheck(check, json) }).toEqual({ input: json, verdict: expected });
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

test('the workflow bundle holds neither zod nor the time-zone library', async () => {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  expect(code).toContain('domain/message-checks.ts');
  expect(code).not.toMatch(/node_modules\/zod\//);
  expect(code).not.toMatch(/node_modules\/@date-fns\//);
});
