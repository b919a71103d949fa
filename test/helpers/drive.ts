/**
 * Driving callback workflows on the time-skipping server, the way the call center would: wait until
 * an attempt is out, report its outcome, upload the recording. Time only moves while the test skips
 * it (`env.sleep`) or awaits a workflow result, so the waits here skip straight to the moment the
 * workflow is waiting for (the next planned attempt, the end of the open slot) and otherwise give
 * the worker a few real milliseconds.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { CallCenter, CallTask } from '../../call-center/call-center';
import { withTimeout } from '../../cli/with-timeout';
import { huifangDataConverter } from '../../client/payload-keys';
import type { CallOutcomeReport } from '../../domain/call-outcome';
import type { CallbackState, CallbackSummary, EscalationCause } from '../../domain/callback-state';
import type { Contract } from '../../domain/contract';
import { STEP_RULES, TICKET_FLOWS, type Actor, type TicketInput, type TicketStep } from '../../domain/ticket';
import { ticketSearchAttributes } from '../../workflows/open-ticket';
import { ticketWorkflowId } from '../../workflows/ticket-messages';
import { transferTicketWorkflow } from '../../workflows/ticket.workflow';
import { addCalendarDays, instantAt, localDateOf } from '../../domain/local-time';
import { callbackWorkflowId } from '../../workflows/messages';
import { aContract } from './contracts';
import type { TestHarness } from './temporal-env';

export const OPERATOR = 'agent-0042';

const { EventType } = temporal.api.enums.v1;

const plainClients = new WeakMap<TestHarness, Client>();

/**
 * The result of a callback that has ended, or ends without time having to pass. Deliberately not
 * `env.client`'s `result()`: that unlocks time skipping while it waits, and the test server then
 * jumps to its next timer as soon as the workflow is done, which is the 10-year execution timeout it
 * gives every workflow: the rest of the file would run in 2036.
 */
export async function workflowResult(h: TestHarness, policyNo: string, realTimeoutMs = 10_000): Promise<CallbackSummary> {
  let client = plainClients.get(h);
  if (!client) {
    client = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default', dataConverter: huifangDataConverter(h.keyring) });
    plainClients.set(h, client);
  }
  const handle = client.workflow.getHandle(callbackWorkflowId(policyNo));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), realTimeoutMs);
  try {
    return (await client.withAbortSignal(controller.signal, () => handle.result())) as CallbackSummary;
  } catch (err) {
    if (!controller.signal.aborted) throw err;
    const state = await h.huifang.getCallbackState(policyNo).catch(() => undefined);
    throw new Error(`callback ${policyNo} did not end within ${realTimeoutMs} ms; it is in stage ${state?.stage ?? '?'}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A contract whose receipt was signed `daysAgo` days before the test server's current time. */
export async function aContractSignedDaysAgo(h: TestHarness, daysAgo: number, overrides: Partial<Contract> = {}): Promise<Contract> {
  const today = localDateOf(new Date(await h.env.currentTimeMs()));
  const receiptSignedOn = addCalendarDays(today, -daysAgo);
  return aContract({ issuedOn: addCalendarDays(receiptSignedOn, -3), receiptSignedOn, ...overrides });
}

/**
 * Moves the test server's clock out of any configured call slot, so a callback started now waits
 * for its first attempt (AWAITING_CALL) instead of calling at once: tests then behave the same
 * whatever the time of day they run at.
 */
export async function skipToQuietTime(h: TestHarness): Promise<void> {
  const now = await h.env.currentTimeMs();
  const tz = h.settings.timeZone;
  const day = localDateOf(new Date(now), tz);
  for (const s of h.settings.callPlan.slots) {
    const from = instantAt(day, s.from, tz).getTime();
    const to = instantAt(day, s.to, tz).getTime();
    if (now >= from && now < to) {
      await skip(h, to - now + 60_000);
      return;
    }
  }
}

/**
 * Skips `ms` of server time. The test server only skips while nothing holds its time lock (a workflow
 * task or an activity in flight); a lock that is never released (e.g. a workflow terminated with an
 * activity in flight, which the Java test server does not unlock) makes `env.sleep` wait in real
 * time. Fail fast and say so, rather than hang until the test's timeout.
 */
export async function skip(h: TestHarness, ms: number, realTimeoutMs = 15_000): Promise<void> {
  // Under a deadline, not raced against a timer: a sleep left in flight when the server stops is
  // retried by the client after its connection has closed.
  await withTimeout(
    h.huifang,
    realTimeoutMs,
    `the test server did not skip ${ms} ms within ${realTimeoutMs} ms of real time: its time lock is held (is a worker running?)`,
    () => h.env.connection.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(ms) }),
  );
}

/**
 * Terminates a callback (its open tickets first) once nothing of it is in flight on the server (no
 * activity, no workflow task), with a worker running. Terminating it mid-task would leak the test
 * server's time lock (terminate does not release it), and every later `env.sleep` would crawl in
 * real time.
 */
export async function terminateWhenIdle(h: TestHarness, policyNo: string, realTimeoutMs = 30_000): Promise<void> {
  await terminateTreeWhenIdle(h, callbackWorkflowId(policyNo), Date.now() + realTimeoutMs);
}

async function terminateTreeWhenIdle(h: TestHarness, workflowId: string, deadline: number): Promise<void> {
  const handle = h.huifang.temporal.workflow.getHandle(workflowId);
  for (;;) {
    const described = await handle.describe().catch(() => undefined);
    if (!described || described.status.name !== 'RUNNING') return;
    const children = (described.raw.pendingChildren ?? []).map((c) => c.workflowId).filter((id): id is string => !!id);
    for (const child of children) await terminateTreeWhenIdle(h, child, deadline);
    // (The Java test server keeps a terminated child in its parent's pendingChildren.)
    if (await isIdle(h, workflowId)) {
      await handle.terminate('test finished');
      return;
    }
    if (Date.now() > deadline) {
      const last = (await handle.fetchHistory()).events?.at(-1)?.eventType;
      throw new Error(
        `${workflowId} never became idle; not terminating it mid-task (children ${children.join(', ') || 'none'}, ` +
          `${described.raw.pendingActivities?.length ?? 0} pending activities, last event ${EventType[last ?? 0]})`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface WaitOptions {
  /** Described in the error when the wait gives up. */
  what?: string;
  /** Real time allowed for the whole wait. */
  realTimeoutMs?: number;
  /** Skipped time allowed for the whole wait. */
  maxSkippedMs?: number;
}

/**
 * Queries the callback until `predicate` holds. While the workflow sleeps towards a known instant
 * (the next attempt, the end of the open slot) the test server's clock is moved exactly there; while
 * it is busy (assessing, placing a call, a timer just fired) real time is given instead.
 */
export async function waitForState(
  h: TestHarness,
  policyNo: string,
  predicate: (s: CallbackState) => boolean,
  { what = 'the expected state', realTimeoutMs = 30_000, maxSkippedMs = 30 * 86_400_000 }: WaitOptions = {},
): Promise<CallbackState> {
  const realDeadline = Date.now() + realTimeoutMs;
  let skipped = 0;
  for (;;) {
    const state = await h.huifang.getCallbackState(policyNo);
    if (predicate(state)) return state;
    if (Date.now() > realDeadline || skipped > maxSkippedMs) {
      throw new Error(
        `gave up waiting for ${what} of ${policyNo}: stage ${state.stage}, ${state.attempts.length} attempts, ` +
          `next attempt ${state.nextAttemptAt ?? '-'}`,
      );
    }
    const now = await h.env.currentTimeMs();
    const target = instantTheWorkflowAwaits(state);
    if (target !== undefined && target > now) {
      // At most 12 hours a step, as test/helpers/clock.ts advises for the Java test server.
      const step = Math.min(target - now, 12 * 3_600_000);
      await skip(h, step);
      skipped += step;
    } else {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function instantTheWorkflowAwaits(state: CallbackState): number | undefined {
  if (state.stage === 'AWAITING_CALL' && state.nextAttemptAt) return Date.parse(state.nextAttemptAt);
  const open = state.attempts.at(-1);
  if (state.stage === 'CALLING' && open && !open.outcome) return Date.parse(open.slot.end);
  return undefined;
}

/** Waits until attempt `attemptNo` is out with the call center (stage CALLING). */
export function waitForCall(h: TestHarness, policyNo: string, attemptNo: number): Promise<CallbackState> {
  return waitForState(h, policyNo, (s) => s.stage === 'CALLING' && s.attempts.length === attemptNo && !s.attempts[attemptNo - 1].outcome, {
    what: `call attempt ${attemptNo}`,
  });
}

/** The open attempt of a state in stage CALLING. */
export function openAttempt(state: CallbackState) {
  const attempt = state.attempts.at(-1);
  if (state.stage !== 'CALLING' || !attempt || attempt.outcome) throw new Error(`no attempt is open for ${state.policyNo} (${state.stage})`);
  return attempt;
}

/** 'yes' to every question asked of this policy. */
export function cleanAnswers(state: CallbackState): Record<string, 'yes'> {
  return Object.fromEntries((state.questions ?? []).map((q) => [q.id, 'yes' as const]));
}

export function completedCall(state: CallbackState, answers: Record<string, 'yes' | 'no' | 'unclear'> = {}): CallOutcomeReport {
  const attempt = openAttempt(state);
  return {
    attemptId: attempt.attemptId,
    outcome: 'completed',
    operator: OPERATOR,
    answers: { ...cleanAnswers(state), ...answers },
    recordingRef: `recordings/${attempt.attemptId}.wav`,
  };
}

/** Puts a recording into the harness's storage folder, as the call center's upload would. */
export function storeRecording(h: TestHarness, reference: string, content: Buffer = Buffer.from(`RIFF fake recording ${reference}`)) {
  const path = join(h.recordingsDir, reference);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { path, reference, checksum: `sha256:${createHash('sha256').update(content).digest('hex')}`, sizeBytes: content.length };
}

/** A call center that only remembers the tasks it was handed (the test reports the outcomes). */
export class RecordingCallCenter implements CallCenter {
  readonly tasks: CallTask[] = [];
  async placeCall(task: CallTask): Promise<void> {
    this.tasks.push(task);
  }
}

/** The clean path: first call answered with all 'yes', recording uploaded and verified. */
export async function driveCleanCall(h: TestHarness, contract: Contract): Promise<CallbackSummary> {
  await h.huifang.startCallback(contract);
  const calling = await waitForCall(h, contract.policyNo, 1);
  const report = completedCall(calling);
  const ack = await h.huifang.recordCallOutcome(contract.policyNo, report);
  if (ack.stage !== 'AWAITING_RECORDING') throw new Error(`clean call left stage ${ack.stage}`);
  const stored = storeRecording(h, report.recordingRef!);
  await h.huifang.uploadRecording(contract.policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
  return workflowResult(h, contract.policyNo);
}

/** The policyholder refuses on the first call; the refusal's recording closes it (REFUSED). */
export async function driveRefusal(h: TestHarness, contract: Contract, note?: string): Promise<CallbackSummary> {
  await h.huifang.startCallback(contract);
  const calling = await waitForCall(h, contract.policyNo, 1);
  const ack = await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(calling).attemptId, outcome: 'refused', operator: OPERATOR, note });
  if (ack.stage !== 'AWAITING_RECORDING') throw new Error(`refusal left stage ${ack.stage}`);
  const stored = storeRecording(h, `${contract.policyNo}/refusal.wav`);
  await h.huifang.uploadRecording(contract.policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
  return workflowResult(h, contract.policyNo);
}

/**
 * Nobody ever answers: 'no-answer' on every attempt until the workflow stops calling. Returns the
 * state at that moment (the callback goes on with a failed-callback ticket, see transfer-flows).
 */
export async function driveNoAnswer(h: TestHarness, contract: Contract): Promise<CallbackState> {
  await h.huifang.startCallback(contract);
  for (let n = 1; n <= 100; n++) {
    const state = await waitForState(h, contract.policyNo, (s) => !isCalling(s) || (s.stage === 'CALLING' && s.attempts.length === n), {
      what: `call attempt ${n}, or the end of the calls`,
    });
    if (!isCalling(state)) return state;
    await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(state).attemptId, outcome: 'no-answer', operator: OPERATOR });
  }
  throw new Error('the workflow never stopped calling');
}

/** Still deciding or calling (nothing else has happened yet). */
export function isCalling(s: CallbackState): boolean {
  return s.stage === 'ASSESSING' || s.stage === 'AWAITING_CALL' || s.stage === 'CALLING';
}

/** Tomorrow (in the business time zone, after `iso`) at 12:40, between two planned slots. */
export function tomorrowAt1240(h: TestHarness, iso: string): string {
  const day = addCalendarDays(localDateOf(new Date(iso), h.settings.timeZone), 1);
  return instantAt(day, '12:40', h.settings.timeZone).toISOString();
}

/**
 * The first attempt rings out (no outcome in its slot), the customer asks to be called back on the
 * second, the call-back is clean, recording verified: COMPLETED.
 */
export async function driveMissedThenCallBack(h: TestHarness, contract: Contract): Promise<CallbackSummary> {
  const p = contract.policyNo;
  await h.huifang.startCallback(contract);
  await waitForCall(h, p, 1);
  const second = await waitForCall(h, p, 2);
  await h.huifang.recordCallOutcome(p, {
    attemptId: openAttempt(second).attemptId,
    outcome: 'callback-later',
    operator: OPERATOR,
    callBackAt: tomorrowAt1240(h, second.attempts[1].placedAt!),
  });
  const third = await waitForCall(h, p, 3);
  const report = completedCall(third);
  await h.huifang.recordCallOutcome(p, report);
  const stored = storeRecording(h, report.recordingRef!);
  await h.huifang.uploadRecording(p, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
  return workflowResult(h, p);
}

/** The events a run's history ends with once the run is closed (always its last event). */
const CLOSING_EVENTS = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/**
 * Nothing of the workflow in flight on the server: no activity, no workflow task open, no child
 * starting, and the same for its running children (a callback's tickets), which a termination would
 * take down with it. Read from one history, not from a describe and a history: between those two
 * calls a workflow task can complete and schedule an activity that neither shows (seen: a ticket
 * terminated with its notification in flight, whose time lock the test server then never released).
 */
export async function isIdle(h: TestHarness, workflowId: string): Promise<boolean> {
  const handle = h.huifang.temporal.workflow.getHandle(workflowId);
  const events = (await handle.fetchHistory()).events ?? [];
  const open = new Set<string>();
  const children: string[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        open.add(id);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const a = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
        open.delete(String(a?.scheduledEventId));
        break;
      }
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
        open.delete(String(e.startChildWorkflowExecutionFailedEventAttributes?.initiatedEventId));
        break;
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const started = e.childWorkflowExecutionStartedEventAttributes;
        open.delete(String(started?.initiatedEventId));
        if (started?.workflowExecution?.workflowId) children.push(started.workflowExecution.workflowId);
        break;
      }
    }
  }
  const last = events.at(-1)?.eventType;
  if (last != null && CLOSING_EVENTS.has(last)) return true;
  if (last === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED || last === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED || open.size > 0) return false;
  for (const child of children) {
    if (!(await isIdle(h, child))) return false;
  }
  return true;
}

// --- Transfer tickets, as tier-3, tier-4 and the agent would take them -----------------------------

/** The branch of the example org (SH), as its call center's supervisor. */
export const BRANCH: Actor = { role: 'branch', id: 'CC-SH-01', office: 'SH' };

/**
 * A case that went to the branch: waits until it is UNRESOLVED with `cause`, then the branch closes it
 * with a decision; returns the state it had when unresolved and the closed summary.
 */
export async function closedByBranch(h: TestHarness, policyNo: string, cause: EscalationCause) {
  const unresolved = await waitForState(h, policyNo, (s) => s.stage === 'UNRESOLVED', { what: `the escalation (${cause})` });
  expect(unresolved.escalation).toMatchObject({ to: 'branch', cause });
  await h.huifang.closeUnresolved(policyNo, { reason: '分公司已核实处理，结案', actor: BRANCH });
  const summary = await workflowResult(h, policyNo);
  expect(summary).toMatchObject({ stage: 'CLOSED_BY_BRANCH', branchDecision: { reason: '分公司已核实处理，结案', by: BRANCH }, closedAt: expect.any(String) });
  return { unresolved, summary };
}

export const TIER3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
export const TIER4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
export const AGENT: Actor = { role: 'agent', id: 'A10086' };
/** Who takes the steps of a test policy's tickets, by role. */
const STAFF = { tier3: TIER3, tier4: TIER4, agent: AGENT };

/** Waits for ticket number `n` of the policy to be open, and returns its id. */
export async function waitForTicket(h: TestHarness, policyNo: string, n: number): Promise<string> {
  const state = await waitForState(h, policyNo, (s) => s.tickets.length >= n, { what: `ticket ${n}` });
  return state.tickets[n - 1].ticketId;
}

/**
 * A ticket's routing, step by step as its type's flow has it (domain/ticket-rules.ts TICKET_FLOWS),
 * up to the agent's reply; for level-2 (`level2`) also collection and archiving.
 */
export async function routeTicket(
  h: TestHarness,
  ticketId: string,
  reply: Omit<Extract<TicketStep, { step: 'reply' }>, 'step' | 'actor'>,
  level2 = false,
): Promise<void> {
  const { type } = await h.huifang.getTicketState(ticketId);
  const flow = TICKET_FLOWS[type];
  const steps = level2 ? flow : flow.slice(0, flow.indexOf('reply') + 1);
  for (const step of steps) {
    if (step === 'reply') await h.huifang.advanceTicket(ticketId, { step, actor: AGENT, ...reply });
    else await h.huifang.advanceTicket(ticketId, { step, actor: STAFF[STEP_RULES[step].role as keyof typeof STAFF] });
  }
}

/** Contract not received: a level-2 ticket; the recording goes in, the agent handles it, tier-3 archives it: COMPLETED. */
export async function driveLevel2Ticket(h: TestHarness, contract: Contract): Promise<CallbackSummary> {
  await h.huifang.startCallback(contract);
  const calling = await waitForCall(h, contract.policyNo, 1);
  const report = completedCall(calling, { 'contract-received': 'no' });
  await h.huifang.recordCallOutcome(contract.policyNo, report);
  const ticketId = await waitForTicket(h, contract.policyNo, 1);
  const stored = storeRecording(h, report.recordingRef!);
  await h.huifang.uploadRecording(contract.policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
  await routeTicket(h, ticketId, { actionTaken: '已补寄保险合同，客户签收回执' }, true);
  return workflowResult(h, contract.policyNo);
}

/** Starts a ticket on its own (as the callback workflow would), with the same search attributes. */
export async function startTicket(h: TestHarness, input: TicketInput) {
  return h.env.client.workflow.start(transferTicketWorkflow, {
    workflowId: ticketWorkflowId(input.ticketId),
    taskQueue: h.taskQueue,
    args: [input],
    typedSearchAttributes: ticketSearchAttributes(input),
  });
}

/** A signed waiver, uploaded and reported by the agent, accepted by the tier-3 handler before any call: WAIVED. */
export async function driveWaiver(h: TestHarness, contract: Contract): Promise<CallbackSummary> {
  await h.huifang.startCallback(contract);
  await waitForState(h, contract.policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
  const statementRef = `statements/${contract.policyNo}/waiver.pdf`;
  await h.documents.save(statementRef, Buffer.from(`%PDF-1.4 signed waiver ${contract.policyNo}`));
  await h.huifang.reportWaiver(contract.policyNo, { statementRef, actor: AGENT });
  await h.huifang.decideWaiver(contract.policyNo, { accepted: true, actor: TIER3 });
  return workflowResult(h, contract.policyNo);
}
