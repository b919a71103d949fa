/** The callback's decisions (domain/callback-flow.ts), without a server. */
import { nextStepAfterRound, outcomeRejection, outcomeTransition, planWithCallBack, type OutcomeCheckContext, type OutcomeContext, type RoundContext } from '../domain/callback-flow';
import type { CallOutcomeReport } from '../domain/call-outcome';
import type { CallAttempt } from '../domain/callback-state';
import type { ReasonCode, TicketType } from '../domain/vocabulary';

const ticketTypeOf = {
  'wrong-number': 'failed-callback',
  'wrong-customer-data': 'failed-callback',
  'not-signed-by-policyholder': 'level-1',
  'agent-misconduct': 'level-1',
  'contract-not-received': 'level-2',
  'coverage-unclear': 'level-2',
  'wants-surrender': 'level-2',
} as Record<ReasonCode, TicketType>;
const questions = [
  { id: 'is-policyholder', reasonIfNotYes: 'wrong-customer-data' as const },
  { id: 'signed-in-person', reasonIfNotYes: 'not-signed-by-policyholder' as const },
  { id: 'knows-coverage', reasonIfNotYes: 'coverage-unclear' as const },
  { id: 'knows-surrender-loss', reasonIfNotYes: 'coverage-unclear' as const },
];
const ctx: OutcomeContext = { questions, ticketTypeOf, coolingOffEndsAt: '2030-05-16T16:00:00.000Z', callBackWindowMinutes: 30 };
const report = (r: Partial<CallOutcomeReport>): CallOutcomeReport => ({ attemptId: 'P1-1', outcome: 'completed', operator: 'op-7', ...r }) as CallOutcomeReport;
const allYes = { 'is-policyholder': 'yes', 'signed-in-person': 'yes', 'knows-coverage': 'yes', 'knows-surrender-loss': 'yes' } as const;

describe('an outcome', () => {
  test('completed with every answer yes: the recording is awaited', () => {
    expect(outcomeTransition(report({ answers: allYes }), ctx)).toEqual({ kind: 'reached', stage: 'AWAITING_RECORDING', problems: [] });
  });

  test('completed with problems: each reason once, with the ticket type that handles it, reported problems included', () => {
    const t = outcomeTransition(report({ answers: { ...allYes, 'signed-in-person': 'no', 'knows-coverage': 'unclear', 'knows-surrender-loss': 'no' }, reportedProblems: ['wants-surrender'] }), ctx);
    expect(t).toEqual({
      kind: 'reached',
      stage: 'PROBLEM_FOUND',
      problems: [
        { reason: 'not-signed-by-policyholder', ticketType: 'level-1' },
        { reason: 'coverage-unclear', ticketType: 'level-2' },
        { reason: 'wants-surrender', ticketType: 'level-2' },
      ],
    });
  });

  test('refused, a number that fails, busy, and a call-back request', () => {
    expect(outcomeTransition(report({ outcome: 'refused', note: '不需要' }), ctx)).toEqual({ kind: 'refused', stage: 'AWAITING_RECORDING', note: '不需要' });
    expect(outcomeTransition(report({ outcome: 'wrong-number' }), ctx)).toEqual({ kind: 'unreachable', stage: 'UNREACHABLE', reason: 'wrong-number' });
    expect(outcomeTransition(report({ outcome: 'suspended' }), ctx)).toEqual({ kind: 'unreachable', stage: 'UNREACHABLE', reason: 'suspended' });
    expect(outcomeTransition(report({ outcome: 'busy' }), ctx)).toEqual({ kind: 'try-again', stage: 'AWAITING_CALL', note: 'busy' });
    expect(outcomeTransition(report({ outcome: 'callback-later', callBackAt: '2030-05-10T19:30:00+08:00' }), ctx)).toEqual({
      kind: 'call-back',
      stage: 'AWAITING_CALL',
      slot: { slot: 'call-back', start: '2030-05-10T11:30:00.000Z', end: '2030-05-10T12:00:00.000Z', late: false },
      note: 'customer asked to be called back at 2030-05-10T11:30:00.000Z',
    });
    // Asked for after the cooling-off end: the window is marked late.
    const late = outcomeTransition(report({ outcome: 'callback-later', callBackAt: '2030-05-17T10:00:00+08:00' }), ctx);
    expect(late.kind === 'call-back' && late.slot.late).toBe(true);
  });

  test('a call-back window goes first; planned slots that start before it ends are dropped', () => {
    const slot = (start: string, end: string) => ({ slot: 'morning', start, end, late: false });
    const plan = [slot('2030-05-10T11:00:00.000Z', '2030-05-10T12:30:00.000Z'), slot('2030-05-11T01:30:00.000Z', '2030-05-11T03:30:00.000Z')];
    const callBack = { slot: 'call-back', start: '2030-05-10T11:30:00.000Z', end: '2030-05-10T12:00:00.000Z', late: false };
    expect(planWithCallBack(plan, callBack)).toEqual([callBack, plan[1]]);
  });
});

describe("the outcome Update's validator", () => {
  const open: CallAttempt = { attemptId: 'P1-2', attemptNo: 2, slot: { slot: 'morning', start: '2030-05-10T01:30:00.000Z', end: '2030-05-10T03:30:00.000Z', late: false } };
  const done: CallAttempt = { ...open, attemptId: 'P1-1', attemptNo: 1, outcome: 'busy', report: report({ attemptId: 'P1-1', outcome: 'busy' }) };
  const check: OutcomeCheckContext = { policyNo: 'P1', stage: 'CALLING', attempts: [done, open], openAttemptId: 'P1-2', questions, now: Date.parse('2030-05-10T02:00:00Z') };
  const rejection = (r: Partial<CallOutcomeReport>, c: Partial<OutcomeCheckContext> = {}) => outcomeRejection(report({ attemptId: 'P1-2', ...r }), { ...check, ...c })?.message;

  test('takes a complete outcome for the open attempt, and a repeat of a recorded one', () => {
    expect(rejection({ answers: allYes })).toBeUndefined();
    expect(rejection({ attemptId: 'P1-1', outcome: 'busy' })).toBeUndefined();
  });

  test('turns down unknown, changed, stale and untimely reports, and incomplete or foreign answers, in words', () => {
    expect(outcomeRejection(report({ attemptId: 'P1-9', outcome: 'busy' }), check)).toEqual({ message: "attempt 'P1-9' is unknown for policy P1", unknownAttempt: true });
    expect(rejection({ attemptId: 'P1-1', outcome: 'refused' })).toBe("attempt 'P1-1' already has outcome 'busy'");
    expect(rejection({ outcome: 'busy' }, { openAttemptId: undefined })).toBe("attempt 'P1-2' is stale: its slot ended without an outcome");
    expect(rejection({ outcome: 'busy' }, { stage: 'AWAITING_TICKET' })).toBe('no call outcome is expected in stage AWAITING_TICKET');
    expect(rejection({ answers: { 'is-policyholder': 'yes', 'signed-in-person': 'yes' } })).toBe('answers missing for: knows-coverage, knows-surrender-loss');
    expect(rejection({ answers: { ...allYes, 'favourite-colour': 'yes' } as never })).toBe('answers to questions not asked of this policy: favourite-colour');
    expect(rejection({ outcome: 'callback-later', callBackAt: '2030-05-10T09:59:00+08:00' })).toBe('callBackAt must be in the future');
    expect(rejection({ outcome: 'callback-later', callBackAt: '2030-05-10T10:01:00+08:00' })).toBeUndefined();
  });
});

describe('after a round of calls', () => {
  const round: RoundContext = { stage: 'AWAITING_RECORDING', problems: [], failedCallbackTickets: 0, level1Tickets: 0, maxFailedCallbackTickets: 2, maxLevel1Tickets: 2 };
  const problems = (...reasons: ReasonCode[]) => reasons.map((reason) => ({ reason, ticketType: ticketTypeOf[reason] }));

  test('a clean call or a refusal ends the calls', () => {
    expect(nextStepAfterRound(round)).toEqual({ level2: [], next: { kind: 'calls-done' } });

  });

  test('an unreachable policyholder gets a failed-callback ticket, up to the bound', () => {
    expect(nextStepAfterRound({ ...round, stage: 'UNREACHABLE', unreachableReason: 'wrong-number' }).next).toEqual({ kind: 'ticket', type: 'failed-callback', reasons: ['wrong-number'] });
    expect(nextStepAfterRound({ ...round, stage: 'UNREACHABLE' }).next).toEqual({ kind: 'ticket', type: 'failed-callback', reasons: ['unreachable'] });
    expect(nextStepAfterRound({ ...round, stage: 'UNREACHABLE', failedCallbackTickets: 2 }).next).toEqual({ kind: 'no-working-number', note: 'no working number after 2 corrected numbers' });
  });

  test('failed-callback problems go before level-1; level-2 runs beside either', () => {
    const mixed = { ...round, stage: 'PROBLEM_FOUND' as const, problems: problems('wrong-customer-data', 'not-signed-by-policyholder', 'contract-not-received') };
    expect(nextStepAfterRound(mixed)).toEqual({ level2: ['contract-not-received'], next: { kind: 'ticket', type: 'failed-callback', reasons: ['wrong-customer-data'] } });
    const level1 = { ...round, stage: 'PROBLEM_FOUND' as const, problems: problems('not-signed-by-policyholder', 'agent-misconduct') };
    expect(nextStepAfterRound(level1).next).toEqual({ kind: 'ticket', type: 'level-1', reasons: ['not-signed-by-policyholder', 'agent-misconduct'] });
    expect(nextStepAfterRound({ ...level1, level1Tickets: 2 }).next).toEqual({ kind: 'level-1-unresolved', note: 'level-1 problems unresolved after 2 transfers' });
  });

  test('only level-2 problems: the call itself is done, the ticket runs beside the recording', () => {
    expect(nextStepAfterRound({ ...round, stage: 'PROBLEM_FOUND', problems: problems('coverage-unclear', 'wants-surrender') })).toEqual({
      level2: ['coverage-unclear', 'wants-surrender'],
      next: { kind: 'calls-done', note: 'only level-2 problems: the call itself is complete' },
    });
  });
});
