/**
 * Working hours: office hours on the working days of the working-day calendar. A ticket's clock
 * runs only while the office it waits on is open, so "remind the tier-3 handler after 4 working
 * hours" of a ticket opened on a Friday at 16:00 (office hours 09:00-17:30) falls on the next
 * working day at 11:30, over the weekend and any public holiday, and on a make-up Saturday.
 * Pure: the deadline activities call it and keep the answer in history.
 */
import { addCalendarDays, instantAt, localDateOf, minutesOfDay, type LocalDate, type LocalTime } from './local-time';
import type { WorkingDayCalendar } from './working-day-calendar';

export interface OfficeHours {
  from: LocalTime;
  /** "24:00": open to the end of the day. */
  to: LocalTime;
}

const HOUR = 3_600_000;

/** Hours the office is open on a working day. */
export function officeDayHours(officeHours: OfficeHours): number {
  return (minutesOfDay(officeHours.to) - minutesOfDay(officeHours.from)) / 60;
}

/**
 * The instant at which `hours` working hours have passed since `instant`. Time outside office hours
 * does not count: from an instant outside them the clock starts at the next opening. A deadline that
 * uses up a day exactly falls at its closing time, not at the next opening. `hours` = 0 gives the
 * first instant, from `instant` on, at which the office is open (the closing instant is not).
 */
export function addWorkingHours(
  calendar: Pick<WorkingDayCalendar, 'isWorkingDay'>,
  instant: Date,
  hours: number,
  officeHours: OfficeHours,
  timeZone: string,
): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working hours must be a number ≥ 0, got ${hours}`);
  if (officeDayHours(officeHours) <= 0) throw new RangeError(`office hours ${officeHours.from}-${officeHours.to} must end after they start`);
  let remaining = Math.round(hours * HOUR);
  // The calendar throws for a year it has no data for: the loop always ends.
  for (let date: LocalDate = localDateOf(instant, timeZone); ; date = addCalendarDays(date, 1)) {
    if (!calendar.isWorkingDay(date)) continue;
    const opens = instantAt(date, officeHours.from, timeZone).getTime();
    const closes = instantAt(date, officeHours.to, timeZone).getTime();
    const start = Math.max(instant.getTime(), opens);
    if (start >= closes) continue; // closed for the day
    if (remaining <= closes - start) return new Date(start + remaining);
    remaining -= closes - start;
  }
}

/** `days` whole office days of working hours after `instant` (a level-2 step's days: same time of day, `days` working days on). */
export function addWorkingDaysOfHours(
  calendar: Pick<WorkingDayCalendar, 'isWorkingDay'>,
  instant: Date,
  days: number,
  officeHours: OfficeHours,
  timeZone: string,
): Date {
  return addWorkingHours(calendar, instant, days * officeDayHours(officeHours), officeHours, timeZone);
}
