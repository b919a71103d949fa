/**
 * Every case ends or escalates in time (issue 14), on the time-skipping server: the recording
 * reminded then the branch (and taken late); an agent who never replies does not hold the callback
 * past the last phone round; a letter's answers open tickets as a call's do; a level-2 reason
 * already in a ticket opens no second one; the branch is reminded until it closes an unresolved case.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Contract } from '../domain/contract';
import { fallbackConfigSchema } from '../domain/fallback';
import { localDateOf } from '../domain/local-time';
import { callbackWorkflowId } from '../workflows/messages';
import {
  aContractSignedDaysAgo,
  BRANCH,
  cleanAnswers,
  closedByBranch,
  completedCall,
  OPERATOR,
  openAttempt,
  routeTicket,
  storeRecording,
  waitForCall,
  waitForState,
  waitForTicket,
  workflowResult,
} from './helpers/drive';
import { pendingTimerFiresAt, skipTo, skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const settings = settingsWithCalendar(syntheticCalendar(localDateOf(new Date(await env.currentTimeMs()))));
  // The cap is not looked at here (fallback-and-waivers is): each letter is granted.
  const fallback = fallbackConfigSchema.parse({ ...settings.fallback, maxShare: 1 });
  h = await createHarness(env, keyring, { settings: { ...settings, fallback, tickets: { ...settings.tickets, maxFailedCallbackTickets: 1 } } });
});
afterAll(async () => {
  await stopServer(env);
});
beforeEach(() => skipToQuietTimeWithMargin(h));

const deadlines = () => h.settings.deadlines;
/** The callback's own notices about `policyNo` (its tickets send theirs too). */
const sentFor = (policyNo: string) => h.notifier.sent.filter((n) => n.policyNo === policyNo && !n.ticketId).map((n) => n.kind);
const firesAt = (policyNo: string) => eventually('the pending timer', () => pendingTimerFiresAt(h, callbackWorkflowId(policyNo)));

test('a recording never uploaded: the call center is reminded, then the case goes to the branch, which is reminded until the recording comes after all', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const report = completedCall(await waitForCall(h, p, 1));
    expect((await h.huifang.recordCallOutcome(p, report)).stage).toBe('AWAITING_RECORDING');
    const calledAt = await h.env.currentTimeMs();

    const remindAt = await firesAt(p);
    expect(remindAt.getTime() - calledAt).toBeGreaterThanOrEqual(deadlines().recording.remindAfterHours * HOUR - 60_000);
    await skipTo(h, new Date(remindAt.getTime() - 5 * 60_000));
    expect(sentFor(p)).toEqual([]);
    await skipTo(h, new Date(remindAt.getTime() + 60_000));
    await eventually('the reminder', async () => (sentFor(p).includes('recording-reminder') ? true : undefined));
    const reminded = await h.huifang.getCallbackState(p);
    expect(reminded).toMatchObject({ stage: 'AWAITING_RECORDING', reminders: [{ to: 'call center SH', about: 'recording not uploaded' }] });

    const escalateAt = await firesAt(p);
    expect(escalateAt.getTime() - calledAt).toBeGreaterThanOrEqual(deadlines().recording.escalateAfterHours * HOUR - 60_000);
    await skipTo(h, new Date(escalateAt.getTime() + 60_000));
    const unresolved = await waitForState(h, p, (s) => s.stage === 'UNRESOLVED', { what: 'the escalation' });
    expect(unresolved.escalation).toMatchObject({ to: 'branch', cause: 'recording', reason: `no recording uploaded within ${deadlines().recording.escalateAfterHours} h of the call` });
    expect(unresolved.closedAt).toBeUndefined();
    expect(sentFor(p)).toEqual(['recording-reminder', 'callback-escalated']);

    // The branch is reminded every branchReminderDays until something ends it.
    for (let n = 1; n <= 2; n++) {
      const reminderAt = await firesAt(p);
      expect(reminderAt.getTime() - Date.parse(unresolved.escalation!.at)).toBeGreaterThanOrEqual(n * deadlines().branchReminderDays * DAY - 60_000);
      await skipTo(h, new Date(reminderAt.getTime() + 60_000));
      await eventually(`branch reminder ${n}`, async () => (sentFor(p).filter((k) => k === 'branch-reminder').length === n ? true : undefined));
    }

    // The recording arrives after all: taken, and the callback completes.
    const stored = storeRecording(h, report.recordingRef!);
    const done = await h.huifang.uploadRecording(p, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
    expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'phone', closedAt: expect.any(String) });
    expect((await workflowResult(h, p)).stageHistory.map((s) => s.note)).toContain('recording: arrived after the escalation');
  });
});

test('an agent who never replies: the callback moves on to a letter when only the last phone round would still fit, while the ticket keeps its own escalation', async () => {
  const contract = await aContractSignedDaysAgo(h, 1, { policyholder: { name: '测试', phone: '13900000000', idNumber: '110101199003074514' } });
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const calling = await waitForCall(h, p, 1);
    await h.huifang.recordCallOutcome(p, { attemptId: openAttempt(calling).attemptId, outcome: 'wrong-number', operator: OPERATOR });
    const ticketId = await waitForTicket(h, p, 1);
    const waiting = await waitForState(h, p, (s) => s.stage === 'AWAITING_TICKET', { what: 'the ticket wait' });

    const movesOnAt = await firesAt(p);
    const phoneRoundFits = Date.parse(waiting.coolingOff!.endsAt) - h.settings.fallback.minHoursForPhoneRound * HOUR;
    const minimum = Date.parse(waiting.tickets[0].openedAt) + deadlines().minTicketWaitHours * HOUR;
    // The timer's own start is the server's clock a few milliseconds after the workflow's.
    expect(Math.abs(movesOnAt.getTime() - Math.max(phoneRoundFits, minimum))).toBeLessThan(1_000);
    await skipTo(h, new Date(movesOnAt.getTime() - 5 * 60_000));
    expect((await h.huifang.getCallbackState(p)).stage).toBe('AWAITING_TICKET');
    await skipTo(h, new Date(movesOnAt.getTime() + 60_000));

    const letter = await waitForState(h, p, (s) => s.stage === 'AWAITING_RECEIPT', { what: 'the letter' });
    expect(letter.fallback).toMatchObject({ kind: 'letter', granted: true, trigger: expect.stringMatching(new RegExp(`^no reply to ${ticketId} by `)) });
    expect(letter.unreachableReason).toBe('wrong-number');
    // The ticket is still out, overdue and escalated on its own clock.
    const ticket = await h.huifang.getTicketState(ticketId);
    expect(ticket).toMatchObject({ stage: 'AWAITING_DISPATCH' });
    expect((await h.huifang.temporal.workflow.getHandle(`ticket-${ticketId}`).describe()).status.name).toBe('RUNNING');
  });
});

/** No phone number on file, and the one the agent gives is not in service: a letter goes out. */
async function letterOut(): Promise<Contract> {
  const base = await aContractSignedDaysAgo(h, 1);
  const contract = { ...base, policyholder: { ...base.policyholder, phone: undefined } };
  await h.huifang.startCallback(contract);
  await routeTicket(h, await waitForTicket(h, contract.policyNo, 1), { correctedPhone: '13700009999' });
  const calling = await waitForCall(h, contract.policyNo, 1);
  await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(calling).attemptId, outcome: 'not-in-service', operator: OPERATOR });
  await waitForState(h, contract.policyNo, (s) => s.stage === 'AWAITING_RECEIPT', { what: 'the letter' });
  return contract;
}

async function enterReceipt(policyNo: string, answers: Record<string, 'yes' | 'no' | 'unclear'>) {
  const receiptRef = `receipts/${policyNo}/receipt.pdf`;
  await h.documents.save(receiptRef, Buffer.from(`%PDF-1.4 signed receipt ${policyNo}`));
  const signedAt = new Date(await h.env.currentTimeMs()).toISOString();
  return h.huifang.recordFallbackReceipt(policyNo, { receiptRef, signedBy: 'policyholder', signedAt, answers, actor: BRANCH });
}

test("a letter's receipt carries the questionnaire: incomplete answers are refused, a 'no' opens its ticket, and the letter completes only once that ticket is archived", async () => {
  await h.withWorker(async () => {
    const contract = await letterOut();
    const p = contract.policyNo;
    const all = cleanAnswers(await h.huifang.getCallbackState(p));
    const { 'contract-received': _, ...incomplete } = all;
    await expect(enterReceipt(p, incomplete)).rejects.toThrow(/answers missing for: contract-received/);

    const entered = await enterReceipt(p, { ...all, 'contract-received': 'no' });
    expect(entered.fallback?.receipt?.answers).toMatchObject({ 'contract-received': 'no' });
    const ticketId = await waitForTicket(h, p, 2);
    const open = await waitForState(h, p, (s) => s.stage === 'AWAITING_TICKET', { what: 'the level-2 ticket' });
    expect(open.tickets[1]).toMatchObject({ ticketId, type: 'level-2', reasons: ['contract-not-received'] });
    expect(open.closedAt).toBeUndefined();

    await routeTicket(h, ticketId, { actionTaken: '已补寄保险合同' }, true);
    expect(await workflowResult(h, p)).toMatchObject({ stage: 'COMPLETED', completedBy: 'letter', problems: [{ reason: 'contract-not-received', ticketType: 'level-2' }] });
  });
});

test("a letter answered 'not signed in person' never completes: a level-1 ticket, and the case goes to the branch", async () => {
  await h.withWorker(async () => {
    const contract = await letterOut();
    const p = contract.policyNo;
    await enterReceipt(p, { ...cleanAnswers(await h.huifang.getCallbackState(p)), 'signed-in-person': 'no' });
    const { unresolved, summary } = await closedByBranch(h, p, 'receipt-problems');
    expect(unresolved.tickets[1]).toMatchObject({ type: 'level-1', reasons: ['not-signed-by-policyholder'] });
    expect(summary.completedBy).toBeUndefined();
  });
});

test('a level-2 reason already open in a ticket opens no second ticket when the confirming call finds it again', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await h.huifang.recordCallOutcome(p, completedCall(await waitForCall(h, p, 1), { 'knows-coverage': 'no', 'signed-in-person': 'no' }));
    const state = await waitForState(h, p, (s) => s.tickets.length === 2, { what: 'both tickets' });
    expect(state.tickets.map((t) => [t.type, t.reasons])).toEqual([
      ['level-2', ['coverage-unclear']],
      ['level-1', ['not-signed-by-policyholder']],
    ]);
    await routeTicket(h, state.tickets[1].ticketId, { actionTaken: '已核实，投保人本人签名' });
    const confirming = await waitForCall(h, p, 2);
    const ack = await h.huifang.recordCallOutcome(p, completedCall(confirming, { 'knows-coverage': 'no' }));
    expect(ack.stage).toBe('PROBLEM_FOUND');
    const after = await waitForState(h, p, (s) => s.stage === 'AWAITING_RECORDING', { what: 'the recording stage' });
    expect(after.tickets).toHaveLength(2);
  });
});
