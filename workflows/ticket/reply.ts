/**
 * Waiting for the agent's reply, on the deadlines set at dispatch (the deck's 2 working days): a
 * reminder to the agent and the tier-4 office on the due day; at the due time the ticket is overdue
 * and goes to the tier-3 handler; later to the branch, which is reminded until the reply comes. A
 * late reply is still taken (and marked late).
 */
import { nowIso } from '../clock';
import { localStamp, ticketTimerSummary } from '../summaries';
import { waitUntil } from '../waits';
import type { TicketRun } from './run';

export async function awaitReply(run: TicketRun): Promise<void> {
  const { state, ticketId } = run;
  const replied = () => state.reply !== undefined;
  // Set by the dispatch, with escalateToBranchAt.
  const remindAt = state.remindAt!;
  const dueAt = state.dueAt!;
  if (await waitUntil('reply-reminder', replied, remindAt, ticketTimerSummary(ticketId, state.stage, 'reminder to the agent and the tier-4 office at', remindAt))) return;
  state.reminded = true;
  run.remind('ticket-reminder', [run.agent, run.tier4], 'reply', `reply due by ${localStamp(dueAt)}`);

  if (await waitUntil('reply', replied, dueAt, ticketTimerSummary(ticketId, state.stage, 'reply due (then overdue, to the tier-3 handler) at', dueAt))) return;
  state.overdue = true;
  state.escalations.push({ to: 'tier3', code: run.tier3.code, at: nowIso(), about: 'reply' });
  run.publish();
  run.project();
  run.send('ticket-overdue', run.tier3, `overdue since ${localStamp(dueAt)}`);

  const branchAt = run.escalateToBranchAt!;
  if (await waitUntil('reply-escalation', replied, branchAt, ticketTimerSummary(ticketId, state.stage, 'still unanswered: escalation to the branch at', branchAt))) return;
  await run.escalateToBranch('reply', `still unanswered, overdue since ${localStamp(dueAt)}`, replied);
}
