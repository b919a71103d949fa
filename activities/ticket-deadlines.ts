/**
 * A ticket's deadlines on the working-day calendar, computed once at dispatch and kept in history:
 * the reply is due `replyDueWorkingDays` working days after the dispatch day (the deck's "within 2
 * working days"), a reminder goes out on the due day, and an overdue ticket goes up to the branch
 * some working days later.
 */
import type { Settings } from '../config/settings';
import { instantAt, localDateOf } from '../domain/local-time';

export interface TicketDeadlines {
  remindAt: string;
  dueAt: string;
  escalateToBranchAt: string;
}

export function createTicketDeadlineActivities(settings: Settings) {
  return {
    async ticketDeadlines({ dispatchedAt }: { dispatchedAt: string }): Promise<TicketDeadlines> {
      const { calendar, tickets, timeZone } = settings;
      const dispatchDay = localDateOf(new Date(dispatchedAt), timeZone);
      const dueDay = calendar.addWorkingDays(dispatchDay, tickets.replyDueWorkingDays);
      const branchDay = calendar.addWorkingDays(dueDay, tickets.escalateToBranchAfterWorkingDays);
      return {
        remindAt: instantAt(dueDay, tickets.remindAtLocalTime, timeZone).toISOString(),
        dueAt: instantAt(dueDay, tickets.dueAtLocalTime, timeZone).toISOString(),
        escalateToBranchAt: instantAt(branchDay, tickets.dueAtLocalTime, timeZone).toISOString(),
      };
    },
  };
}
