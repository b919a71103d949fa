/**
 * The deadlines of the waits that staff end (config/deadlines.json): how long a recording, a
 * ticket, the branch may take before someone is reminded or the case goes up. The waits they
 * bound are declared in domain/waits.ts.
 */
import { z } from 'zod';

const hours = z.number().positive().max(24 * 366);
const days = z.number().int().min(1).max(366);

export const deadlinesConfigSchema = z
  .object({
    recording: z
      .object({
        /** After the completed call: remind the call center to upload the recording. */
        remindAfterHours: hours,
        /** After the completed call: the case goes to the branch as unresolved. */
        escalateAfterHours: hours,
      })
      .strict()
      .refine((r) => r.escalateAfterHours > r.remindAfterHours, { path: ['escalateAfterHours'], message: 'must be later than remindAfterHours' }),
    /** The callback waits at least this long for a failed-callback or level-1 ticket's reply, even late in the period. */
    minTicketWaitHours: hours,
    /** After the call: level-2 tickets still not archived go to the branch as unresolved. */
    level2CloseDays: days,
    /** An unresolved case, or a ticket escalated to the branch: the branch is reminded this often. */
    branchReminderDays: days,
    dispatch: z
      .object({
        /** Working hours after a ticket opened without dispatch: remind the tier-3 handler. */
        remindAfterWorkingHours: hours,
        /** Working hours after a ticket opened without dispatch: escalate to the branch. */
        escalateAfterWorkingHours: hours,
      })
      .strict()
      .refine((d) => d.escalateAfterWorkingHours > d.remindAfterWorkingHours, { path: ['escalateAfterWorkingHours'], message: 'must be later than remindAfterWorkingHours' }),
    /** Working days for each of a level-2 ticket's last two steps (collect, archive) before a reminder, and as long again before the branch. */
    level2StepWorkingDays: days,
    /**
     * Next year's working-day calendar (config/calendar/cn-YYYY.json), which the State Council publishes
     * late in the year: a callback whose plan reaches a year without it calls on the days it knows,
     * then looks for the file again every recheckHours; the worker, npm start and /healthz warn once
     * the loaded calendar ends within warnDaysAhead days.
     */
    calendarYear: z
      .object({
        recheckHours: hours,
        warnDaysAhead: z.number().int().min(0).max(366),
      })
      .strict(),
    /** Office hours, for counting working hours on working days. */
    officeHours: z.object({ from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/), to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/) }).strict(),
  })
  .strict();
export type DeadlinesConfig = z.infer<typeof deadlinesConfigSchema>;
