/**
 * One policy's callback (回访), from the decision to the close. Deterministic: every decision that
 * depends on configuration or the outside world comes from an activity and is kept in history.
 *
 *   ASSESSING → NOT_REQUIRED
 *             → AWAITING_CALL ⇄ CALLING → AWAITING_RECORDING → COMPLETED
 *                                       → REFUSED | PROBLEM_FOUND
 *                                       → UNREACHABLE → AWAITING_RECEIPT (letter / on-site) → COMPLETED
 *                                                     → (region forbids, cap reached) escalated to the branch
 *   any open stage before a completed call → WAIVED (signed waiver accepted by the tier-3 handler)
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Notification } from '../activities/notifier';
import type { Assessment } from '../activities/assess-contract';
import type { CallOutcomeReport } from '../domain/call-outcome';
import { UNREACHABLE_OUTCOMES } from '../domain/vocabulary';
import type { PlannedSlot } from '../domain/call-plan';
import type { CallAttempt, CallbackStage, CallbackState, CallbackSummary, TicketRef } from '../domain/callback-state';
import type { TicketResult } from '../domain/ticket';
import type { Contract } from '../domain/contract';
import { callbackRecordOf } from '../domain/callback-record';
import { receiptEntererRejection, waiverDeciderRejection, waiverReporterRejection, type PolicyOrg } from '../domain/waiver-rules';
import { problemsInAnswers, unansweredQuestions } from '../domain/answers';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';
// Plain checks, not zod: the bundle's modules run again for every workflow (domain/plain-check.ts).
import { callOutcomeCheck, fallbackReceiptCheck, recordingUploadCheck, waiverDecisionCheck, waiverReportCheck } from '../domain/message-checks';
import { checkOrThrow } from '../domain/plain-check';
import { decideWaiver, getCallbackState, recordCallOutcome, recordFallbackReceipt, recordingUploaded, reportWaiver, UNKNOWN_ATTEMPT, type OutcomeAck } from './messages';
import { msUntil, nowIso, sleepUntil } from './clock';
import { openTicket, ticketIdFor } from './open-ticket';
import * as sa from './search-attributes';
import { activitySummary, attemptDueSummary, callbackCurrentDetails, outcomeDueSummary, placeCallSummary, receiptDueSummary } from './summaries';

// Pure computation on configuration: a local activity keeps it to one history event.
const { assessContract } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A missing calendar year keeps failing until an operator adds it; the workflow waits, visibly.
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
const { planCallRound } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
// Handing a call to the call center is quick I/O: a local activity keeps it to one history event.
const { placeCall } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// The projection row, the fallback permission, a document check: quick, one history event each.
const { recordCallback, planFallback, checkDocument } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// The quota, the letter or visit task, the register, the branch's notice: keep trying, nothing is lost.
const { reserveFallback, writeFallbackDocument, writeFallbackRegister, notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
const { verifyRecording } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Bounded: the uploader is waiting on the Update and can try again if storage stays down.
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 8 },
});

export interface CallbackWorkflowInput {
  contract: Contract;
}

/**
 * Letter / on-site fallback, waivers and the projection rows came with this change. Runs started before
 * it carry no marker and finish exactly as they began (test/histories holds their recorded histories).
 */
export const FALLBACK_AND_WAIVERS_PATCH = 'fallback-and-waivers-v1';

/** The projection row is also written once the phone rounds end in a completed call (open policies count as called). */
export const PROJECTION_ON_CALL_PATCH = 'projection-on-completed-call-v1';

const OPEN_STAGES_FOR_WAIVER = new Set<CallbackStage>(['AWAITING_CALL', 'CALLING', 'UNREACHABLE', 'AWAITING_TICKET', 'AWAITING_RECEIPT']);

export async function callbackWorkflow({ contract }: CallbackWorkflowInput): Promise<CallbackSummary> {
  const current = patched(FALLBACK_AND_WAIVERS_PATCH);
  const policyNo = contract.policyNo;
  const org: PolicyOrg = { ...contract.org, agentCode: contract.agent.code };
  const state: CallbackState = {
    policyNo,
    stage: 'ASSESSING',
    plan: [],
    attempts: [],
    attemptsMade: 0,
    problems: [],
    tickets: [],
    phoneSource: 'contract',
    stageHistory: [{ stage: 'ASSESSING', at: nowIso() }],
  };
  let assessment: Assessment | undefined;
  let openAttempt: CallAttempt | undefined;
  let verifying = false;
  let reportingWaiver = false;

  /** Moves the stage and publishes it; one search-attribute event, and none when nothing changed. */
  let published = '';
  const setStage = (stage: CallbackStage, note?: string): void => {
    if (stage !== state.stage) {
      state.stageHistory.push({ stage, at: nowIso(), note });
      // No note: a refusal's note is the operator's free text, and logs carry business keys only.
      log.info(`callback ${policyNo} stage ${stage}`, { policyNo, stage });
    }
    state.stage = stage;
    state.nextAttemptAt = stage === 'AWAITING_CALL' || stage === 'CALLING' ? state.nextAttemptAt : undefined;
    // The Web UI's "current details" of the run: not history, so free to change at every stage.
    setCurrentDetails(callbackCurrentDetails(state));
    const attrs = JSON.stringify([stage, state.attemptsMade, state.nextAttemptAt ?? null, state.coolingOff?.endsAt ?? null]);
    if (attrs === published) return;
    published = attrs;
    upsertSearchAttributes([
      { key: sa.CallbackStage, value: stage },
      { key: sa.AttemptCount, value: state.attemptsMade },
      { key: sa.NextAttemptAt, value: state.nextAttemptAt ? new Date(state.nextAttemptAt) : null },
      ...(state.coolingOff ? [{ key: sa.CoolingOffEnd, value: new Date(state.coolingOff.endsAt) }] : []),
    ]);
  };

  /** Writes the policy's projection row (compliance figures, cap, daily lists read it). */
  let revision = 0;
  const startedAt = workflowInfo().startTime.toISOString();
  const record = async (): Promise<void> => {
    if (current) {
      const row = callbackRecordOf(contract, state, { startedAt, revision: ++revision, at: nowIso() });
      await recordCallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `projection row, revision ${revision}`) }, [row]);
    }
  };
  // Stage 2 onwards runs in this scope, so an accepted waiver can stop whatever it is waiting on.
  const mainScope = new CancellationScope();

  setHandler(getCallbackState, () => state);

  setHandler(
    reportWaiver,
    async (report) => {
      const parsed = checkOrThrow(waiverReportCheck, report);
      reportingWaiver = true;
      try {
        // The statement must be in the document store: the 08:30 list attaches it.
        await checkDocument({ path: parsed.statementRef }).catch((err: unknown) => {
          throw ApplicationFailure.create({ message: failureMessage(err), type: 'WaiverRejected', nonRetryable: true });
        });
      } finally {
        reportingWaiver = false;
      }
      if (state.waiver) (state.rejectedWaivers ??= []).push(state.waiver);
      state.waiver = { statementRef: parsed.statementRef, reportedBy: parsed.actor, reportedAt: nowIso(), note: parsed.note };
      state.stageHistory.push({ stage: state.stage, at: nowIso(), note: `waiver reported by ${parsed.actor.role} ${parsed.actor.id}` });
      await record();
      return state;
    },
    {
      validator: (report) => {
        if (!current) throw new Error(`policy ${policyNo} started before waivers were supported; ask ops to close it by hand`);
        const parsed = checkOrThrow(waiverReportCheck, report);
        const why = waiverReporterRejection(parsed.actor, org) ?? waiverRejection();
        if (why) throw new Error(why);
        if (reportingWaiver) throw new Error('another waiver is being reported for this policy; try again');
        if (state.waiver && !state.waiver.decision) throw new Error(`a waiver reported at ${state.waiver.reportedAt} is waiting for the tier-3 handler`);
      },
    },
  );

  setHandler(
    decideWaiver,
    async (decision) => {
      const parsed = checkOrThrow(waiverDecisionCheck, decision);
      const waiver = state.waiver!;
      waiver.decision = { accepted: parsed.accepted, by: parsed.actor, at: nowIso(), reason: parsed.reason };
      if (parsed.accepted) {
        state.closedAt = nowIso();
        setStage('WAIVED', `waiver ${waiver.statementRef} accepted by ${parsed.actor.id}`);
        mainScope.cancel();
      } else {
        state.stageHistory.push({ stage: state.stage, at: nowIso(), note: `waiver rejected by ${parsed.actor.id}: ${parsed.reason}` });
      }
      await record();
      return state;
    },
    {
      validator: (decision) => {
        if (!current) throw new Error(`policy ${policyNo} started before waivers were supported`);
        const parsed = checkOrThrow(waiverDecisionCheck, decision);
        const why = waiverDeciderRejection(parsed.actor, org);
        if (why) throw new Error(why);
        if (!state.waiver || state.waiver.decision) throw new Error(`no waiver is waiting for a decision on policy ${policyNo}`);
        const closed = waiverRejection();
        if (closed) throw new Error(closed);
      },
    },
  );

  setHandler(
    recordFallbackReceipt,
    async (receipt) => {
      const parsed = checkOrThrow(fallbackReceiptCheck, receipt);
      await checkDocument({ path: parsed.receiptRef }).catch((err: unknown) => {
        throw ApplicationFailure.create({ message: failureMessage(err), type: 'ReceiptRejected', nonRetryable: true });
      });
      if (state.fallback!.receipt) return state; // entered meanwhile by a repeated request
      state.fallback!.receipt = { reference: parsed.receiptRef, signedBy: parsed.signedBy, signedAt: parsed.signedAt, enteredAt: nowIso() };
      return state;
    },
    {
      validator: (receipt) => {
        const parsed = checkOrThrow(fallbackReceiptCheck, receipt);
        if (state.stage !== 'AWAITING_RECEIPT') throw new Error(`no signed receipt is expected in stage ${state.stage}`);
        const why = receiptEntererRejection(parsed.actor, org);
        if (why) throw new Error(why);
      },
    },
  );

  /** Why a waiver cannot be taken now (undefined when it can): only before a completed call, while open. */
  function waiverRejection(): string | undefined {
    if (state.closedAt) return `the callback of policy ${policyNo} is closed (${state.stage})`;
    if (state.attempts.some((a) => a.outcome === 'completed')) return `the policyholder was already called successfully; a waiver no longer applies`;
    if (!OPEN_STAGES_FOR_WAIVER.has(state.stage)) return `no waiver is taken in stage ${state.stage}`;
    return undefined;
  }

  setHandler(
    recordCallOutcome,
    (report): OutcomeAck => {
      const attempt = state.attempts.find((a) => a.attemptId === report.attemptId)!;
      if (attempt.report) return { attemptId: attempt.attemptId, stage: state.stage, duplicate: true };
      applyOutcome(attempt, checkOrThrow(callOutcomeCheck, report));
      return { attemptId: attempt.attemptId, stage: state.stage, duplicate: false };
    },
    { validator: (report) => validateOutcome(report) },
  );

  setHandler(
    recordingUploaded,
    async (upload) => {
      verifying = true;
      try {
        const verified = await verifyRecording.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `verify recording ${upload.reference}`) }, [upload]).catch((err: unknown) => {
          throw recordingCheckFailure(upload.reference, err);
        });
        state.recording = { ...upload, verifiedAt: nowIso(), sizeBytes: verified.sizeBytes };
        // The callback closes once every ticket is closed too (level-2 tickets may still be out).
        const openTickets = state.tickets.filter((t) => !t.closedAt).length;
        if (openTickets === 0) state.closedAt = nowIso();
        setStage(openTickets ? 'AWAITING_TICKET' : 'COMPLETED', `recording ${upload.reference}`);
        return state;
      } finally {
        verifying = false;
      }
    },
    {
      validator: (upload) => {
        checkOrThrow(recordingUploadCheck, upload);
        if (state.stage !== 'AWAITING_RECORDING') throw new Error(`no recording is expected in stage ${state.stage}`);
        if (verifying) throw new Error('a recording is already being verified for this policy');
      },
    },
  );

  /** Rejections leave the workflow unchanged and tell the caller why, in words. */
  function validateOutcome(report: CallOutcomeReport): void {
    const parsed = checkOrThrow(callOutcomeCheck, report);
    const attempt = state.attempts.find((a) => a.attemptId === parsed.attemptId);
    if (!attempt) throw ApplicationFailure.create({ type: UNKNOWN_ATTEMPT, message: `attempt '${parsed.attemptId}' is unknown for policy ${policyNo}` });
    if (attempt.report) {
      // A repeated delivery of the same outcome is harmless; a different one for a closed attempt is not.
      if (attempt.report.outcome === parsed.outcome) return;
      throw new Error(`attempt '${parsed.attemptId}' already has outcome '${attempt.report.outcome}'`);
    }
    if (attempt !== openAttempt) throw new Error(`attempt '${parsed.attemptId}' is stale: its slot ended without an outcome`);
    if (state.stage !== 'CALLING') throw new Error(`no call outcome is expected in stage ${state.stage}`);
    if (parsed.outcome === 'completed') {
      const answers = parsed.answers ?? {};
      const missing = unansweredQuestions(assessment!.questions, answers);
      if (missing.length) throw new Error(`answers missing for: ${missing.join(', ')}`);
      const unknown = Object.keys(answers).filter((id) => !assessment!.questions.some((q) => q.id === id));
      if (unknown.length) throw new Error(`answers to questions not asked of this policy: ${unknown.join(', ')}`);
    }
    if (parsed.outcome === 'callback-later' && Date.parse(parsed.callBackAt!) <= Date.now()) {
      throw new Error('callBackAt must be in the future');
    }
  }

  /** Applies a validated outcome; the main loop reacts to the stage it leaves. */
  function applyOutcome(attempt: CallAttempt, report: CallOutcomeReport): void {
    attempt.report = report;
    attempt.outcome = report.outcome;
    attempt.recordedAt = nowIso();
    state.attemptsMade++;
    const unreachable = UNREACHABLE_OUTCOMES[report.outcome];
    switch (report.outcome) {
      case 'completed': {
        const reasons = new Set<ReasonCode>([
          ...problemsInAnswers(assessment!.questions, report.answers ?? {}),
          ...(report.reportedProblems ?? []),
        ]);
        state.problems = [...reasons].map((reason) => ({ reason, ticketType: assessment!.ticketTypeOf[reason] }));
        setStage(state.problems.length ? 'PROBLEM_FOUND' : 'AWAITING_RECORDING');
        return;
      }
      case 'refused':
        state.closedAt = nowIso();
        setStage('REFUSED', report.note);
        return;
      case 'callback-later': {
        const at = Date.parse(report.callBackAt!);
        const slot: PlannedSlot = {
          slot: 'call-back',
          start: new Date(at).toISOString(),
          end: new Date(at + assessment!.callBackWindowMinutes * 60_000).toISOString(),
          late: at >= Date.parse(state.coolingOff!.endsAt),
        };
        state.plan = [slot, ...state.plan.filter((s) => Date.parse(s.start) >= Date.parse(slot.end))];
        setStage('AWAITING_CALL', `customer asked to be called back at ${slot.start}`);
        return;
      }
      default:
        if (unreachable) {
          state.unreachableReason = unreachable;
          setStage('UNREACHABLE', unreachable);
        } else {
          setStage('AWAITING_CALL', report.outcome);
        }
    }
  }

  // --- Stage 1: decide -------------------------------------------------------------------------
  assessment = await assessContract.executeWithOptions({ summary: activitySummary(policyNo, 'ASSESSING', 'rule, cooling-off period, questionnaire, call plan') }, [{ contract, now: nowIso() }]);
  state.decision = assessment.decision;
  state.coolingOff = assessment.coolingOff;
  state.questions = assessment.questions.map(({ id, text }) => ({ id, text }));
  state.plan = assessment.plan;

  if (!assessment.decision.required) {
    state.closedAt = nowIso();
    setStage('NOT_REQUIRED', assessment.decision.reason);
    await record();
    return summary(state);
  }
  await record();

  try {
    await mainScope.run(callAndClose);
  } catch (err) {
    // An accepted waiver cancels whatever stage 2 was waiting on (a timer, a ticket, a receipt).
    if (!(state.stage === 'WAIVED' && isCancellation(err))) throw err;
  }
  await condition(allHandlersFinished);
  if (current) state.closedAt ??= nowIso(); // escalated or unresolved: the workflow's part ends here
  await record();
  return summary(state);

  async function callAndClose(): Promise<void> {
    // --- Stage 2: rounds of calls; problems go out as transfer tickets, and the branch calls again --
    let phone = contract.policyholder.phone;
    const ticketRuns: Promise<void>[] = [];
    let failedCallbackTickets = 0;
    let level1Tickets = 0;
    for (;;) {
      if (phone) {
        await callRound(phone);
      } else {
        state.unreachableReason = 'no-number';
        setStage('UNREACHABLE', 'no phone number on file');
      }
      if (state.stage === 'REFUSED' || state.stage === 'AWAITING_RECORDING') break;

      const byType = groupProblems();
      // Level-2 problems are the agent's to handle and archive; they do not hold up the call itself.
      if (byType['level-2'].length) ticketRuns.push(runTicket('level-2', byType['level-2']).then(() => undefined));
      if (state.stage === 'UNREACHABLE' || byType['failed-callback'].length) {
        if (failedCallbackTickets >= assessment!.maxFailedCallbackTickets) {
          setStage('UNREACHABLE', `no working number after ${failedCallbackTickets} corrected numbers`);
          break;
        }
        failedCallbackTickets++;
        const reasons = state.stage === 'UNREACHABLE' ? [state.unreachableReason ?? 'unreachable'] : byType['failed-callback'];
        const ticket = await runTicket('failed-callback', reasons);
        phone = ticket.reply?.correctedPhone;
        state.phoneSource = ticket.ticketId;
        if (current && msUntil(state.coolingOff!.endsAt) < assessment!.minHoursForPhoneRound * HOUR) {
          state.unreachableReason ??= reasons[0];
          setStage('UNREACHABLE', `the cooling-off period ends within ${assessment!.minHoursForPhoneRound} h: no time for another phone round`);
          break;
        }
      } else if (byType['level-1'].length) {
        if (level1Tickets >= assessment!.maxLevel1Tickets) {
          setStage('PROBLEM_FOUND', `level-1 problems unresolved after ${level1Tickets} transfers: for the branch`);
          break;
        }
        level1Tickets++;
        await runTicket('level-1', byType['level-1']);
      } else {
        setStage('AWAITING_RECORDING', 'only level-2 problems: the call itself is complete');
        break;
      }
      // The agent has answered: the branch calls again (a new plan from now; late if past the period).
      state.unreachableReason = undefined;
      const round = { now: nowIso(), coolingOffEndsAt: state.coolingOff!.endsAt, preference: contract.callPreference };
      state.plan = await planCallRound.executeWithOptions({ summary: activitySummary(policyNo, state.stage, 'plan the confirming call round') }, [round]);
    }

    // The row shows the call done while the recording (or a level-2 ticket) is awaited, for the compliance figures.
    if (current && state.stage === 'AWAITING_RECORDING' && patched(PROJECTION_ON_CALL_PATCH)) await record();

    // Phone could not do it: a letter or an on-site visit where allowed and within the cap.
    if (current && state.stage === 'UNREACHABLE') await fallBack(state.stageHistory.at(-1)?.note ?? 'unreachable by phone');

    // --- Stage 3: the recording, then every ticket closed, closes the callback ---------------------
    if (state.stage === 'AWAITING_RECORDING') await condition(() => state.recording !== undefined);
    if (ticketRuns.length) {
      if (state.stage !== 'REFUSED' && state.stage !== 'UNREACHABLE' && state.stage !== 'PROBLEM_FOUND' && !state.completedBy) {
        setStage('AWAITING_TICKET', 'level-2 tickets open');
      }
      await Promise.all(ticketRuns);
    }
    if (state.recording) {
      state.closedAt ??= nowIso();
      state.completedBy = current ? 'phone' : undefined;
      setStage('COMPLETED', `recording ${state.recording.reference}`);
    }
  }

  /**
   * Letter or on-site callback: the region must allow it and the office's monthly share stay within
   * the cap; otherwise the case goes up to the branch, with every failure on record.
   */
  async function fallBack(trigger: string): Promise<void> {
    const plan = await planFallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `may region ${contract.regionCode} have a letter or on-site callback?`) }, [{ regionCode: contract.regionCode, startedAt }]);
    const requestedAt = nowIso();
    const kind = plan.allowed[0];
    if (!kind) {
      const refusal = `region ${contract.regionCode} (${plan.source}) allows neither letter nor on-site callbacks`;
      state.fallback = { trigger, requestedAt, granted: false, refusal };
      return escalate(refusal);
    }
    const quota = { office: contract.org.tier4Office, month: plan.month, policyNo, kind, maxShare: plan.maxShare };
    const decision = await reserveFallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `reserve a ${kind} under ${quota.office}'s ${quota.month} cap`) }, [quota]);
    state.fallback = {
      kind,
      trigger,
      requestedAt,
      granted: decision.granted,
      refusal: decision.refusal,
      shareAtDecision: { fallbacks: decision.fallbacks, callbacks: decision.callbacks, cap: decision.maxShare },
    };
    if (!decision.granted) return escalate(decision.refusal!);

    const letter = { kind, contract, questions: state.questions ?? [], coolingOffEndsAt: state.coolingOff!.endsAt };
    const { documentRef } = await writeFallbackDocument.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `write the ${kind} document`) }, [letter]);
    state.fallback.documentRef = documentRef;
    setStage('AWAITING_RECEIPT', `${kind === 'letter' ? 'letter' : 'on-site visit'} ${documentRef}`);
    await record();
    await notifyStaff(
      fallbackNotice(
        kind === 'letter' ? { role: 'branch', code: contract.org.branch } : { role: 'tier4', code: contract.org.tier4Office },
        kind === 'letter' ? `letter callback to print and send: ${documentRef}` : `on-site callback to make: ${documentRef}`,
        'fallback-task',
      ),
    );
    const receiptDueAt = new Date(Date.now() + plan.receiptWaitDays * DAY).toISOString();
    const received = await condition(() => state.fallback!.receipt !== undefined, plan.receiptWaitDays * DAY, { summary: receiptDueSummary(policyNo, kind, receiptDueAt) });
    if (!received) return escalate(`no signed receipt within ${plan.receiptWaitDays} days of the ${kind} callback`);

    state.completedBy = kind;
    state.closedAt = nowIso();
    setStage('COMPLETED', `signed receipt ${state.fallback.receipt!.reference}`);
    // The register is rebuilt from the projection: the row goes in first.
    await record();
    await writeFallbackRegister.executeWithOptions({ summary: activitySummary(policyNo, 'COMPLETED', `rebuild ${contract.org.tier4Office}'s fallback register`) }, [{ tier4Office: contract.org.tier4Office, requestedAt, kind }]);
  }

  async function escalate(reason: string): Promise<void> {
    state.escalation = { to: 'branch', at: nowIso(), reason };
    setStage('UNREACHABLE', `escalated to branch ${contract.org.branch}: ${reason}`);
    await record();
    await notifyStaff(fallbackNotice({ role: 'branch', code: contract.org.branch }, `callback cannot be completed, for the branch: ${reason}`, 'callback-escalated'));
  }

  function notifyStaff(n: Notification): Promise<void> {
    return notify.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `notify ${n.to.role} ${n.to.code}: ${n.kind}`) }, [n]);
  }

  function fallbackNotice(to: Notification['to'], subject: string, kind: Notification['kind']): Notification {
    return {
      kind,
      to,
      subject: `${policyNo} ${subject}`,
      body: `保单 ${policyNo}：${subject}。电话回访记录：${state.attempts.map((a) => `第${a.attemptNo}次 ${a.outcome ?? ''}`).join('；') || '无'}。`,
      policyNo,
      sentAt: nowIso(),
    };
  }

  /** Calls the policyholder on `number` until reached, refused, the number fails, or the round is used up. */
  async function callRound(number: string): Promise<void> {
    let made = 0;
    for (;;) {
      const slot = state.plan.shift();
      if (!slot || made >= assessment!.maxAttempts) {
        state.unreachableReason = 'unreachable';
        setStage('UNREACHABLE', slot ? `${made} attempts made` : 'no slot left in the call plan');
        return;
      }
      state.nextAttemptAt = slot.start;
      setStage('AWAITING_CALL');
      await sleepUntil(slot.start, attemptDueSummary(policyNo, state.attempts.length + 1, slot));

      const attempt: CallAttempt = {
        attemptId: `${policyNo}-${state.attempts.length + 1}`,
        attemptNo: state.attempts.length + 1,
        slot,
        placedAt: nowIso(),
      };
      state.attempts.push(attempt);
      openAttempt = attempt;
      setStage('CALLING');
      await placeCall.executeWithOptions({ summary: placeCallSummary(policyNo, attempt.attemptNo, slot) }, [{
        policyNo,
        workflowId: workflowInfo().workflowId,
        attemptId: attempt.attemptId,
        attemptNo: attempt.attemptNo,
        windowStart: slot.start,
        windowEnd: slot.end,
        phone: number,
        questionIds: assessment!.questions.map((q) => q.id),
        late: slot.late,
      }]);
      const reported = await condition(() => attempt.report !== undefined, msUntil(slot.end), { summary: outcomeDueSummary(policyNo, attempt.attemptNo, slot) });
      openAttempt = undefined;
      if (reported) {
        made++;
      } else {
        attempt.outcome = 'not-made';
        setStage('AWAITING_CALL', `attempt ${attempt.attemptNo} not made in its slot`);
      }
      if (state.stage !== 'AWAITING_CALL') return; // reached, refused, or the number failed
    }
  }

  function groupProblems(): Record<TicketType, ReasonCode[]> {
    const byType: Record<TicketType, ReasonCode[]> = { 'failed-callback': [], 'level-1': [], 'level-2': [] };
    if (state.stage === 'PROBLEM_FOUND') for (const p of state.problems) byType[p.ticketType].push(p.reason);
    return byType;
  }

  /** Opens a ticket, waits for it to close, and keeps its outcome in the policy's state. */
  async function runTicket(type: TicketType, reasons: ReasonCode[]): Promise<TicketResult> {
    const seq = state.tickets.length + 1;
    const ref: TicketRef = { ticketId: ticketIdFor(policyNo, seq), type, reasons, openedAt: nowIso() };
    state.tickets.push(ref);
    if (type !== 'level-2') setStage('AWAITING_TICKET', `${type} ticket ${ref.ticketId}: ${reasons.join(', ')}`);
    const lastAttempt = state.attempts.at(-1);
    const finding = lastAttempt ? `attempt ${lastAttempt.attemptNo} (${lastAttempt.slot.start}): ${lastAttempt.outcome}` : 'no phone number on file';
    const handle = await openTicket(contract, seq, type, reasons, finding);
    const result = await handle.result();
    ref.closedAt = result.closedAt;
    ref.overdue = result.overdue;
    if (result.reply) {
      const { correctedPhone, ...rest } = result.reply;
      ref.reply = { ...rest, correctedPhoneGiven: correctedPhone !== undefined };
    }
    return result;
  }
}

/**
 * The storage's own words for a failed recording check ("not in storage", "does not match its
 * checksum"), as the Update's failure: the caller would otherwise only read "Activity task failed".
 */
function recordingCheckFailure(reference: string, err: unknown): unknown {
  if (!(err instanceof ActivityFailure)) return err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type === 'RecordingRejected') {
    return ApplicationFailure.create({ message: cause.message, type: 'RecordingRejected', nonRetryable: true });
  }
  return ApplicationFailure.create({
    message: `recording '${reference}' could not be checked (${cause?.message ?? err.message}); try the upload again`,
    type: 'RecordingCheckUnavailable',
    nonRetryable: true,
  });
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function summary(state: CallbackState): CallbackSummary {
  const { plan: _plan, ...rest } = state;
  return rest;
}



