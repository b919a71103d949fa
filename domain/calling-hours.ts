/**
 * Calling-hour windows: outbound callback calls may only be placed between `from` and `to` local
 * time (09:00-21:00 by default; no calls 21:00-09:00). Windows are per calendar day; whether a day
 * is a working day is the caller's decision (see working-day-calendar.ts).
 */
import { z } from 'zod';
import {
  addCalendarDays,
  DEFAULT_TIME_ZONE,
  instantAt,
  isValidLocalTime,
  localDateOf,
  minutesOfDay,
  type LocalDate,
} from './local-time';

const localTime = z.string().refine(isValidLocalTime, 'must be a wall-clock time written HH:mm');

const fromBeforeTo = (h: { from: string; to: string }) => !isValidLocalTime(h.from) || !isValidLocalTime(h.to) || minutesOfDay(h.from) < minutesOfDay(h.to);
const FROM_BEFORE_TO = { path: ['to'], message: 'must be later than from (windows cannot span midnight)' };

export const callingHoursSchema = z.object({ from: localTime, to: localTime }).refine(fromBeforeTo, FROM_BEFORE_TO);

export type CallingHours = z.infer<typeof callingHoursSchema>;

/**
 * The policyholder's preferred calling window, as the issuance system sends it. A window wholly
 * outside the insurer's calling hours is taken only as the customer's own request
 * (`customerRequested: true`); see `outsideCallingHours`.
 */
export const callPreferenceSchema = z
  .object({
    from: localTime,
    to: localTime,
    /** The customer asked to be called in this window themselves (recorded on the application). */
    customerRequested: z.boolean().optional(),
  })
  .strict()
  .refine(fromBeforeTo, FROM_BEFORE_TO);

export type CallPreference = z.infer<typeof callPreferenceSchema>;

/** True when `window` has not one minute inside calling `hours` (both HH:mm windows of a day). */
export function outsideCallingHours(window: CallingHours, hours: CallingHours): boolean {
  return minutesOfDay(window.to) <= minutesOfDay(hours.from) || minutesOfDay(window.from) >= minutesOfDay(hours.to);
}

export const DEFAULT_CALLING_HOURS: Readonly<CallingHours> = Object.freeze({ from: '09:00', to: '21:00' });

export interface CallingWindow {
  start: Date;
  /** Exclusive: a call at exactly `end` is outside the window. */
  end: Date;
}

/** The instants at which calling opens and closes on a local date. */
export function callingWindowOn(
  date: LocalDate,
  hours: CallingHours = DEFAULT_CALLING_HOURS,
  timeZone: string = DEFAULT_TIME_ZONE,
): CallingWindow {
  const h = parseHours(hours);
  return { start: instantAt(date, h.from, timeZone), end: instantAt(date, h.to, timeZone) };
}

export function isWithinCallingHours(
  instant: Date,
  hours: CallingHours = DEFAULT_CALLING_HOURS,
  timeZone: string = DEFAULT_TIME_ZONE,
): boolean {
  const t = checkInstant(instant);
  const { start, end } = callingWindowOn(localDateOf(instant, timeZone), hours, timeZone);
  return start.getTime() <= t && t < end.getTime();
}

/** `instant` if calls are allowed then, else the start of the next window (possibly the next day). */
export function nextCallingInstant(
  instant: Date,
  hours: CallingHours = DEFAULT_CALLING_HOURS,
  timeZone: string = DEFAULT_TIME_ZONE,
): Date {
  const t = checkInstant(instant);
  const today = localDateOf(instant, timeZone);
  const { start, end } = callingWindowOn(today, hours, timeZone);
  if (t < start.getTime()) return start;
  if (t < end.getTime()) return new Date(t);
  return callingWindowOn(addCalendarDays(today, 1), hours, timeZone).start;
}

function parseHours(hours: CallingHours): CallingHours {
  const result = callingHoursSchema.safeParse(hours);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(hours)'}: ${i.message}`);
  throw new RangeError(`invalid calling hours ${JSON.stringify(hours)}: ${problems.join('; ')}`);
}

function checkInstant(instant: Date): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('not a valid instant (Invalid Date)');
  return t;
}
