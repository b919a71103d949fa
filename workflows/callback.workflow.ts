/**
 * One policy's callback (回访), from the decision to the close, as the deck runs it:
 *
 *   assess → call rounds (tickets, confirming calls) → letter / on-site → recording → close
 *
 *   ASSESSING → NOT_REQUIRED
 *             → AWAITING_CALL ⇄ CALLING → AWAITING_RECORDING → COMPLETED
 *                                       → REFUSED | PROBLEM_FOUND
 *                                       → UNREACHABLE → AWAITING_RECEIPT (letter / on-site) → COMPLETED
 *                                                     → (region forbids, cap reached) escalated to the branch
 *   any open stage before a completed call → WAIVED (signed waiver accepted by the tier-3 handler)
 *
 * Each stage is a module of workflows/callback/ working on one `CallbackRun`; the decisions are pure
 * functions in domain/callback-flow.ts. Deterministic: everything that depends on configuration or
 * the outside world comes from an activity and is kept in history.
 */
import { allHandlersFinished, condition, isCancellation } from '@temporalio/workflow';
import type { CallbackSummary } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { nowIso } from './clock';
import { assess } from './callback/assess';
import { awaitRecordingAndTickets, recordCompletedCall } from './callback/close';
import { fallBack } from './callback/fallback';
import { registerCallbackHandlers } from './callback/handlers';
import { callUntilDone } from './callback/phone';
import { CallbackRun } from './callback/run';

export { FALLBACK_AND_WAIVERS_PATCH } from './callback/run';
export { PROJECTION_ON_CALL_PATCH } from './callback/close';

export interface CallbackWorkflowInput {
  contract: Contract;
}

export async function callbackWorkflow({ contract }: CallbackWorkflowInput): Promise<CallbackSummary> {
  const run = new CallbackRun(contract);
  registerCallbackHandlers(run);

  await assess(run);
  if (!run.state.decision!.required) {
    run.close('NOT_REQUIRED', run.state.decision!.reason);
    await run.record();
    return run.summary();
  }
  await run.record();

  try {
    await run.mainScope.run(async () => {
      const level2Tickets = await callUntilDone(run);
      await recordCompletedCall(run);
      // Phone could not do it: a letter or an on-site visit where allowed and within the cap.
      if (run.current && run.state.stage === 'UNREACHABLE') await fallBack(run, run.state.stageHistory.at(-1)?.note ?? 'unreachable by phone');
      await awaitRecordingAndTickets(run, level2Tickets);
    });
  } catch (err) {
    // An accepted waiver cancels whatever the stage was waiting on (a timer, a ticket, a receipt).
    if (!(run.state.stage === 'WAIVED' && isCancellation(err))) throw err;
  }
  await condition(allHandlersFinished);
  if (run.current) run.state.closedAt ??= nowIso(); // escalated or unresolved: the workflow's part ends here
  await run.record();
  return run.summary();
}
