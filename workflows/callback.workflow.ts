/**
 * One policy's callback (回访), from the decision to the close, as the deck runs it:
 *
 *   assess → [e-callback] → call rounds (tickets, confirming calls) → letter / on-site → recording → tickets → close
 *
 * Every wait has a deadline and an action when it passes (domain/waits.ts); a case that cannot be
 * finished goes to the branch (UNRESOLVED), which closes it with its decision. An accepted waiver
 * ends any open stage before a completed call. Each stage is a module of workflows/callback/
 * working on one `CallbackRun`; the decisions are pure functions in domain/callback-flow.ts.
 */
import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { contractInputRejection } from '../domain/workflow-inputs';
import type { CallbackSummary } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { assess } from './callback/assess';
import { awaitLevel2Tickets, awaitRecording, closeDone } from './callback/close';
import { fallBack } from './callback/fallback';
import { registerCallbackHandlers } from './callback/handlers';
import { callOnTape, callUntilDone, type PhoneEnd } from './callback/phone';
import { planRound } from './callback/calendar-wait';
import { eCallbackStage } from './callback/e-callback';
import { registerECallbackHandlers } from './callback/e-callback-handlers';
import { nowIso } from './clock';
import { CallbackRun } from './callback/run';
import type { OpenTicket } from './callback/tickets';

export interface CallbackWorkflowInput {
  contract: Contract;
}

export async function callbackWorkflow(input: CallbackWorkflowInput): Promise<CallbackSummary> {
  // Started another way than through the API or the CLI (the frontend, a script): refused at once, naming the field.
  const wrong = contractInputRejection(input?.contract);
  if (wrong) throw ApplicationFailure.nonRetryable(wrong, 'InvalidWorkflowInput');
  const { contract } = input;
  const run = new CallbackRun(contract);
  registerCallbackHandlers(run);
  registerECallbackHandlers(run);

  await assess(run);
  if (!run.state.decision!.required) {
    run.close('NOT_REQUIRED', run.state.decision!.reason);
    return run.finish();
  }
  // Since the writes before waits, the first comes before the first slot's sleep, with its stage.
  if (!run.writesBeforeWaits()) await run.record();

  try {
    await run.mainScope.run(async () => {
      const level2Tickets: OpenTicket[] = [];
      // Online first where the policyholder chose it or the configuration says so; else, or when it is
      // not completed in time, the phone with the time that is left.
      const method = run.assessed.method;
      const online = method?.method === 'e-callback' && (await eCallbackStage(run)) === 'completed';
      let phone: PhoneEnd;
      if (method?.noPhone && !online && run.state.eCallback?.endedWithout !== 'asked-for-a-call') {
        // A do-not-call request (unless withdrawn on the page): what e-callback could not do goes by letter or on-site.
        run.note('do-not-call request: letter or on-site instead of a call');
        phone = 'phone-failed';
      } else {
        if (run.state.eCallback && !online) await planRound(run, { now: nowIso(), coolingOffEndsAt: run.coolingOffEndsAt, preference: contract.callPreference }, 'plan the phone round after the e-callback');
        phone = await callUntilDone(run, level2Tickets, online);
      }
      if (phone === 'closed') return;
      if (phone === 'call-done') {
        await run.record(); // the call is done: the compliance figures count it while the recording is awaited
        if (callOnTape(run.state) && !(await awaitRecording(run))) return;
      } else if ((await fallBack(run, run.lastNote('unreachable by phone'), level2Tickets)) === 'closed') {
        return;
      }
      if (!(await awaitLevel2Tickets(run, level2Tickets))) return;
      closeDone(run);
    });
  } catch (err) {
    // An accepted waiver cancels whatever the stage was waiting on (a timer, a ticket, a receipt).
    if (!(run.state.stage === 'WAIVED' && isCancellation(err))) throw err;
    await run.ticketsCancelled();
  }
  return run.finish();
}
