/**
 * When phone cannot do it: a letter or on-site callback where the region allows it and the office's
 * monthly share stays under the cap, else the branch; and waivers (免回访) reported by the tier-4
 * office or the agent and decided by the tier-3 handler. End to end on the time-skipping server, with
 * the projection, the documents and the office quota workflow all real.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addCalendarDays, localDateOf, localMonthOf } from '../domain/local-time';
import { fallbackRegisterPath } from '../stores/document-paths';
import type { Contract } from '../domain/contract';
import type { Actor } from '../domain/ticket';
import { reasonLabelsOf } from '../documents/format';
import { testApiUsers } from './helpers/api-users';
import { buildApi } from '../api/server';
import type { ComplianceFigures } from '../domain/compliance';
import {
  AGENT,
  aContractSignedDaysAgo,
  cleanAnswers,
  closedByBranch,
  completedCall,
  driveCleanCall,
  driveRefusal,
  openAttempt,
  OPERATOR,
  RecordingCallCenter,
  terminateWhenIdle,
  TIER3,
  waitForCall,
  waitForState,
  waitForTicket,
  workflowResult,
} from './helpers/drive';
import { keepClearOfMonthEnd, skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { xlsxRows } from './helpers/xlsx';
import { aContract } from './helpers/contracts';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const dialler = new RecordingCallCenter();

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  const settings = settingsWithCalendar(syntheticCalendar(today));
  h = await createHarness(env, keyring, {
    // One corrected number, and no second phone round this close to the cooling-off end: after the
    // failed-callback ticket the policy goes straight to the fallback, which is what these tests look at.
    settings: {
      ...settings,
      tickets: { ...settings.tickets, maxFailedCallbackTickets: 1 },
      fallback: { ...settings.fallback, minHoursForPhoneRound: 24 * 30 },
    },
    callCenter: dialler,
  });
});
afterAll(async () => {
  await stopServer(env);
});

beforeEach(() => skipToQuietTimeWithMargin(h));

const BRANCH_CC: Actor = { role: 'branch', id: 'CC-SH-01', office: 'SH' };
const tier4Of = (office: string): Actor => ({ role: 'tier4', id: 'T4-ZHAO', office });

/** A policy with no phone number on file, in `office`: the branch cannot call it at all. */
async function unreachablePolicy(office: string, overrides: Partial<Contract> = {}): Promise<Contract> {
  const base = await aContractSignedDaysAgo(h, 1, overrides);
  return { ...base, org: { ...base.org, tier4Office: office }, policyholder: { ...base.policyholder, phone: undefined } };
}

/** The failed-callback ticket goes round; the agent's number comes back too late for another round. */
async function answerFailedCallbackTicket(contract: Contract): Promise<void> {
  const ticketId = await waitForTicket(h, contract.policyNo, 1);
  const office = contract.org.tier4Office;
  await h.huifang.advanceTicket(ticketId, { step: 'dispatch', actor: TIER3 });
  await h.huifang.advanceTicket(ticketId, { step: 'hand-to-agent', actor: tier4Of(office) });
  await h.huifang.advanceTicket(ticketId, { step: 'reply', actor: AGENT, correctedPhone: '13700002222' });
}

/** Policies of `office` that need a call and sit waiting for it: the cap's denominator. */
async function ordinaryPolicies(office: string, n: number): Promise<Contract[]> {
  const contracts: Contract[] = [];
  for (let i = 0; i < n; i++) {
    const base = await aContractSignedDaysAgo(h, 1);
    const contract = { ...base, org: { ...base.org, tier4Office: office } };
    await h.huifang.startCallback(contract);
    contracts.push(contract);
  }
  for (const c of contracts) await waitForState(h, c.policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
  return contracts;
}

async function saveScan(path: string): Promise<string> {
  await h.documents.save(path, Buffer.from(`%PDF-1.4 scanned ${path}`));
  return path;
}


test('fallback under the cap: a letter with the questionnaire, the signed receipt closes it, the register lists it; the next one would pass 15% and goes to the branch', async () => {
  const office = 'SH-PD-05';
  await h.withWorker(async () => {
    // The cap is per office-month: all eight callbacks must start in the same month.
    await keepClearOfMonthEnd(h);
    await skipToQuietTimeWithMargin(h);
    const first = await unreachablePolicy(office);
    const second = await unreachablePolicy(office);
    const waiting = await ordinaryPolicies(office, 6);
    // 1 letter of 7 callbacks (14.3%) fits under the cap.
    await h.huifang.startCallback(first);
    await answerFailedCallbackTicket(first);
    const out = await waitForState(h, first.policyNo, (s) => s.stage === 'AWAITING_RECEIPT', { what: 'the letter' });
    expect(out.fallback).toMatchObject({ kind: 'letter', granted: true, documentRef: `letters/${first.policyNo}.html`, shareAtDecision: { fallbacks: 1, callbacks: 7, cap: 0.15 } });
    const letter = (await h.documents.read(out.fallback!.documentRef!)).toString('utf8');
    expect(letter).toContain('信函回访函');
    for (const q of out.questions!) expect(letter).toContain(q.text.replace(/&/g, '&amp;'));
    expect(h.notifier.sent).toContainEqual(expect.objectContaining({ kind: 'fallback-task', to: { role: 'branch', code: 'SH' }, policyNo: first.policyNo }));

    // The receipt: only the branch (letters) or the tier-4 office (visits), and only once it is uploaded.
    const receipt = { receiptRef: `receipts/${first.policyNo}/receipt.pdf`, signedBy: 'policyholder' as const, signedAt: new Date(await env.currentTimeMs()).toISOString(), answers: cleanAnswers(out) };
    await expect(h.huifang.recordFallbackReceipt(first.policyNo, { ...receipt, actor: AGENT })).rejects.toThrow(/entered by the branch or the tier-4 office, not agent/);
    await expect(h.huifang.recordFallbackReceipt(first.policyNo, { ...receipt, actor: BRANCH_CC })).rejects.toThrow(/not in the document store/);
    await saveScan(receipt.receiptRef);
    await h.huifang.recordFallbackReceipt(first.policyNo, { ...receipt, actor: BRANCH_CC });
    const done = await workflowResult(h, first.policyNo);
    expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'letter', fallback: { receipt: { reference: receipt.receiptRef, signedBy: 'policyholder' } } });
    expect(done.closedAt).toEqual(expect.any(String));

    const month = localMonthOf(new Date(done.fallback!.requestedAt), h.settings.timeZone);
    const rows = await xlsxRows(await h.documents.read(fallbackRegisterPath(office, month, 'letter')));
    expect(rows[0][0]).toContain('信函回访记录');
    expect(rows.slice(2).map((r) => [r[1], r[7]])).toEqual([[first.policyNo, receipt.receiptRef]]);
    expect(await h.evidence.getCallback(first.policyNo)).toMatchObject({ stage: 'COMPLETED', completedBy: 'letter', required: true });

    // 2 of 8 (25%) would pass the cap: refused, escalated to the branch, nothing silently exceeded.
    await h.huifang.startCallback(second);
    await answerFailedCallbackTicket(second);
    // With the branch (UNRESOLVED) until it closes the case with its decision.
    const { unresolved: refused } = await closedByBranch(h, second.policyNo, 'fallback-refused');
    expect(refused.unreachableReason).toBe('no-number');
    expect(refused.fallback).toMatchObject({ kind: 'letter', granted: false, shareAtDecision: { fallbacks: 1, callbacks: 8 } });
    expect(refused.fallback!.refusal).toMatch(/2 letter\/on-site callbacks of 8 .*25\.0%.*above the cap of 15%/);
    expect(refused.escalation).toMatchObject({ to: 'branch', reason: refused.fallback!.refusal });
    expect(h.notifier.sent).toContainEqual(expect.objectContaining({ kind: 'callback-escalated', to: { role: 'branch', code: 'SH' }, policyNo: second.policyNo }));
    expect(await h.huifang.fallbackQuota(office, month)).toMatchObject({ fallbacks: 1, callbacks: 8, maxShare: 0.15, granted: [{ policyNo: first.policyNo, kind: 'letter' }] });

    for (const c of waiting) await terminateWhenIdle(h, c.policyNo);
  }, dialler);
});

test('a region that forbids letter and on-site callbacks: the case goes to the branch with every failure on record', async () => {
  // config/fallback.json forbids both under region prefix 44.
  const contract = await unreachablePolicy('GD-SZ-01', { regionCode: '440300' });
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await answerFailedCallbackTicket(contract);
    const { summary } = await closedByBranch(h, contract.policyNo, 'fallback-refused');
    expect(summary).toMatchObject({ stage: 'CLOSED_BY_BRANCH', unreachableReason: 'no-number', fallback: { granted: false }, escalation: { to: 'branch', cause: 'fallback-refused' } });
    expect(summary.fallback!.refusal).toMatch(/region 440300 \(region 44 .*\) allows neither letter nor on-site callbacks/);
    expect(summary.tickets).toEqual([expect.objectContaining({ type: 'failed-callback', reasons: ['no-number'], closedAt: expect.any(String) })]);
    expect(summary.stageHistory.map((s) => s.stage)).toEqual(['ASSESSING', 'UNREACHABLE', 'AWAITING_TICKET', 'UNREACHABLE', 'UNRESOLVED', 'CLOSED_BY_BRANCH']);
    expect(await h.evidence.getCallback(contract.policyNo)).toMatchObject({ stage: 'CLOSED_BY_BRANCH', fallback: { granted: false }, closedAt: expect.any(String) });
  }, dialler);
});

test('waivers: checked reporter, statement and decider; a rejection keeps the calls going; an acceptance closes the policy as waived', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const { policyNo } = contract;
  const statementRef = `statements/${policyNo}/waiver.pdf`;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForState(h, policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });

    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).rejects.toThrow(/not in the document store; upload it first/);
    await saveScan(statementRef);
    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: { role: 'agent', id: 'A99999' } })).rejects.toThrow(/agent A99999 is not the agent of this policy/);
    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: TIER3 })).rejects.toThrow(/reported by the tier-4 office or the agent/);
    const reported = await h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT, note: '客户本人手写声明' });
    expect(reported.waiver).toMatchObject({ statementRef, reportedBy: AGENT });
    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).rejects.toThrow(/is waiting for the tier-3 handler/);

    await expect(h.huifang.decideWaiver(policyNo, { accepted: true, actor: tier4Of('SH-PD-03') })).rejects.toThrow(/accepted or rejected by the tier-3 handler/);
    await expect(h.huifang.decideWaiver(policyNo, { accepted: false, actor: TIER3 })).rejects.toThrow(/reason: a rejection must give a reason/);
    const rejected = await h.huifang.decideWaiver(policyNo, { accepted: false, actor: TIER3, reason: '声明非投保人亲笔签名' });
    expect(rejected).toMatchObject({ stage: 'AWAITING_CALL', waiver: { decision: { accepted: false, reason: '声明非投保人亲笔签名' } } });
    expect(await h.evidence.getCallback(policyNo)).toMatchObject({ waiver: { decision: { accepted: false } } });

    const again = `statements/${policyNo}/waiver-2.pdf`;
    await saveScan(again);
    await h.huifang.reportWaiver(policyNo, { statementRef: again, actor: tier4Of('SH-PD-03') });
    const accepted = await h.huifang.decideWaiver(policyNo, { accepted: true, actor: TIER3 });
    expect(accepted.stage).toBe('WAIVED');

    const summary = await workflowResult(h, policyNo);
    expect(summary).toMatchObject({ stage: 'WAIVED', attempts: [], waiver: { statementRef: again, decision: { accepted: true, by: TIER3 } } });
    expect(summary.rejectedWaivers).toEqual([expect.objectContaining({ statementRef, decision: expect.objectContaining({ accepted: false }) })]);
    expect(dialler.tasks.filter((t) => t.policyNo === policyNo)).toEqual([]);
    expect(await h.evidence.getCallback(policyNo)).toMatchObject({ stage: 'WAIVED', closedAt: expect.any(String), waiver: { decision: { accepted: true } } });
    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).rejects.toThrow(/is closed/);
  }, dialler);
});

test("a waiver citing anything but the policy's own scanned statement is refused at once, and a later genuine one is still taken", async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const other = aContract();
  const { policyNo } = contract;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForState(h, policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
    const othersStatement = await saveScan(`statements/${other.policyNo}/waiver.pdf`);
    await h.documents.save('orders/T-1.html', '<html>转办单</html>');
    await h.documents.save(`statements/${policyNo}/fake.png`, '<html>not a scan</html>');
    await h.documents.save(`statements/${policyNo}/folder.pdf/inner.pdf`, Buffer.from('%PDF-1.4'));
    const cases: [string, RegExp][] = [
      [othersStatement, /statementRef: must be a document uploaded for policy/],
      ['orders/T-1.html', /statementRef: must be a document uploaded for policy/],
      ['orders', /statementRef: must be a document uploaded for policy/],
      [`receipts/${policyNo}/receipt.pdf`, /statementRef: must be a document uploaded for policy/],
      [`statements/${policyNo}/fake.png`, /the content is not a PDF, JPEG or PNG file/],
      [`statements/${policyNo}/folder.pdf`, /is a folder, not a document/],
      [`statements/${policyNo}/missing.pdf`, /not in the document store/],
    ];
    for (const [statementRef, why] of cases) {
      const started = Date.now();
      await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).rejects.toThrow(why);
      // A definite "no" at once: never retried for minutes while later reports wait behind it.
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    expect((await h.huifang.getCallbackState(policyNo)).waiver).toBeUndefined();
    const own = await saveScan(`statements/${policyNo}/waiver.pdf`);
    await expect(h.huifang.reportWaiver(policyNo, { statementRef: own, actor: AGENT })).resolves.toMatchObject({ waiver: { statementRef: own } });
  }, dialler);
});

test('with the document store down, a waiver report fails within seconds saying so, and goes through once the store is back', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const { policyNo } = contract;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForState(h, policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
    const statementRef = await saveScan(`statements/${policyNo}/waiver.pdf`);
    const down = jest.spyOn(h.documents, 'read').mockRejectedValue(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    try {
      const started = Date.now();
      await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).rejects.toThrow(/EIO: i\/o error/);
      // Bounded retries: the reporter hears within seconds, not minutes, and nothing is held.
      expect(Date.now() - started).toBeLessThan(25_000);
    } finally {
      down.mockRestore();
    }
    await expect(h.huifang.reportWaiver(policyNo, { statementRef, actor: AGENT })).resolves.toMatchObject({ waiver: { statementRef } });
  }, dialler);
}, 60_000);

test('a waiver accepted while a failed-callback ticket is out cancels the ticket; after a completed call no waiver is taken', async () => {
  const unreachable = await unreachablePolicy('SH-PD-03');
  const called = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(unreachable);
    const ticketId = await waitForTicket(h, unreachable.policyNo, 1);
    const statementRef = await saveScan(`statements/${unreachable.policyNo}/waiver.pdf`);
    await h.huifang.reportWaiver(unreachable.policyNo, { statementRef, actor: AGENT });
    await h.huifang.decideWaiver(unreachable.policyNo, { accepted: true, actor: TIER3 });
    expect(await workflowResult(h, unreachable.policyNo)).toMatchObject({ stage: 'WAIVED' });
    const ticket = await h.huifang.temporal.workflow.getHandle(`ticket-${ticketId}`).describe();
    expect(ticket.status.name).toBe('CANCELLED');

    await h.huifang.startCallback(called);
    const calling = await waitForCall(h, called.policyNo, 1);
    await h.huifang.recordCallOutcome(called.policyNo, completedCall(calling));
    const scan = await saveScan(`statements/${called.policyNo}/waiver.pdf`);
    await expect(h.huifang.reportWaiver(called.policyNo, { statementRef: scan, actor: AGENT })).rejects.toThrow(/already called successfully/);
    await terminateWhenIdle(h, called.policyNo);
  }, dialler);
});

test('compliance figures through the API, from the rows these workflows wrote: the cap office, the forbidding region, and a small mix', async () => {
  const office = 'SH-PD-07';
  const inOffice = async () => {
    const base = await aContractSignedDaysAgo(h, 1);
    return { ...base, org: { ...base.org, tier4Office: office } };
  };
  const [clean, awaitingRecording, refused, waived] = [await inOffice(), await inOffice(), await inOffice(), await inOffice()];
  await h.withWorker(async () => {
    await driveCleanCall(h, clean);
    await h.huifang.startCallback(awaitingRecording);
    await h.huifang.recordCallOutcome(awaitingRecording.policyNo, completedCall(await waitForCall(h, awaitingRecording.policyNo, 1)));
    await driveRefusal(h, refused);
    await h.huifang.startCallback(waived);
    await waitForState(h, waived.policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
    await h.huifang.reportWaiver(waived.policyNo, { statementRef: await saveScan(`statements/${waived.policyNo}/waiver.pdf`), actor: AGENT });
    await h.huifang.decideWaiver(waived.policyNo, { accepted: true, actor: TIER3 });
    await workflowResult(h, waived.policyNo);
    await workflowResult(h, refused.policyNo);
    // The call is done while the recording is awaited: the row says so already.
    expect(await h.evidence.getCallback(awaitingRecording.policyNo)).toMatchObject({ stage: 'AWAITING_RECORDING', completedCallAt: expect.any(String) });
    await terminateWhenIdle(h, awaitingRecording.policyNo);
  }, dialler);

  const users = await testApiUsers();
  const api = buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare } });
  try {
    // Every receipt in these tests was signed within days of the server's clock: a wide period holds them all.
    const today = localDateOf(new Date(await env.currentTimeMs()));
    const figures = async (code: string): Promise<ComplianceFigures> => {
      const res = await api.inject({ method: 'GET', url: `/v1/compliance/${code}?from=${addCalendarDays(today, -60)}&to=${addCalendarDays(today, 60)}`, headers: users.headers('ops') });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    expect(await figures(office)).toMatchObject({
      level: 'tier4Office',
      policies: 4,
      needingCallback: 4,
      // Successful phone callbacks only: the clean call; the call awaiting its recording is not one yet.
      calledInCoolingOff: { count: 1, of: 4, rate: 0.25 },
      completed: { total: 1, byPhone: 1, byECallback: 0, byLetter: 0, byOnsite: 0 },
      exclusions: { waived: 1, refused: 1 },
      successRate: { count: 1, of: 2, rate: 0.5 },
      open: 1,
      unsuccessful: 0,
      fallback: { count: 0, of: 4 },
      tickets: { opened: 0 },
    });
    // The first test's office: 6 waiting, 1 letter completed, 1 refused by the cap; a failed-callback ticket each, replied at once.
    expect(await figures('SH-PD-05')).toMatchObject({
      policies: 8,
      needingCallback: 8,
      completed: { total: 1, byLetter: 1 },
      successRate: { count: 1, of: 8 },
      open: 6,
      unsuccessful: 1,
      fallback: { count: 1, of: 8, rate: 1 / 8, letter: 1, refused: 1, cap: 0.15, withinCap: true },
      tickets: { opened: 2, byType: { 'failed-callback': 2, 'level-1': 0, 'level-2': 0 }, repliedOnTime: { count: 2, of: 2 }, overdue: 0 },
    });
    expect(await figures('GD-SZ-01')).toMatchObject({ policies: 1, unsuccessful: 1, fallback: { count: 0, refused: 1 }, tickets: { opened: 1 } });

    // The month's letter register of the cap office, built from the same rows: the one letter, with its receipt.
    const [letter] = (await h.evidence.listCallbacks({ tier4Office: 'SH-PD-05' })).filter((r) => r.fallback?.granted);
    const month = localMonthOf(new Date(letter.fallback!.requestedAt), h.settings.timeZone);
    const register = await api.inject({ method: 'GET', url: `/v1/fallback-registers/SH-PD-05/${month}/letter.xlsx`, headers: users.headers('ops') });
    expect(register.statusCode).toBe(200);
    expect(register.headers['content-disposition']).toBe(`attachment; filename="letter-register-SH-PD-05-${month}.xlsx"`);
    const rows = await xlsxRows(register.rawPayload);
    expect(rows[0][0]).toBe(`《信函回访记录》　四级机构：SH-PD-05　月份：${month}　共 1 件`);
    expect(rows.slice(2).map((r) => [r[1], r[7], r[8]])).toEqual([[letter.policyNo, letter.fallback!.receipt!.reference, '投保人']]);
    expect((await api.inject({ method: 'GET', url: `/v1/fallback-registers/SH-PD-05/${month}/fax`, headers: users.headers('ops') })).json().fields).toEqual([{ field: 'kind', message: expect.any(String) }]);
  } finally {
    await api.close();
  }
});
