/**
 * Local dates and times of the business (Asia/Shanghai by default). The business speaks in local
 * calendar dates ("2026-11-23") and wall-clock times ("09:00"); timers need UTC instants. These
 * helpers are the one place that converts between them.
 */
import { TZDate } from '@date-fns/tz';
import { DEFAULT_TIME_ZONE } from './vocabulary';

export { DEFAULT_TIME_ZONE };

/** A calendar date written YYYY-MM-DD. */
export type LocalDate = string;
/** A wall-clock time written HH:mm (00:00-24:00). */
export type LocalTime = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function isValidLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

export function isValidLocalTime(s: string): boolean {
  return TIME_RE.test(s);
}

/** The local month, YYYY-MM, in `timeZone`, of an instant. */
export function localMonthOf(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return localDateOf(instant, timeZone).slice(0, 7);
}

/** Minutes since local midnight of an HH:mm time. */
export function minutesOfDay(time: LocalTime): number {
  if (!isValidLocalTime(time)) throw new RangeError(`not a HH:mm time: ${time}`);
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

/** The local calendar date, in `timeZone`, of an instant. */
export function localDateOf(instant: Date, timeZone = DEFAULT_TIME_ZONE): LocalDate {
  const z = new TZDate(instant.getTime(), timeZone);
  return `${z.getFullYear()}-${pad(z.getMonth() + 1)}-${pad(z.getDate())}`;
}

/** Minutes since local midnight, in `timeZone`, of an instant. */
export function localMinutesOf(instant: Date, timeZone = DEFAULT_TIME_ZONE): number {
  const z = new TZDate(instant.getTime(), timeZone);
  return z.getHours() * 60 + z.getMinutes();
}

/** The instant at which the wall clock in `timeZone` shows `time` on `date` ("24:00" is the next midnight). */
export function instantAt(date: LocalDate, time: LocalTime, timeZone = DEFAULT_TIME_ZONE): Date {
  if (!isValidLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = date.split('-').map(Number);
  const minutes = minutesOfDay(time);
  const z = new TZDate(y, mo - 1, d, 0, 0, 0, 0, timeZone);
  return new Date(z.getTime() + minutes * 60_000);
}

/** `date` plus `days` calendar days. */
export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  if (!isValidLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = date.split('-').map(Number);
  const dt = new Date(Date.UTC(y, mo - 1, d + days));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

/** Day of the week of a calendar date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  const [y, mo, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
