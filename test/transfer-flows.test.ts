/**
 * The three transfer flows of the deck, end to end on the time-skipping server: the callback
 * workflow opens the ticket, the ticket goes tier-3 → tier-4 → agent and back, and the branch calls
 * again; each loop included (a corrected number that fails again, a level-1 reply the customer does
 * not confirm), and a level-2 ticket that must be archived before the policy closes.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CallbackState } from '../domain/callback-state';
import { localDateOf } from '../domain/local-time';
import {
  aContractSignedDaysAgo,
  closedByBranch,
  completedCall,
  isIdle,
  OPERATOR,
  openAttempt,
  RecordingCallCenter,
  routeTicket as routeTicketOf,
  waitForTicket as waitForTicketOf,
  storeRecording,
  waitForCall,
  waitForState,
  workflowResult,
} from './helpers/drive';
import { callbackWorkflowId } from '../workflows/messages';
import { ticketIdFor } from '../workflows/open-ticket';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import { eventually } from './helpers/eventually';
import { skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const dialler = new RecordingCallCenter();


beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  const settings = settingsWithCalendar(syntheticCalendar(today));
  // Two corrected numbers and two level-1 rounds are enough to see each loop end.
  h = await createHarness(env, keyring, {
    settings: { ...settings, tickets: { ...settings.tickets, maxFailedCallbackTickets: 2, maxLevel1Tickets: 2 } },
    callCenter: dialler,
  });
});
afterAll(async () => {
  await stopServer(env);
});

beforeEach(() => skipToQuietTimeWithMargin(h));

const waitForTicket = (policyNo: string, n: number) => waitForTicketOf(h, policyNo, n);
const routeTicket = (...args: Parameters<typeof routeTicketOf> extends [unknown, ...infer R] ? R : never) => routeTicketOf(h, ...args);

async function answerCall(policyNo: string, attemptNo: number, answers: Record<string, 'yes' | 'no'> = {}): Promise<CallbackState> {
  const calling = await waitForCall(h, policyNo, attemptNo);
  await h.huifang.recordCallOutcome(policyNo, completedCall(calling, answers));
  return calling;
}

async function uploadRecording(policyNo: string, attemptNo: number): Promise<void> {
  const stored = storeRecording(h, `recordings/${policyNo}-${attemptNo}.wav`);
  await h.huifang.uploadRecording(policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
}

test('failed callback: a wrong number becomes a ticket, the agent supplies the right number, the branch calls it, recording, closed', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const first = await waitForCall(h, contract.policyNo, 1);
    await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(first).attemptId, outcome: 'wrong-number', operator: OPERATOR });

    const ticketId = await waitForTicket(contract.policyNo, 1);
    const waiting = await h.huifang.getCallbackState(contract.policyNo);
    expect(waiting).toMatchObject({ stage: 'AWAITING_TICKET', tickets: [{ ticketId, type: 'failed-callback', reasons: ['wrong-number'] }] });
    await routeTicket(ticketId, { correctedPhone: '13700001111' });

    await answerCall(contract.policyNo, 2);
    expect(dialler.tasks.filter((t) => t.policyNo === contract.policyNo).map((t) => t.phone)).toEqual([contract.policyholder.phone, '13700001111']);
    await uploadRecording(contract.policyNo, 2);
    const summary = await workflowResult(h, contract.policyNo);
    expect(summary).toMatchObject({ stage: 'COMPLETED', phoneSource: ticketId });
    expect(summary.tickets).toEqual([expect.objectContaining({ ticketId, closedAt: expect.any(String), reply: expect.objectContaining({ correctedPhoneGiven: true }) })]);
    // The corrected number is personal data: it is not repeated in the policy's state.
    expect(JSON.stringify(summary)).not.toContain('13700001111');
  });
});

test('failed callback loop: a corrected number that fails again makes a new ticket, and the policy ends UNREACHABLE after the configured number of tickets', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    for (let round = 1; round <= 2; round++) {
      const calling = await waitForCall(h, contract.policyNo, round);
      await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(calling).attemptId, outcome: 'not-in-service', operator: OPERATOR });
      await routeTicket(await waitForTicket(contract.policyNo, round), { correctedPhone: `1370000${1110 + round}` });
    }
    const third = await waitForCall(h, contract.policyNo, 3);
    await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(third).attemptId, outcome: 'suspended', operator: OPERATOR });
    const { summary } = await closedByBranch(h, contract.policyNo, 'fallback-refused');
    expect(summary.unreachableReason).toBe('suspended');
    // Then a letter is asked for, and refused: this file's few policies in office SH-PD-03 put one letter above the 15% cap.
    expect(summary.fallback).toMatchObject({ kind: 'letter', granted: false });
    expect(summary.escalation).toMatchObject({ to: 'branch', reason: summary.fallback!.refusal });
    expect(summary.tickets.map((t) => [t.type, t.reasons])).toEqual([
      ['failed-callback', ['not-in-service']],
      ['failed-callback', ['not-in-service']],
    ]);
  });
});

test('level-1: a signature the customer denies goes to the agent; the branch calls to confirm, a match closes it', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await answerCall(contract.policyNo, 1, { 'signed-in-person': 'no' });
    const ticketId = await waitForTicket(contract.policyNo, 1);
    expect((await h.huifang.getCallbackState(contract.policyNo)).tickets[0]).toMatchObject({ type: 'level-1', reasons: ['not-signed-by-policyholder'] });
    await routeTicket(ticketId, { actionTaken: '业务员上门核实，投保人本人补签并确认投保意愿' });

    await answerCall(contract.policyNo, 2); // the confirming call: everything 'yes' now
    await uploadRecording(contract.policyNo, 2);
    const summary = await workflowResult(h, contract.policyNo);
    expect(summary.stage).toBe('COMPLETED');
    expect(summary.tickets).toEqual([expect.objectContaining({ type: 'level-1', reply: expect.objectContaining({ actionTaken: expect.stringContaining('补签') }) })]);
  });
});

test('level-1 loop: when the confirming call does not match the reply, a new level-1 ticket goes out', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await answerCall(contract.policyNo, 1, { 'signed-in-person': 'no' });
    await routeTicket(await waitForTicket(contract.policyNo, 1), { actionTaken: '已核实' });
    await answerCall(contract.policyNo, 2, { 'signed-in-person': 'no' });
    const second = await waitForTicket(contract.policyNo, 2);
    const state = await h.huifang.getCallbackState(contract.policyNo);
    expect(state.stage).toBe('AWAITING_TICKET');
    expect(state.tickets.map((t) => t.type)).toEqual(['level-1', 'level-1']);
    await routeTicket(second, { actionTaken: '投保人本人到柜面补签' });
    await answerCall(contract.policyNo, 3);
    await uploadRecording(contract.policyNo, 3);
    expect((await workflowResult(h, contract.policyNo)).stage).toBe('COMPLETED');
  });
});

test('level-1 loop bound: after maxLevel1Tickets tickets whose confirming calls still do not match, no further ticket goes out; the case goes to the branch, unresolved, until the branch closes it', async () => {
  const max = h.settings.tickets.maxLevel1Tickets;
  expect(max).toBeGreaterThanOrEqual(1);
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    for (let n = 1; n <= max; n++) {
      await answerCall(p, n, { 'signed-in-person': 'no' });
      await routeTicket(await waitForTicket(p, n), { actionTaken: `第${n}次核实：业务员称投保人已本人签名` });
    }
    // The confirming call after the last allowed ticket still does not match.
    await answerCall(p, max + 1, { 'signed-in-person': 'no' });

    // Whatever the workflow does once the bound is reached, it opens no further ticket. Read once
    // nothing of it is in flight any more (from its history): a ticket it started would show.
    const settled = await eventually('the callback to settle after the last confirming call', async () =>
      (await isIdle(h, callbackWorkflowId(p))) ? h.huifang.getCallbackState(p) : undefined,
    );
    expect(settled.tickets.map((t) => ({ type: t.type, reasons: t.reasons, closed: t.closedAt !== undefined }))).toEqual(
      Array.from({ length: max }, () => ({ type: 'level-1', reasons: ['not-signed-by-policyholder'], closed: true })),
    );
    await expect(h.huifang.temporal.workflow.getHandle(ticketWorkflowId(ticketIdFor(p, max + 1))).describe()).rejects.toThrow(WorkflowNotFoundError);
    expect(dialler.tasks.filter((t) => t.policyNo === p)).toHaveLength(max + 1);
    expect(settled.attempts.map((a) => a.outcome)).toEqual(Array.from({ length: max + 1 }, () => 'completed'));

    // Unresolved, with the branch: not closed, not a success, the problem and the reason on record,
    // the branch told; then the branch closes it with its decision.
    expect(settled).toMatchObject({ stage: 'UNRESOLVED', problems: [{ reason: 'not-signed-by-policyholder', ticketType: 'level-1' }], escalation: { to: 'branch', cause: 'level-1' } });
    expect(settled.closedAt).toBeUndefined();
    expect(settled.stageHistory.map((s) => s.note)).toContain(`for branch SH: level-1 problems unresolved after ${max} transfers`);
    expect(h.notifier.sent.filter((n) => n.policyNo === p && !n.ticketId).map((n) => ({ kind: n.kind, to: n.to }))).toEqual([{ kind: 'callback-escalated', to: { role: 'branch', code: 'SH' } }]);
    expect(await h.evidence.getCallback(p)).toMatchObject({ stage: 'UNRESOLVED', ticketIds: settled.tickets.map((t) => t.ticketId) });
    expect((await h.evidence.getCallback(p))?.closedAt).toBeUndefined();
    const { summary } = await closedByBranch(h, p, 'level-1');
    expect(summary.completedBy).toBeUndefined();
    expect(summary.recording).toBeUndefined();
    expect(await h.evidence.getCallback(p)).toMatchObject({ stage: 'CLOSED_BY_BRANCH', closedAt: summary.closedAt });
  });
});

test('level-2: the call is complete and its recording goes in, but the policy closes only once the agent has handled the ticket and tier-3 archived it', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await answerCall(contract.policyNo, 1, { 'contract-received': 'no' });
    const ticketId = await waitForTicket(contract.policyNo, 1);
    await waitForState(h, contract.policyNo, (s) => s.stage === 'AWAITING_RECORDING', { what: 'the recording stage' });
    await uploadRecording(contract.policyNo, 1);
    const afterRecording = await h.huifang.getCallbackState(contract.policyNo);
    expect(afterRecording.stage).toBe('AWAITING_TICKET');
    expect(afterRecording.closedAt).toBeUndefined();

    await routeTicket(ticketId, { actionTaken: '已补寄保险合同，客户签收回执' }, true);
    const summary = await workflowResult(h, contract.policyNo);
    expect(summary.stage).toBe('COMPLETED');
    expect(summary.tickets).toEqual([expect.objectContaining({ type: 'level-2', reasons: ['contract-not-received'], closedAt: expect.any(String) })]);
    expect(summary.recording?.reference).toBe(`recordings/${contract.policyNo}-1.wav`);
  });
});
