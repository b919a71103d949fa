/**
 * Letter and on-site callbacks once granted (README "Letter and on-site callbacks, waivers"): an
 * on-site visit (上门回访) where the region allows visits but not letters, or prefers visits; its task
 * document, the tier-4 office's notice, the signed receipt and the month's on-site register rebuilt
 * from the projection; and the receipt wait, `receiptWaitDays`, on the time-skipping server: a
 * receipt entered just before it ends completes the callback, none by then sends the case to the
 * branch with the failure kept in the policy's state.
 *
 * The office cap is not what this file looks at (fallback-and-waivers.test.ts is): maxShare is 1 here,
 * so each office's first fallbacks are granted without a crowd of ordinary policies around them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fallbackRegisterPath } from '../stores/document-paths';
import { localDateOf, localMonthOf } from '../domain/local-time';
import type { Contract } from '../domain/contract';
import { fallbackConfigSchema } from '../domain/fallback';
import type { Actor } from '../domain/ticket';
import { callbackWorkflowId } from '../workflows/messages';
import { advanceTo } from './helpers/clock';
import { AGENT, aContractSignedDaysAgo, cleanAnswers, TIER3, waitForState, waitForTicket, workflowResult } from './helpers/drive';
import { keepClearOfMonthEnd, pendingTimerFiresAt, skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { xlsxRows } from './helpers/xlsx';

let env: TestWorkflowEnvironment;
let h: TestHarness;

/** Test regions, under config/fallback.json's rules (longest prefix wins, allowed kinds in order of preference). */
const VISITS_ONLY = '320506'; // prefix 3205: on-site only, inside 32 which forbids both
const VISITS_PREFERRED = '330106'; // prefix 3301: on-site first, letter second
const DEFAULT_REGION = '310000'; // no rule: the shipped default, letter first
/** What sends these policies to the fallback: the agent's number came back too late for another phone round. */
const NO_TIME_LEFT = 'the cooling-off period ends within 720 h: no time for another phone round';

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  const settings = settingsWithCalendar(syntheticCalendar(today));
  const fallback = fallbackConfigSchema.parse({
    ...settings.fallback,
    maxShare: 1,
    // No second phone round after the failed-callback ticket: straight to the fallback.
    minHoursForPhoneRound: 24 * 30,
    regions: [
      ...settings.fallback.regions,
      { regionPrefix: '32', allowed: [], authority: 'test: phone only' },
      { regionPrefix: '3205', allowed: ['onsite'], authority: 'test: visits, no letters' },
      { regionPrefix: '3301', allowed: ['onsite', 'letter'], authority: 'test: visits preferred' },
    ],
  });
  h = await createHarness(env, keyring, { settings: { ...settings, tickets: { ...settings.tickets, maxFailedCallbackTickets: 1 }, fallback } });
});
afterAll(async () => {
  await stopServer(env);
});

const BRANCH_CC: Actor = { role: 'branch', id: 'CC-SH-01', office: 'SH' };
const tier4Of = (office: string): Actor => ({ role: 'tier4', id: 'T4-ZHAO', office });

/** A policy of `office` in `regionCode` with no phone number on file: the branch cannot call it at all. */
async function unreachablePolicy(office: string, regionCode: string): Promise<Contract> {
  const base = await aContractSignedDaysAgo(h, 1, { regionCode });
  return { ...base, org: { ...base.org, tier4Office: office }, policyholder: { ...base.policyholder, phone: undefined } };
}

/** Starts the callback, answers its failed-callback ticket, and waits for the letter or visit to go out. */
async function untilAwaitingReceipt(contract: Contract) {
  await h.huifang.startCallback(contract);
  const ticketId = await waitForTicket(h, contract.policyNo, 1);
  await h.huifang.advanceTicket(ticketId, { step: 'dispatch', actor: TIER3 });
  await h.huifang.advanceTicket(ticketId, { step: 'hand-to-agent', actor: tier4Of(contract.org.tier4Office) });
  await h.huifang.advanceTicket(ticketId, { step: 'reply', actor: AGENT, correctedPhone: '13700002222' });
  return waitForState(h, contract.policyNo, (s) => s.stage === 'AWAITING_RECEIPT' || s.closedAt !== undefined, { what: 'the letter or visit' });
}

async function receiptFor(policyNo: string) {
  const receiptRef = `receipts/${policyNo}/receipt.pdf`;
  await h.documents.save(receiptRef, Buffer.from(`%PDF-1.4 signed receipt ${policyNo}`));
  // The printed questionnaire, ticked 'yes' throughout.
  const answers = cleanAnswers(await h.huifang.getCallbackState(policyNo));
  return { receiptRef, signedBy: 'policyholder' as const, signedAt: new Date(await env.currentTimeMs()).toISOString(), answers };
}

/** When the receipt wait ends: its timer is started once the notice has gone out. */
const receiptDueAt = (policyNo: string) => eventually('the receipt timer', () => pendingTimerFiresAt(h, callbackWorkflowId(policyNo)));

/** The callback's own notices about `policyNo` (its tickets send theirs too). */
const sentFor = (policyNo: string) => h.notifier.sent.filter((n) => n.policyNo === policyNo && !n.ticketId).map((n) => ({ kind: n.kind, to: n.to }));

test('on-site visits where letters are not allowed or visits come first: the task for the tier-4 office, the signed receipt completes it, the month register is rebuilt with each', async () => {
  const office = 'JS-SZ-02';
  await h.withWorker(async () => {
    // Both visits must fall in one office-month, and start before a slot could open.
    await keepClearOfMonthEnd(h);
    await skipToQuietTimeWithMargin(h);
    const onlyVisits = await unreachablePolicy(office, VISITS_ONLY);
    const visitsFirst = await unreachablePolicy(office, VISITS_PREFERRED);

    let month = '';
    for (const [n, contract] of [onlyVisits, visitsFirst].entries()) {
      const p = contract.policyNo;
      const out = await untilAwaitingReceipt(contract);
      expect(out.stage).toBe('AWAITING_RECEIPT');
      expect(out.fallback).toMatchObject({ kind: 'onsite', granted: true, documentRef: `visits/${p}.html`, trigger: NO_TIME_LEFT });
      expect(out.fallback!.receipt).toBeUndefined();
      month ||= localMonthOf(new Date(out.fallback!.requestedAt), h.settings.timeZone);
      expect(localMonthOf(new Date(out.fallback!.requestedAt), h.settings.timeZone)).toBe(month);

      // The visit task (上门回访任务单) in output/visits/, with the questionnaire; no letter.
      const visit = (await h.documents.read(`visits/${p}.html`)).toString('utf8');
      expect(visit).toContain('<h1>上门回访任务单</h1>');
      expect(visit).toContain(`四级机构 ${office} 工作人员`);
      for (const q of out.questions!) expect(visit).toContain(q.text.replace(/&/g, '&amp;'));
      await expect(h.documents.read(`letters/${p}.html`)).rejects.toThrow();
      // The tier-4 office is told to make the visit (a letter would go to the branch).
      await eventually('the visit notice', async () => (sentFor(p).length ? true : undefined));
      expect(sentFor(p)).toEqual([{ kind: 'fallback-task', to: { role: 'tier4', code: office } }]);

      // The receipt: entered by this policy's tier-4 office, not another's.
      const receipt = await receiptFor(p);
      await expect(h.huifang.recordFallbackReceipt(p, { ...receipt, actor: tier4Of('JS-SZ-09') })).rejects.toThrow(/office JS-SZ-09 is not the tier-4 office of this policy/);
      await h.huifang.recordFallbackReceipt(p, { ...receipt, actor: tier4Of(office) });
      const done = await workflowResult(h, p);
      expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'onsite', fallback: { kind: 'onsite', receipt: { reference: receipt.receiptRef, signedBy: 'policyholder' } } });
      expect(done.closedAt).toEqual(expect.any(String));
      expect(done.escalation).toBeUndefined();
      expect(await h.evidence.getCallback(p)).toMatchObject({ stage: 'COMPLETED', completedBy: 'onsite', closedAt: done.closedAt });

      // The month's on-site register, rebuilt from the projection: every visit of the month so far.
      const rows = await xlsxRows(await h.documents.read(fallbackRegisterPath(office, month, 'onsite')));
      expect(rows[0][0]).toBe(`《上门回访记录》　四级机构：${office}　月份：${month}　共 ${n + 1} 件`);
      expect(rows.slice(2).map((r) => [r[1], r[6], r[7]])).toEqual(
        [onlyVisits, visitsFirst].slice(0, n + 1).map((c) => [c.policyNo, `visits/${c.policyNo}.html`, `receipts/${c.policyNo}/receipt.pdf`]),
      );
    }
    await expect(h.documents.read(fallbackRegisterPath(office, month, 'letter'))).rejects.toThrow();
  });
});

test('a letter whose receipt comes just before receiptWaitDays run out completes the callback; no escalation', async () => {
  const contract = await unreachablePolicy('SH-PD-11', DEFAULT_REGION);
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await skipToQuietTimeWithMargin(h);
    const out = await untilAwaitingReceipt(contract);
    expect(out.fallback).toMatchObject({ kind: 'letter', granted: true, documentRef: `letters/${p}.html` });
    const dueAt = await receiptDueAt(p);
    // The wait is the configured one, counted from the letter going out (and the branch's notice):
    // its timer started after the stage moved, and before the test read it.
    const startedAt = dueAt.getTime() - h.settings.fallback.receiptWaitDays * 86_400_000;
    expect(startedAt).toBeGreaterThanOrEqual(Date.parse(out.stageHistory.at(-1)!.at));
    expect(startedAt).toBeLessThanOrEqual(await env.currentTimeMs());

    await advanceTo(env, new Date(dueAt.getTime() - 5 * 60_000));
    const late = await h.huifang.getCallbackState(p);
    expect(late).toMatchObject({ stage: 'AWAITING_RECEIPT' });
    expect(late.escalation).toBeUndefined();

    const receipt = await receiptFor(p);
    await h.huifang.recordFallbackReceipt(p, { ...receipt, actor: BRANCH_CC });
    const done = await workflowResult(h, p);
    expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'letter', fallback: { receipt: { reference: receipt.receiptRef } } });
    expect(done.escalation).toBeUndefined();
    expect(Date.parse(done.closedAt!)).toBeLessThan(dueAt.getTime());
    // The workflow has closed: nothing else can be sent for this policy.
    expect(sentFor(p)).toEqual([{ kind: 'fallback-task', to: { role: 'branch', code: 'SH' } }]);
  });
});

test('a letter whose receipt is late: after receiptWaitDays the case goes to the branch, the failure kept in the state', async () => {
  const contract = await unreachablePolicy('SH-PD-12', DEFAULT_REGION);
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await skipToQuietTimeWithMargin(h);
    const out = await untilAwaitingReceipt(contract);
    expect(out.fallback).toMatchObject({ kind: 'letter', granted: true, documentRef: `letters/${p}.html` });
    const dueAt = await receiptDueAt(p);

    // A moment before the end of the wait: still waiting, nothing sent to the branch but the letter.
    await advanceTo(env, new Date(dueAt.getTime() - 5 * 60_000));
    expect(await h.huifang.getCallbackState(p)).toMatchObject({ stage: 'AWAITING_RECEIPT' });
    expect(sentFor(p)).toEqual([{ kind: 'fallback-task', to: { role: 'branch', code: 'SH' } }]);

    await advanceTo(env, new Date(dueAt.getTime() + 60_000));
    const summary = await waitForState(h, p, (s) => s.stage === 'UNRESOLVED', { what: 'the escalation' });
    const reason = `no signed receipt within ${h.settings.fallback.receiptWaitDays} days of the letter callback`;
    expect(summary).toMatchObject({
      stage: 'UNRESOLVED',
      unreachableReason: 'no-number',
      escalation: { to: 'branch', reason, cause: 'receipt' },
      fallback: { kind: 'letter', granted: true, trigger: NO_TIME_LEFT, documentRef: `letters/${p}.html`, shareAtDecision: { fallbacks: 1, callbacks: 1, cap: 1 } },
      tickets: [{ type: 'failed-callback', reasons: ['no-number'], closedAt: expect.any(String) }],
    });
    expect(summary.fallback!.receipt).toBeUndefined();
    expect(summary.completedBy).toBeUndefined();
    expect(Date.parse(summary.escalation!.at)).toBeGreaterThanOrEqual(dueAt.getTime());
    // Not before the configured wait had passed since the letter went out.
    expect(Date.parse(summary.escalation!.at) - Date.parse(out.stageHistory.at(-1)!.at)).toBeGreaterThanOrEqual(h.settings.fallback.receiptWaitDays * 86_400_000);
    expect(summary.stageHistory.slice(-2)).toEqual([
      expect.objectContaining({ stage: 'AWAITING_RECEIPT', note: `letter letters/${p}.html` }),
      expect.objectContaining({ stage: 'UNRESOLVED', note: `for branch SH: ${reason}` }),
    ]);
    // Not closed: with the branch until it decides, or the receipt comes after all.
    expect(summary.closedAt).toBeUndefined();
    expect(sentFor(p)).toEqual([
      { kind: 'fallback-task', to: { role: 'branch', code: 'SH' } },
      { kind: 'callback-escalated', to: { role: 'branch', code: 'SH' } },
    ]);
    expect(h.notifier.sent.find((n) => n.policyNo === p && n.kind === 'callback-escalated')!.subject).toContain(reason);
    expect(await h.evidence.getCallback(p)).toMatchObject({ stage: 'UNRESOLVED', fallback: { granted: true, kind: 'letter' } });
    // The receipt comes after all: taken, late, and the letter completes the callback.
    await h.huifang.recordFallbackReceipt(p, { ...(await receiptFor(p)), actor: BRANCH_CC });
    const done = await workflowResult(h, p);
    expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'letter', escalation: { cause: 'receipt' }, closedAt: expect.any(String) });
    expect(done.stageHistory.map((s) => s.note)).toContain('receipt: arrived after the escalation');
  });
});
