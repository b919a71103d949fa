/**
 * The callback's messages: the state query and the five Updates. Each validator turns a bad or
 * untimely message down with the workflow unchanged and the reason in words; each handler changes
 * the state through the run. Async handlers hold a Mutex, so a second message of the same kind
 * waits its turn or, where the caller should simply try again, is turned down while one is in progress.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { setHandler } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { answersRejection, outcomeRejection, stageAfterRecording } from '../../domain/callback-flow';
import type { CallbackStage } from '../../domain/callback-state';
// Plain checks, not zod: the bundle's modules run again for every workflow (domain/plain-check.ts).
import { branchDecisionCheck, callOutcomeCheck, fallbackReceiptCheck, recordingUploadCheck, waiverDecisionCheck, waiverReportCheck } from '../../domain/message-checks';
import { checkOrThrow } from '../../domain/plain-check';
import { scannedRefRejection, type ScannedKind } from '../../domain/scanned-documents';
import { acceptsRecording } from '../../domain/recording-files';
import { branchDeciderRejection, receiptEntererRejection, waiverDeciderRejection, waiverReporterRejection } from '../../domain/waiver-rules';
import { nowIso } from '../clock';
import { closeUnresolved, decideWaiver, getCallbackState, recordCallOutcome, recordFallbackReceipt, recordingUploaded, reportWaiver, type OutcomeAck } from '../messages';
import { UNKNOWN_ATTEMPT } from '../../domain/errors';
import { activitySummary } from '../summaries';
import { checkDocument, verifyRecording } from './activities';
import { applyOutcome } from './call-rounds';
import type { CallbackRun } from './run';

const OPEN_STAGES_FOR_WAIVER = new Set<CallbackStage>(['AWAITING_CALL', 'CALLING', 'UNREACHABLE', 'AWAITING_TICKET', 'AWAITING_RECEIPT', 'UNRESOLVED']);

export function registerCallbackHandlers(run: CallbackRun): void {
  const { state, policyNo, org } = run;
  const waiverReporting = new Mutex();
  const recordingVerifying = new Mutex();

  setHandler(getCallbackState, () => state);

  setHandler(
    recordCallOutcome,
    (report): OutcomeAck => {
      const attempt = state.attempts.find((a) => a.attemptId === report.attemptId)!;
      if (attempt.report) return { attemptId: attempt.attemptId, stage: state.stage, duplicate: true };
      applyOutcome(run, attempt, checkOrThrow(callOutcomeCheck, report));
      return { attemptId: attempt.attemptId, stage: state.stage, duplicate: false };
    },
    {
      validator: (report) => {
        const parsed = checkOrThrow(callOutcomeCheck, report);
        const why = outcomeRejection(parsed, {
          policyNo,
          stage: state.stage,
          attempts: state.attempts,
          openAttemptId: run.openAttempt?.attemptId,
          questions: run.assessment?.questions ?? [],
          now: Date.now(),
        });
        if (why?.unknownAttempt) throw ApplicationFailure.create({ type: UNKNOWN_ATTEMPT, message: why.message });
        if (why) throw new Error(why.message);
      },
    },
  );

  setHandler(
    recordingUploaded,
    (upload) =>
      recordingVerifying.runExclusive(async () => {
        const verified = await run.local(() => verifyRecording.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `verify recording ${upload.reference}`) }, [upload])).catch((err: unknown) => {
          throw recordingCheckFailure(upload.reference, err);
        });
        state.recording = { ...upload, verifiedAt: nowIso(), sizeBytes: verified.sizeBytes };
        // The callback closes once its level-2 tickets are archived too; a refusal closes as REFUSED.
        const openLevel2 = state.tickets.filter((t) => t.type === 'level-2' && !t.closedAt).length;
        const stage = stageAfterRecording(state.refusal !== undefined, openLevel2);
        if (stage === 'AWAITING_TICKET') {
          run.setStage(stage, `recording ${upload.reference}`);
        } else {
          if (stage === 'COMPLETED') state.completedBy = 'phone';
          run.close(stage, `recording ${upload.reference}`);
        }
        return state;
      }),
    {
      validator: (upload) => {
        checkOrThrow(recordingUploadCheck, upload);
        if (!acceptsRecording(state.stage, state.escalation?.cause)) throw new Error(`no recording is expected in stage ${state.stage}`);
        if (recordingVerifying.isLocked()) throw new Error('a recording is already being verified for this policy');
      },
    },
  );

  setHandler(
    reportWaiver,
    (report) =>
      waiverReporting.runExclusive(async () => {
        const parsed = checkOrThrow(waiverReportCheck, report);
        // The statement must be in the document store: the 08:30 list attaches it.
        await run.local(() => checkDocument({ path: parsed.statementRef })).catch((err: unknown) => {
          throw ApplicationFailure.create({ message: failureMessage(err), type: 'WaiverRejected', nonRetryable: true });
        });
        if (state.waiver) (state.rejectedWaivers ??= []).push(state.waiver);
        state.waiver = { statementRef: parsed.statementRef, reportedBy: parsed.actor, reportedAt: nowIso(), note: parsed.note };
        run.note(`waiver reported by ${parsed.actor.role} ${parsed.actor.id}`);
        await run.record();
        return state;
      }),
    {
      validator: (report) => {
        const parsed = checkOrThrow(waiverReportCheck, report);
        const why = waiverReporterRejection(parsed.actor, org) ?? citedRejection('statementRef', 'statements', parsed.statementRef) ?? waiverRejection();
        if (why) throw new Error(why);
        if (waiverReporting.isLocked()) throw new Error('another waiver is being reported for this policy; try again');
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
        run.close('WAIVED', `waiver ${waiver.statementRef} accepted by ${parsed.actor.id}`);
        run.mainScope.cancel();
      } else {
        run.note(`waiver rejected by ${parsed.actor.id}: ${parsed.reason}`);
      }
      await run.record();
      return state;
    },
    {
      validator: (decision) => {
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
      await run.local(() => checkDocument({ path: parsed.receiptRef })).catch((err: unknown) => {
        throw ApplicationFailure.create({ message: failureMessage(err), type: 'ReceiptRejected', nonRetryable: true });
      });
      if (state.fallback!.receipt) return state; // entered meanwhile by a repeated request
      state.fallback!.receipt = {
        reference: parsed.receiptRef,
        signedBy: parsed.signedBy,
        signedAt: parsed.signedAt,
        enteredAt: nowIso(),
        answers: parsed.answers,
        reportedProblems: parsed.reportedProblems,
      };
      return state;
    },
    {
      validator: (receipt) => {
        const parsed = checkOrThrow(fallbackReceiptCheck, receipt);
        const late = state.stage === 'UNRESOLVED' && state.escalation?.cause === 'receipt';
        if (state.stage !== 'AWAITING_RECEIPT' && !late) throw new Error(`no signed receipt is expected in stage ${state.stage}`);
        const why =
          receiptEntererRejection(parsed.actor, org) ?? citedRejection('receiptRef', 'receipts', parsed.receiptRef) ?? answersRejection(run.assessed.questions, parsed.answers);
        if (why) throw new Error(why);
      },
    },
  );

  setHandler(
    closeUnresolved,
    async (decision) => {
      const parsed = checkOrThrow(branchDecisionCheck, decision);
      state.branchDecision = { reason: parsed.reason, by: parsed.actor, at: nowIso() };
      // The branch's words stay in the state (encrypted), not in the stage line the Web UI shows.
      run.close('CLOSED_BY_BRANCH', `closed by branch ${parsed.actor.office ?? ''} ${parsed.actor.id}`.replace('  ', ' '));
      await run.record();
      return state;
    },
    {
      validator: (decision) => {
        const parsed = checkOrThrow(branchDecisionCheck, decision);
        const why = branchDeciderRejection(parsed.actor, org);
        if (why) throw new Error(why);
        if (state.stage !== 'UNRESOLVED') throw new Error(`policy ${policyNo} is not with the branch (stage ${state.stage}); only an unresolved case is closed by the branch`);
      },
    },
  );

  /** Why a waiver cannot be taken now (undefined when it can): only before a completed call, while open. */
  /** A waiver or receipt cites this policy's own scanned document of its kind, nothing else in the store. */
  function citedRejection(field: string, kind: ScannedKind, ref: string): string | undefined {
    const why = scannedRefRejection(kind, policyNo, ref);
    return why && `${field}: ${why}`;
  }

  function waiverRejection(): string | undefined {
    if (state.closedAt) return `the callback of policy ${policyNo} is closed (${state.stage})`;
    if (state.attempts.some((a) => a.outcome === 'completed')) return `the policyholder was already called successfully; a waiver no longer applies`;
    if (!OPEN_STAGES_FOR_WAIVER.has(state.stage)) return `no waiver is taken in stage ${state.stage}`;
    return undefined;
  }
}

/**
 * The storage's own words for a failed recording check ("not in storage", "does not match its
 * checksum"), as the Update's failure: the caller would otherwise only read "Activity task failed".
 */
function recordingCheckFailure(reference: string, err: unknown): unknown {
  // A local activity's failure may arrive wrapped (ActivityFailure) or as its own ApplicationFailure.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'RecordingRejected') {
    return ApplicationFailure.create({ message: cause.message, type: 'RecordingRejected', nonRetryable: true });
  }
  if (!(cause instanceof Error)) return err;
  return ApplicationFailure.create({
    message: `recording '${reference}' could not be checked (${cause.message}); try the upload again`,
    type: 'RecordingCheckUnavailable',
    nonRetryable: true,
  });
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
