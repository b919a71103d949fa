/**
 * Waiting for the tier-3 handler's dispatch. The clock starts when the ticket opens and runs in
 * working hours (a ticket opened on Friday evening is not late on Monday morning): the handler is
 * reminded, later the ticket goes up to the branch, which is reminded until it is dispatched.
 */
import { localStamp, ticketTimerSummary } from '../summaries';
import { waitUntil } from '../waits';
import type { TicketRun } from './run';

export async function awaitDispatch(run: TicketRun): Promise<void> {
  const { state, ticketId } = run;
  const { remindAt, escalateAt } = run.deadlines;
  const dispatched = () => state.stage !== 'AWAITING_DISPATCH';
  if (await waitUntil('dispatch-reminder', dispatched, remindAt, ticketTimerSummary(ticketId, state.stage, 'tier-3 handler reminded to dispatch at', remindAt))) return;
  run.remind('dispatch-reminder', [run.tier3], 'dispatch', `not dispatched yet, opened ${localStamp(state.createdAt)}: to the branch at ${localStamp(escalateAt)}`);
  if (await waitUntil('dispatch', dispatched, escalateAt, ticketTimerSummary(ticketId, state.stage, 'still not dispatched: to the branch at', escalateAt))) return;
  await run.escalateToBranch('dispatch', `not dispatched by the tier-3 handler ${run.tier3.code}, opened ${localStamp(state.createdAt)}`, dispatched);
}
