/**
 * A ticket's deadlines, computed by local activities so each answer is kept in history (a changed
 * calendar or setting never moves the deadline of a running ticket):
 * - dispatch: counted in working hours (office hours on working days) from the moment the ticket
 *   opened: the tier-3 handler is reminded, later the branch is told;
 * - the reply: due `replyDueWorkingDays` working days after the dispatch day (the deck's "within 2
 *   working days"), a reminder on the due day, the branch some working days after the due time;
 * - a level-2 ticket's collection and archiving: `level2StepWorkingDays` working days each before a
 *   reminder, as long again before the branch.
 */
import type { Settings } from '../config/settings';
import { instantAt, localDateOf } from '../domain/local-time';
import { addWorkingDaysOfHours, addWorkingHours } from '../domain/working-hours';

export interface TicketDeadlines {
  remindAt: string;
  dueAt: string;
  escalateToBranchAt: string;
}

/** A step's two deadlines: remind whoever owes it, then go up to the branch. */
export interface StepDeadlines {
  remindAt: string;
  escalateAt: string;
}

export interface DispatchDeadlines extends StepDeadlines {
  /** Once a ticket is with the branch, the branch is reminded this often (calendar days), for the ticket's life. */
  branchReminderDays: number;
}

export function createTicketDeadlineActivities(settings: Settings) {
  const { calendar, tickets, deadlines, timeZone } = settings;
  return {
    async dispatchDeadlines({ openedAt }: { openedAt: string }): Promise<DispatchDeadlines> {
      const { remindAfterWorkingHours, escalateAfterWorkingHours } = deadlines.dispatch;
      const after = (hours: number) => addWorkingHours(calendar, new Date(openedAt), hours, deadlines.officeHours, timeZone).toISOString();
      return { remindAt: after(remindAfterWorkingHours), escalateAt: after(escalateAfterWorkingHours), branchReminderDays: deadlines.branchReminderDays };
    },

    async ticketDeadlines({ dispatchedAt }: { dispatchedAt: string }): Promise<TicketDeadlines> {
      const dispatchDay = localDateOf(new Date(dispatchedAt), timeZone);
      const dueDay = calendar.addWorkingDays(dispatchDay, tickets.replyDueWorkingDays);
      const branchDay = calendar.addWorkingDays(dueDay, tickets.escalateToBranchAfterWorkingDays);
      return {
        remindAt: instantAt(dueDay, tickets.remindAtLocalTime, timeZone).toISOString(),
        dueAt: instantAt(dueDay, tickets.dueAtLocalTime, timeZone).toISOString(),
        escalateToBranchAt: instantAt(branchDay, tickets.dueAtLocalTime, timeZone).toISOString(),
      };
    },

    /** `since`: the previous step (the reply before the collection, the collection before the archiving). */
    async level2StepDeadlines({ since }: { since: string }): Promise<StepDeadlines> {
      const days = deadlines.level2StepWorkingDays;
      const after = (n: number) => addWorkingDaysOfHours(calendar, new Date(since), n, deadlines.officeHours, timeZone).toISOString();
      return { remindAt: after(days), escalateAt: after(2 * days) };
    },
  };
}
