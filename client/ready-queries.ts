/**
 * Ready-made visibility queries for the Temporal Web UI's workflow list (and `temporal workflow
 * list --query`), over huifang's search attributes: what ops staff ask every day. The README shows
 * them with example values; `huifang demo` prints them as links; the tests run them on the dev server.
 */
import { addCalendarDays, instantAt, localDateOf, type LocalDate } from '../domain/local-time';

/** Stages in which no call has been completed yet (AWAITING_TICKET: a failed-callback or level-1 ticket is out, or level-2 after the call). */
export const BEFORE_A_COMPLETED_CALL = ['AWAITING_CALL', 'CALLING', 'UNREACHABLE', 'AWAITING_TICKET', 'AWAITING_RECEIPT'] as const;

/** Today's calls: callbacks whose next attempt falls on the local day `date` (Asia/Shanghai), or being called now. */
export function todaysCallsQuery(date: LocalDate = localDateOf(new Date())): string {
  const from = instantAt(date, '00:00').toISOString();
  const to = instantAt(addCalendarDays(date, 1), '00:00').toISOString();
  return `WorkflowType="callbackWorkflow" AND CallbackStage IN ("AWAITING_CALL","CALLING") AND NextAttemptAt >= "${from}" AND NextAttemptAt < "${to}"`;
}

/** The overdue level-1 tickets of one central sub-branch. */
export function overdueLevel1Query(centralSubBranch: string): string {
  return `WorkflowType="transferTicketWorkflow" AND CentralSubBranch="${centralSubBranch}" AND TicketLevel=1 AND Overdue=true`;
}

/** Open callbacks whose cooling-off period ends within `days` days of `now`, with no completed call yet. */
export function nearCoolingOffEndQuery(now: Date = new Date(), days = 3): string {
  const until = new Date(now.getTime() + days * 86_400_000).toISOString();
  const stages = BEFORE_A_COMPLETED_CALL.map((s) => `"${s}"`).join(',');
  return `WorkflowType="callbackWorkflow" AND ExecutionStatus="Running" AND CoolingOffEnd < "${until}" AND CallbackStage IN (${stages})`;
}
