/**
 * Stage 2, by phone: rounds of calls; problems go out as transfer tickets, and once the agent has
 * answered the branch calls again. Level-2 tickets run beside the calls and are returned, for the
 * close to wait on.
 */
import { nextStepAfterRound } from '../../domain/callback-flow';
import { msUntil, nowIso } from '../clock';
import { activitySummary } from '../summaries';
import { planCallRound } from './activities';
import { callRound } from './call-rounds';
import type { CallbackRun } from './run';
import { runTicket } from './tickets';

const HOUR = 3_600_000;

export async function callUntilDone(run: CallbackRun): Promise<Promise<void>[]> {
  const { state, contract } = run;
  const assessment = run.assessed;
  let phone = contract.policyholder.phone;
  const level2Tickets: Promise<void>[] = [];
  let failedCallbackTickets = 0;
  let level1Tickets = 0;
  for (;;) {
    if (phone) {
      await callRound(run, phone);
    } else {
      state.unreachableReason = 'no-number';
      run.setStage('UNREACHABLE', 'no phone number on file');
    }
    const { level2, next } = nextStepAfterRound({
      stage: state.stage,
      problems: state.problems,
      unreachableReason: state.unreachableReason,
      failedCallbackTickets,
      level1Tickets,
      maxFailedCallbackTickets: assessment.maxFailedCallbackTickets,
      maxLevel1Tickets: assessment.maxLevel1Tickets,
    });
    if (state.stage === 'REFUSED' || state.stage === 'AWAITING_RECORDING') return level2Tickets;
    // Level-2 problems are the agent's to handle and archive; they do not hold up the call itself.
    if (level2.length) level2Tickets.push(runTicket(run, 'level-2', level2).then(() => undefined));

    if (next.kind === 'no-working-number') {
      run.setStage('UNREACHABLE', next.note);
      return level2Tickets;
    }
    if (next.kind === 'level-1-unresolved') {
      run.setStage('PROBLEM_FOUND', next.note);
      return level2Tickets;
    }
    if (next.kind === 'calls-done') {
      run.setStage('AWAITING_RECORDING', next.note);
      return level2Tickets;
    }
    if (next.type === 'failed-callback') {
      failedCallbackTickets++;
      const ticket = await runTicket(run, 'failed-callback', next.reasons);
      phone = ticket.reply?.correctedPhone;
      state.phoneSource = ticket.ticketId;
      if (run.current && msUntil(run.coolingOffEndsAt) < assessment.minHoursForPhoneRound * HOUR) {
        state.unreachableReason ??= next.reasons[0];
        run.setStage('UNREACHABLE', `the cooling-off period ends within ${assessment.minHoursForPhoneRound} h: no time for another phone round`);
        return level2Tickets;
      }
    } else {
      level1Tickets++;
      await runTicket(run, 'level-1', next.reasons);
    }
    // The agent has answered: the branch calls again (a new plan from now; late if past the period).
    state.unreachableReason = undefined;
    const round = { now: nowIso(), coolingOffEndsAt: run.coolingOffEndsAt, preference: contract.callPreference };
    state.plan = await planCallRound.executeWithOptions({ summary: activitySummary(run.policyNo, state.stage, 'plan the confirming call round') }, [round]);
  }
}
