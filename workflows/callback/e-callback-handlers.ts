/**
 * The e-callback's messages: the page's API reports the policyholder's completed e-callback, or that
 * it ended without answers (a call asked for, the identity check locked). Both only while the stage
 * waits for it, and only for the link sent last.
 */
import { setHandler } from '@temporalio/workflow';
import { answersRejection, problemsOf } from '../../domain/callback-flow';
import type { ECallbackRecord } from '../../domain/callback-state';
import { nowIso } from '../clock';
import { completeECallback, endECallback } from '../messages';
import type { CallbackRun } from './run';

export function registerECallbackHandlers(run: CallbackRun): void {
  const { state } = run;
  /** The e-callback waiting for the page, with `linkId` its latest link; else why not. */
  const waiting = (linkId: string): ECallbackRecord => {
    const e = state.eCallback;
    if (state.stage !== 'AWAITING_E_CALLBACK' || !e || e.completedAt || e.endedWithout) throw new Error(`no e-callback is waiting for policy ${run.policyNo} (stage ${state.stage})`);
    if (e.links.at(-1)?.linkId !== linkId) throw new Error(`link ${linkId} is not the latest link of policy ${run.policyNo}: it no longer works`);
    return e;
  };

  setHandler(
    completeECallback,
    async (done) => {
      const e = waiting(done.linkId);
      e.completedAt = nowIso();
      e.answers = done.answers;
      e.signature = done.signature;
      // The answers count as a completed call's do: each "no" is a problem for its ticket.
      state.problems = problemsOf(done.answers, undefined, run.assessed);
      run.setStage(state.problems.length ? 'PROBLEM_FOUND' : 'AWAITING_E_CALLBACK', `e-callback completed on the page (link ${done.linkId})`);
      await run.record();
      return state;
    },
    {
      validator: (done) => {
        waiting(done?.linkId);
        const why = answersRejection(run.assessed.questions, done.answers ?? {});
        if (why) throw new Error(why);
        if (!done.signature?.ref || !/^[0-9a-f]{64}$/.test(done.signature.sha256 ?? '')) throw new Error('signature: the signed image is required');
      },
    },
  );

  setHandler(
    endECallback,
    async (end) => {
      waiting(end.linkId).endedWithout = end.why;
      run.note(end.why === 'asked-for-a-call' ? 'the policyholder asked for a call on the e-callback page' : 'e-callback link locked after wrong identity checks');
      await run.record();
      return state;
    },
    {
      validator: (end) => {
        waiting(end?.linkId);
        if (end.why !== 'asked-for-a-call' && end.why !== 'identity-locked') throw new Error("why: must be 'asked-for-a-call' or 'identity-locked'");
      },
    },
  );
}
