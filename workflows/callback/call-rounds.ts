/**
 * A round of calls: sleep until each planned slot, hand the attempt to the call center, wait for its
 * outcome until the slot ends. The outcome arrives as an Update (handlers.ts) and is applied here.
 */
import { workflowInfo } from '@temporalio/workflow';
import { outcomeTransition, planWithCallBack } from '../../domain/callback-flow';
import type { CallOutcomeReport } from '../../domain/call-outcome';
import type { CallAttempt } from '../../domain/callback-state';
import { nowIso } from '../clock';
import { sleepUntil, waitUntil } from '../waits';
import { attemptDueSummary, outcomeDueSummary, placeCallSummary } from '../summaries';
import { placeCall } from './activities';
import { awaitCalendarYear } from './calendar-wait';
import type { CallbackRun } from './run';

/** Calls the policyholder on `number` until reached, refused, the number fails, or the round is used up. */
export async function callRound(run: CallbackRun, number: string): Promise<void> {
  const { state, policyNo } = run;
  const assessment = run.assessed;
  let made = 0;
  for (;;) {
    // The known days are done and the plan stops before a year the calendar lacks: wait for its file.
    if (state.plan.length === 0 && state.calendarMissing && made < assessment.maxAttempts) await awaitCalendarYear(run);
    const slot = state.plan.shift();
    if (!slot || made >= assessment.maxAttempts) {
      state.unreachableReason = 'unreachable';
      run.setStage('UNREACHABLE', slot ? `${made} attempts made` : 'no slot left in the call plan');
      return;
    }
    state.nextAttemptAt = slot.start;
    run.setStage('AWAITING_CALL');
    await run.recordChanges();
    await sleepUntil('slot-start', slot.start, attemptDueSummary(policyNo, state.attempts.length + 1, slot));

    const attempt: CallAttempt = {
      attemptId: `${policyNo}-${state.attempts.length + 1}`,
      attemptNo: state.attempts.length + 1,
      slot,
      placedAt: nowIso(),
    };
    state.attempts.push(attempt);
    run.openAttempt = attempt;
    run.setStage('CALLING');
    await run.local(() =>
      placeCall.executeWithOptions({ summary: placeCallSummary(policyNo, attempt.attemptNo, slot) }, [
        {
          policyNo,
          workflowId: workflowInfo().workflowId,
          attemptId: attempt.attemptId,
          attemptNo: attempt.attemptNo,
          windowStart: slot.start,
          windowEnd: slot.end,
          phone: number,
          questionIds: assessment.questions.map((q) => q.id),
          late: slot.late,
        },
      ]),
    );
    const reported = await waitUntil('call-outcome', () => attempt.report !== undefined, slot.end, outcomeDueSummary(policyNo, attempt.attemptNo, slot));
    run.openAttempt = undefined;
    if (reported) {
      made++;
    } else {
      attempt.outcome = 'not-made';
      run.setStage('AWAITING_CALL', `attempt ${attempt.attemptNo} not made in its slot`);
    }
    if (state.stage !== 'AWAITING_CALL') return; // reached, refused, or the number failed
  }
}

/** Applies a validated outcome (domain/callback-flow.ts decides); the round reacts to the stage it leaves. */
export function applyOutcome(run: CallbackRun, attempt: CallAttempt, report: CallOutcomeReport): void {
  const { state } = run;
  const assessment = run.assessed;
  attempt.report = report;
  attempt.outcome = report.outcome;
  attempt.recordedAt = nowIso();
  state.attemptsMade++;
  const t = outcomeTransition(report, {
    questions: assessment.questions,
    ticketTypeOf: assessment.ticketTypeOf,
    coolingOffEndsAt: run.coolingOffEndsAt,
    callBackWindowMinutes: assessment.callBackWindowMinutes,
  });
  switch (t.kind) {
    case 'reached':
      state.problems = t.problems;
      return run.setStage(t.stage);
    case 'refused':
      // The operator's note is free text: kept in the encrypted state, not in the stage line.
      state.refusal = { at: nowIso(), note: t.note };
      return run.setStage(t.stage, 'refused by the policyholder: closed once the recording is verified');
    case 'call-back':
      state.plan = planWithCallBack(state.plan, t.slot);
      return run.setStage('AWAITING_CALL', t.note);
    case 'unreachable':
      state.unreachableReason = t.reason;
      return run.setStage('UNREACHABLE', t.reason);
    case 'try-again':
      return run.setStage('AWAITING_CALL', t.note);
  }
}
