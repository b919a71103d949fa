/**
 * Mainland China working days: Monday-Friday, minus public holidays, plus make-up working days
 * (调休上班日). The State Council publishes each year's arrangement late in the previous year, so the
 * data is configuration (config/calendar/cn-YYYY.json), and a year without data is an error the
 * operator must see: silently counting plain weekdays would miss deadlines around every holiday.
 *
 * Every method takes local calendar dates (Asia/Shanghai by default) so the answers are pure and
 * deterministic, safe to call from workflow code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  addCalendarDays,
  dayOfWeek,
  DEFAULT_TIME_ZONE,
  isValidLocalDate,
  localDateOf,
  type LocalDate,
} from './local-time';
import { describeFieldErrors, toFieldErrors } from './validation';

const dayEntrySchema = z.object({
  date: z.string().refine(isValidLocalDate, 'must be a calendar date written YYYY-MM-DD'),
  name: z.string().trim().min(1, 'must name the holiday'),
});

/** One year of the State Council's holiday arrangement, as stored in config/calendar/cn-YYYY.json. */
export const calendarYearSchema = z
  .object({
    year: z.number().int().min(1949).max(9999),
    source: z.string().trim().min(1, 'must cite the notice the dates come from'),
    holidays: z.array(dayEntrySchema),
    makeupWorkdays: z.array(dayEntrySchema),
  })
  .superRefine((cal, ctx) => {
    const seen = new Map<string, 'holidays' | 'makeupWorkdays'>();
    for (const field of ['holidays', 'makeupWorkdays'] as const) {
      cal[field].forEach((entry, i) => {
        const path = [field, i, 'date'];
        // Invalid dates were already reported by the entry schema.
        if (!isValidLocalDate(entry.date)) return;
        if (!entry.date.startsWith(`${cal.year}-`)) {
          ctx.addIssue({ code: 'custom', path, message: `${entry.date} is not in ${cal.year}` });
          return;
        }
        const earlier = seen.get(entry.date);
        if (earlier === field) {
          ctx.addIssue({ code: 'custom', path, message: `${entry.date} is listed twice in ${field}` });
        } else if (earlier) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${entry.date} is listed both as a holiday and as a make-up working day`,
          });
        }
        seen.set(entry.date, field);
        // Make-up days always move work onto a weekend; a weekday here is a typo in the date.
        const dow = dayOfWeek(entry.date);
        if (field === 'makeupWorkdays' && dow !== 0 && dow !== 6) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `${entry.date} is a weekday; make-up working days fall on a Saturday or Sunday`,
          });
        }
      });
    }
  });

export type CalendarYear = z.infer<typeof calendarYearSchema>;

export interface CalendarYearMissingErrorOptions {
  /** Where the operator should put the missing data (default `config/calendar/cn-<year>.json`). */
  file?: string;
  /** Years that are loaded, to show in the message. */
  loadedYears?: readonly number[];
}

/** A date fell in a year for which no holiday arrangement has been configured. */
export class CalendarYearMissingError extends Error {
  readonly year: number;

  constructor(year: number, options: CalendarYearMissingErrorOptions = {}) {
    const file = options.file ?? `config/calendar/cn-${year}.json`;
    const loaded = options.loadedYears?.length ? ` (loaded: ${options.loadedYears.join(', ')})` : '';
    super(
      `no working-day calendar for ${year}: add ${file} from the State Council's holiday notice${loaded}`,
    );
    this.name = 'CalendarYearMissingError';
    this.year = year;
  }
}

export interface WorkingDayCalendarOptions {
  /** Time zone whose local dates are the working days (default Asia/Shanghai). */
  timeZone?: string;
  /** Where a missing year's file belongs, for the error message. */
  fileFor?: (year: number) => string;
}

interface YearDays {
  holidays: Map<LocalDate, string>;
  makeupWorkdays: Map<LocalDate, string>;
}

export class WorkingDayCalendar {
  readonly timeZone: string;
  private readonly byYear = new Map<number, YearDays>();
  private readonly fileFor?: (year: number) => string;

  constructor(years: readonly CalendarYear[], options: WorkingDayCalendarOptions = {}) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.fileFor = options.fileFor;
    years.forEach((raw, i) => {
      const cal = parseOrThrow(raw, `calendar #${i + 1}${yearLabel(raw)}`);
      if (this.byYear.has(cal.year)) throw new Error(`two working-day calendars for ${cal.year}`);
      this.byYear.set(cal.year, {
        holidays: new Map(cal.holidays.map((h) => [h.date, h.name])),
        makeupWorkdays: new Map(cal.makeupWorkdays.map((m) => [m.date, m.name])),
      });
    });
  }

  /**
   * Loads every `*.json` file in `dir` (one year each, e.g. cn-2026.json). Errors name the file and
   * the field, since an operator edits these by hand each year.
   */
  static fromDirectory(dir: string, timeZone?: string): WorkingDayCalendar {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    if (files.length === 0) {
      throw new Error(`no working-day calendar files (*.json) in ${dir}`);
    }
    const fileOfYear = new Map<number, string>();
    const years = files.map((file) => {
      const path = join(dir, file);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
      }
      const cal = parseOrThrow(json, path);
      // A file copied from last year with the year field left unchanged is an easy mistake.
      const named = /(\d{4})\.json$/.exec(file);
      if (named && Number(named[1]) !== cal.year) {
        throw new Error(`${path}: year: file name says ${named[1]} but year is ${cal.year}`);
      }
      const other = fileOfYear.get(cal.year);
      if (other) throw new Error(`${path}: year: ${cal.year} is also defined in ${other}`);
      fileOfYear.set(cal.year, path);
      return cal;
    });
    return new WorkingDayCalendar(years, {
      timeZone,
      fileFor: (year) => join(dir, `cn-${year}.json`),
    });
  }

  /** Years with data, ascending. */
  years(): number[] {
    return [...this.byYear.keys()].sort((a, b) => a - b);
  }

  hasYear(year: number): boolean {
    return this.byYear.has(year);
  }

  /** The local date of an instant in this calendar's time zone (e.g. "today" for a timer). */
  dateOf(instant: Date): LocalDate {
    return localDateOf(instant, this.timeZone);
  }

  isWorkingDay(date: LocalDate): boolean {
    const year = this.yearOf(date);
    if (year.makeupWorkdays.has(date)) return true;
    if (year.holidays.has(date)) return false;
    const dow = dayOfWeek(date);
    return dow !== 0 && dow !== 6;
  }

  /** True on days of the State Council's holiday blocks (weekend days inside a block included). */
  isPublicHoliday(date: LocalDate): boolean {
    return this.yearOf(date).holidays.has(date);
  }

  holidayName(date: LocalDate): string | undefined {
    return this.yearOf(date).holidays.get(date);
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate {
    let d = addCalendarDays(date, 1);
    while (!this.isWorkingDay(d)) d = addCalendarDays(d, 1);
    return d;
  }

  /**
   * The n-th working day strictly after `date`: "reply within 2 working days" of a Friday order is
   * the following Tuesday. n = 0 gives `date` itself if it is a working day, else the next one.
   */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
    if (n === 0) return this.isWorkingDay(date) ? date : this.nextWorkingDay(date);
    let d = date;
    for (let i = 0; i < n; i++) d = this.nextWorkingDay(d);
    return d;
  }

  /** Working days in (from, to]; negative when `to` is before `from`. */
  workingDaysBetween(from: LocalDate, to: LocalDate): number {
    checkDate(from);
    checkDate(to);
    if (to < from) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let d = addCalendarDays(from, 1); d <= to; d = addCalendarDays(d, 1)) {
      if (this.isWorkingDay(d)) count++;
    }
    return count;
  }

  private yearOf(date: LocalDate): YearDays {
    checkDate(date);
    const y = Number(date.slice(0, 4));
    const days = this.byYear.get(y);
    if (!days) {
      throw new CalendarYearMissingError(y, { file: this.fileFor?.(y), loadedYears: this.years() });
    }
    return days;
  }
}

function checkDate(date: LocalDate): void {
  if (!isValidLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
}

function parseOrThrow(input: unknown, where: string): CalendarYear {
  const result = calendarYearSchema.safeParse(input);
  if (result.success) return result.data;
  throw new Error(`${where}: ${describeFieldErrors(toFieldErrors(result.error))}`);
}

function yearLabel(raw: unknown): string {
  const year = (raw as { year?: unknown } | null)?.year;
  return typeof year === 'number' ? ` (${year})` : '';
}
