/**
 * Stage 2, by phone: rounds of calls; problems go out as transfer tickets, and once the agent has
 * answered the branch calls again. The callback waits for a failed-callback or level-1 ticket only
 * while a phone round still fits in the cooling-off period (and at least minTicketWaitHours): then
 * it moves on without it, and the ticket keeps its own escalation. Level-2 tickets run beside the
 * calls and are returned, for the close to wait on.
 */
import { nextStepAfterRound } from '../../domain/callback-flow';
import { msUntil, nowIso } from '../clock';
import { localStamp } from '../summaries';
import { callRound } from './call-rounds';
import { planRound } from './calendar-wait';
import type { CallbackState } from '../../domain/callback-state';
import type { CallbackRun } from './run';
import { awaitTickets, findingOf, startTicket, type OpenTicket } from './tickets';

const HOUR = 3_600_000;

/** How the phone part ended. */
export type PhoneEnd = 'call-done' | 'phone-failed' | 'closed';

/** Whether a call of this callback is on tape (completed or refused): its recording is then awaited. */
export function callOnTape(state: CallbackState): boolean {
  return state.attempts.some((a) => a.outcome === 'completed' || a.outcome === 'refused');
}

/** `answeredOnline`: the e-callback's answers stand for the first round; problems go on from them. */
export async function callUntilDone(run: CallbackRun, level2Tickets: OpenTicket[], answeredOnline = false): Promise<PhoneEnd> {
  const { state, contract } = run;
  const assessment = run.assessed;
  let phone = contract.policyholder.phone;
  let failedCallbackTickets = 0;
  let level1Tickets = 0;
  let roundDone = answeredOnline;
  for (;;) {
    if (roundDone) {
      roundDone = false;
    } else if (phone) {
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
    // Level-2 problems are the agent's to handle and archive; they do not hold up the call itself,
    // and a reason already open in a ticket does not open a second one.
    const fresh = level2.filter((reason) => !level2Tickets.some((t) => t.ref.reasons.includes(reason)));
    if (fresh.length) level2Tickets.push(await startTicket(run, 'level-2', fresh, findingOf(run)));

    switch (next.kind) {
      case 'calls-done':
        if (state.stage !== 'AWAITING_RECORDING' && callOnTape(state)) run.setStage('AWAITING_RECORDING', next.note);
        return 'call-done';
      case 'no-working-number':
        run.note(next.note);
        return 'phone-failed';
      case 'level-1-unresolved':
        return (await run.escalate('level-1', next.note)) ? 'call-done' : 'closed';
    }
    const ticket = await startTicket(run, next.type, next.reasons, findingOf(run));
    if (next.type === 'failed-callback') failedCallbackTickets++;
    else level1Tickets++;
    const deadline = ticketWaitDeadline(run, ticket);
    await run.recordChanges();
    const replied = await awaitTickets('ticket-reply', [ticket], deadline, `${run.policyNo} · AWAITING_TICKET · ${ticket.ref.ticketId}: the callback moves on at ${localStamp(deadline)}`);
    if (!replied) {
      const why = `no reply to ${ticket.ref.ticketId} by ${localStamp(deadline)}, while a phone round still fitted`;
      if (next.type === 'level-1') return (await run.escalate('level-1', why)) ? 'call-done' : 'closed';
      state.unreachableReason ??= next.reasons[0];
      run.setStage('UNREACHABLE', why);
      return 'phone-failed';
    }
    if (next.type === 'failed-callback') {
      phone = ticket.result!.reply?.correctedPhone;
      state.phoneSource = ticket.ref.ticketId;
      if (msUntil(run.coolingOffEndsAt) < assessment.minHoursForPhoneRound * HOUR) {
        state.unreachableReason ??= next.reasons[0];
        run.setStage('UNREACHABLE', `the cooling-off period ends within ${assessment.minHoursForPhoneRound} h: no time for another phone round`);
        return 'phone-failed';
      }
    }
    // The agent has answered: the branch calls again (a new plan from now; late if past the period).
    state.unreachableReason = undefined;
    const round = { now: nowIso(), coolingOffEndsAt: run.coolingOffEndsAt, preference: contract.callPreference };
    await planRound(run, round, 'plan the confirming call round');
  }
}

/** The last moment a phone round still fits after the reply, but never sooner than minTicketWaitHours. */
function ticketWaitDeadline(run: CallbackRun, ticket: OpenTicket): string {
  const { minHoursForPhoneRound, deadlines } = run.assessed;
  const phoneRoundFits = Date.parse(run.coolingOffEndsAt) - minHoursForPhoneRound * HOUR;
  const minimum = Date.parse(ticket.ref.openedAt) + deadlines.minTicketWaitHours * HOUR;
  return new Date(Math.max(phoneRoundFits, minimum)).toISOString();
}
