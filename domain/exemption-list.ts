/**
 * The tier-3 handler's first daily duty: by 08:30 on each working day, the list of policies to exempt
 * from callback (免回访), with the signed waiver statements, goes to the branch call center. One list
 * per central sub-branch and day.
 *
 * Which waivers a day's list carries: those the tier-3 handler accepted from the start of the
 * previous working day up to midnight before the list's day (local time). On a Monday that is
 * Friday, Saturday and Sunday; after a holiday, the whole holiday. So a waiver accepted on a
 * non-working day goes out the next working morning, and no waiver is in two lists or in none.
 * On a non-working day nothing is sent.
 */
import { z } from 'zod';
import type { CallbackRecord } from './callback-record';
import { addCalendarDays, isValidLocalTime, localDateOf, type LocalDate } from './local-time';
import type { WorkingDayCalendar } from './working-day-calendar';

export const exemptionListConfigSchema = z
  .object({
    /** When the schedule runs, local wall-clock time in `timeZone` (before `dueBy`). */
    runAt: z.string().refine(isValidLocalTime, 'must be a time written HH:mm'),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai'),
    /** The deck's deadline: a list mailed later says so. */
    dueBy: z.string().refine(isValidLocalTime, 'must be a time written HH:mm'),
    /** The Temporal Schedule's id (one per namespace). */
    scheduleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, . _ -'),
    /** After an outage, runs missed within this many hours are still made. */
    catchupWindowHours: z.number().positive().max(24 * 7),
  })
  .strict()
  .refine((c) => c.runAt < c.dueBy, { path: ['runAt'], message: 'must be before dueBy' });
export type ExemptionListConfig = z.infer<typeof exemptionListConfigSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A day seen by the list: whether it sends, and which decision dates it covers (both inclusive). */
export type ExemptionDay =
  | { date: LocalDate; workingDay: false; reason: string }
  | { date: LocalDate; workingDay: true; from: LocalDate; to: LocalDate };

export function exemptionDay(date: LocalDate, calendar: WorkingDayCalendar): ExemptionDay {
  if (!calendar.isWorkingDay(date)) {
    const holiday = calendar.holidayName(date);
    return { date, workingDay: false, reason: holiday ? `${date} is a public holiday (${holiday})` : `${date} is not a working day` };
  }
  let from = addCalendarDays(date, -1);
  while (!calendar.isWorkingDay(from)) from = addCalendarDays(from, -1);
  return { date, workingDay: true, from, to: addCalendarDays(date, -1) };
}

/** One central sub-branch's list: its branch and the policies, in order of acceptance. */
export interface ExemptionGroup {
  centralSubBranch: string;
  branch: string;
  policyNos: string[];
}

/** The policies whose waiver was accepted on a date in [from, to], by central sub-branch (sorted by code). */
export function exemptionGroups(records: readonly CallbackRecord[], window: { from: LocalDate; to: LocalDate }, timeZone: string): ExemptionGroup[] {
  const accepted = records
    .filter((r) => r.waiver?.decision?.accepted)
    .filter((r) => {
      const day = localDateOf(new Date(r.waiver!.decision!.at), timeZone);
      return day >= window.from && day <= window.to;
    })
    .sort((a, b) => a.waiver!.decision!.at.localeCompare(b.waiver!.decision!.at) || a.policyNo.localeCompare(b.policyNo));
  const groups = new Map<string, ExemptionGroup>();
  for (const r of accepted) {
    const group = groups.get(r.centralSubBranch) ?? { centralSubBranch: r.centralSubBranch, branch: r.branch, policyNos: [] };
    group.policyNos.push(r.policyNo);
    groups.set(r.centralSubBranch, group);
  }
  return [...groups.values()].sort((a, b) => a.centralSubBranch.localeCompare(b.centralSubBranch));
}

/** The same list of the same day always carries the same Message-ID (retries are recognisable). */
export function exemptionListMessageId(centralSubBranch: string, date: LocalDate): string {
  return `<exemption-list.${centralSubBranch}.${date}@huifang.invalid>`;
}
