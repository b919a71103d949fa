/**
 * The shipped questionnaire (config/questionnaire.json) and transfer reasons (config/transfer-reasons.json):
 * the questionnaire asks the seven items of 人身保险业务基本服务规定 art. 15 of every contract they
 * concern, each "no" names the reason that fits it, and every reason a transfer can carry is one a
 * callback can actually find, through the callback's pure decisions (domain/callback-flow.ts).
 */
import { loadSettings } from '../config/settings';
import type { CallOutcomeReport } from '../domain/call-outcome';
import { nextStepAfterRound, outcomeTransition, type OutcomeContext, type RoundContext } from '../domain/callback-flow';
import type { Contract } from '../domain/contract';
import { ART15_ITEM_KEYS, contractKinds, questionnaireConfigSchema, questionsFor, type Art15Item, type QuestionnaireConfig } from '../domain/questionnaire';
import { callerReportedReasons, ticketTypesOf, transferReasonsConfigSchema } from '../domain/transfer-reasons';
import { parseOrThrow } from '../domain/validation';
import { CALL_OUTCOMES, REASON_CODES, type ReasonCode } from '../domain/vocabulary';

const { questionnaire, transferReasons } = loadSettings();
const ticketTypeOf = ticketTypesOf(transferReasons);

type Kind = ReturnType<typeof contractKinds>[number];
const asContract = (k: Kind): Pick<Contract, 'premium' | 'productType'> => ({ productType: k.productType, premium: { amount: 1000, currency: 'CNY', mode: k.premiumMode } });
const describeKind = (k: Kind) => `${k.productType}/${k.premiumMode}`;
const report = (r: Partial<CallOutcomeReport>): CallOutcomeReport => ({ attemptId: 'P1-1', outcome: 'completed', operator: 'op-7', ...r }) as CallOutcomeReport;
const context = (k: Kind): OutcomeContext => ({
  questions: questionsFor(asContract(k), questionnaire),
  ticketTypeOf,
  coolingOffEndsAt: '2030-05-16T16:00:00.000Z',
  callBackWindowMinutes: 30,
});
const round: RoundContext = { stage: 'CALLING', problems: [], failedCallbackTickets: 0, level1Tickets: 0, maxFailedCallbackTickets: 2, maxLevel1Tickets: 2 };

/** Whether the step after a round hands `reason` to the transfer its configured ticket type names. */
function transfersAs(step: ReturnType<typeof nextStepAfterRound>, reason: ReasonCode): boolean {
  const type = ticketTypeOf[reason];
  if (type === 'level-2') return step.level2.includes(reason);
  return step.next.kind === 'ticket' && step.next.type === type && step.next.reasons.includes(reason);
}

/**
 * Every way a callback with the shipped configuration comes to `reason` and hands it to its transfer:
 * a call outcome (or a round used up) that fails the number, a "no" to a question asked of some
 * contract with every other answer "yes", or the caller's report on an otherwise clean call.
 */
function waysToFind(reason: ReasonCode): string[] {
  const ways: string[] = [];
  const kind = contractKinds()[0]!;
  for (const outcome of CALL_OUTCOMES) {
    if (outcome === 'completed' || outcome === 'callback-later') continue; // these need answers / a time: below
    const t = outcomeTransition(report({ outcome }), context(kind));
    if (t.kind !== 'unreachable' || t.reason !== reason) continue;
    if (transfersAs(nextStepAfterRound({ ...round, stage: t.stage, unreachableReason: t.reason }), reason)) ways.push(`outcome '${outcome}'`);
  }
  // The round used up without reaching anyone: the stage is UNREACHABLE with no outcome's reason.
  if (transfersAs(nextStepAfterRound({ ...round, stage: 'UNREACHABLE' }), reason)) ways.push('the round used up');

  for (const k of contractKinds()) {
    const ctx = context(k);
    const allYes = Object.fromEntries(ctx.questions.map((q) => [q.id, 'yes' as const]));
    for (const q of ctx.questions.filter((q) => q.reasonIfNotYes === reason)) {
      const t = outcomeTransition(report({ answers: { ...allYes, [q.id]: 'no' } }), ctx);
      if (t.kind === 'reached' && transfersAs(nextStepAfterRound({ ...round, stage: t.stage, problems: t.problems }), reason)) ways.push(`'no' to ${q.id} (${describeKind(k)})`);
    }
  }

  if (callerReportedReasons(transferReasons).includes(reason)) {
    const ctx = context(kind);
    const allYes = Object.fromEntries(ctx.questions.map((q) => [q.id, 'yes' as const]));
    const t = outcomeTransition(report({ answers: allYes, reportedProblems: [reason] }), ctx);
    if (t.kind === 'reached' && transfersAs(nextStepAfterRound({ ...round, stage: t.stage, problems: t.problems }), reason)) ways.push("the caller's report");
  }
  return ways;
}

describe('every transfer reason is found by a callback', () => {
  test('the shipped mapping names every reason code, and no other', () => {
    expect(Object.keys(transferReasons.reasons).sort()).toEqual([...REASON_CODES].sort());
  });

  test.each([...REASON_CODES])('%s', (reason) => {
    const ways = waysToFind(reason);
    expect({ reason, ways }).not.toEqual({ reason, ways: [] });
  });

  test('the caller reports only what no question asks: agent misconduct, a wish to surrender, anything else', () => {
    expect(callerReportedReasons(transferReasons)).toEqual(['agent-misconduct', 'wants-surrender', 'other']);
    const asked = new Set(questionnaire.questions.map((q) => q.reasonIfNotYes));
    expect(callerReportedReasons(transferReasons).filter((r) => asked.has(r))).toEqual([]);
  });
});

describe('the seven items of art. 15', () => {
  test('each is asked of every contract it concerns; the payment terms only of regular premiums, returns only of investment-type products', () => {
    for (const k of contractKinds()) {
      const asked = questionsFor(asContract(k), questionnaire);
      const items = new Set(asked.map((q) => q.art15).filter((t): t is Art15Item => t !== undefined));
      const expected = ART15_ITEM_KEYS.filter((key) => key !== 'payment-terms' || k.premiumMode !== 'single');
      expect({ kind: describeKind(k), items: [...items].sort() }).toEqual({ kind: describeKind(k), items: [...expected].sort() });
      const investment = ['participating', 'universal', 'investment-linked'].includes(k.productType);
      expect({ kind: describeKind(k), returns: asked.some((q) => q.id === 'returns-not-guaranteed') }).toEqual({ kind: describeKind(k), returns: investment });
      expect({ kind: describeKind(k), contract: asked.some((q) => q.id === 'contract-received') }).toEqual({ kind: describeKind(k), contract: true });
    }
  });

  test("each item's 'no' names the reason that fits it, and so the transfer", () => {
    const byItem = (q: QuestionnaireConfig['questions'][number]) => q.art15 ?? q.id;
    expect(Object.fromEntries(questionnaire.questions.map((q) => [byItem(q), `${q.reasonIfNotYes} → ${ticketTypeOf[q.reasonIfNotYes]}`]))).toEqual({
      policyholder: 'wrong-customer-data → failed-callback', // 1. the one answering is not the policyholder: the number on file is someone else's
      'own-purchase': 'unaware-of-policy → level-1', // 2. did not buy it: 不知道办理保险
      'signed-in-person': 'not-signed-by-policyholder → level-1', // 2. 非本人签名
      'read-product-description': 'coverage-unclear → level-2', // 3.
      coverage: 'coverage-unclear → level-2', // 4.
      'surrender-loss': 'coverage-unclear → level-2', // 5.
      'cooling-off': 'coverage-unclear → level-2', // 6.
      'payment-terms': 'coverage-unclear → level-2', // 7.
      'contract-received': 'contract-not-received → level-2', // extra: 未收到合同
      'returns-not-guaranteed': 'coverage-unclear → level-2', // extra: new-type products
    });
  });

  test("'did you buy this policy yourself?' is asked of every contract; a 'no' sends a level-1 order to the agent", () => {
    for (const k of contractKinds()) {
      const ctx = context(k);
      const own = ctx.questions.find((q) => q.reasonIfNotYes === 'unaware-of-policy');
      expect({ kind: describeKind(k), own: own?.id }).toEqual({ kind: describeKind(k), own: 'own-purchase' });
      const allYes = Object.fromEntries(ctx.questions.map((q) => [q.id, 'yes' as const]));
      const t = outcomeTransition(report({ answers: { ...allYes, 'own-purchase': 'unclear' } }), ctx);
      expect(t).toEqual({ kind: 'reached', stage: 'PROBLEM_FOUND', problems: [{ reason: 'unaware-of-policy', ticketType: 'level-1' }] });
      expect(nextStepAfterRound({ ...round, stage: 'PROBLEM_FOUND', problems: t.kind === 'reached' ? t.problems : [] }).next).toEqual({ kind: 'ticket', type: 'level-1', reasons: ['unaware-of-policy'] });
    }
  });
});

describe('a questionnaire or reason mapping that would drop an item is refused, naming it', () => {
  const parse = (questions: unknown[]) => () => parseOrThrow(questionnaireConfigSchema, { questions });

  test.each([...ART15_ITEM_KEYS])("without a question tagged '%s'", (key) => {
    expect(parse(questionnaire.questions.filter((q) => q.art15 !== key))).toThrow(new RegExp(`^questions: art\\. 15 item \\d '${key}' .* is not asked of traditional contracts paid (single|annual)`));
  });

  test('an item asked of only some of the contracts it concerns', () => {
    const narrowed = questionnaire.questions.map((q) => (q.art15 === 'payment-terms' ? { ...q, appliesTo: { premiumModes: ['annual', 'semiannual', 'quarterly'] } } : q));
    expect(parse(narrowed)).toThrow("questions: art. 15 item 7 'payment-terms' (期缴产品了解缴费期间和缴费频率) is not asked of traditional contracts paid monthly");
    const traditionalOnly = questionnaire.questions.map((q) => (q.art15 === 'own-purchase' ? { ...q, appliesTo: { productTypes: ['traditional'] } } : q));
    expect(parse(traditionalOnly)).toThrow(/'own-purchase' .* is not asked of universal contracts paid single/);
  });

  test('an unknown item or field', () => {
    const [first, ...rest] = questionnaire.questions;
    expect(parse([{ ...first, art15: 'item-1' }, ...rest])).toThrow(/^questions\[0\]\.art15: Invalid option/);
    expect(parse([{ ...first, art5: 'policyholder' }, ...rest])).toThrow(/^questions\[0\]: Unrecognized key: "art5"/);
  });

  test('a reason found when dialling that would not make a failed-callback order, or that a caller would report', () => {
    const reasons = (code: ReasonCode, change: object) => () =>
      parseOrThrow(transferReasonsConfigSchema, { reasons: { ...transferReasons.reasons, [code]: { ...transferReasons.reasons[code], ...change } } });
    expect(reasons('wrong-number', { ticketType: 'level-2' })).toThrow("reasons.wrong-number.ticketType: a reason found when dialling makes a 'failed-callback' ticket");
    expect(reasons('unreachable', { ticketType: 'level-1' })).toThrow('reasons.unreachable.ticketType:');
    expect(reasons('suspended', { reportedByCaller: true })).toThrow('reasons.suspended.reportedByCaller: a reason found when dialling is a call outcome');
    expect(reasons('wants-surrender', { reportedByCaller: 'yes' })).toThrow(/^reasons\.wants-surrender\.reportedByCaller: /);
  });
});
