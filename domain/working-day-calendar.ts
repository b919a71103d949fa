/**
 * Mainland China working days: Monday-Friday, minus public holidays, plus make-up working days
 * (调休上班日). The State Council publishes each year's arrangement late in the previous year, so the
 * data is configuration (config/calendar/cn-YYYY.json), and a year without data is an error the
 * operator must see: silently counting plain weekdays would miss deadlines around every holiday.
 *
 * Every method takes local calendar dates (Asia/Shanghai by default). A calendar loaded from a
 * directory looks there again when asked about a year it does not have, so next year's file, once an
 * operator adds it, is used without a restart; years already loaded never change until a restart
 * (their answers stay what earlier decisions were based on).
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
  /** Why a file that is there was not loaded (invalid data), to show in the message. */
  problem?: string;
}

/** A date fell in a year for which no holiday arrangement has been configured. */
export class CalendarYearMissingError extends Error {
  readonly year: number;
  /** The file the operator should add. */
  readonly file: string;

  constructor(year: number, options: CalendarYearMissingErrorOptions = {}) {
    const file = options.file ?? defaultCalendarFile(year);
    const loaded = options.loadedYears?.length ? ` (loaded: ${options.loadedYears.join(', ')})` : '';
    const problem = options.problem ? `; ${options.problem}` : '';
    super(
      `no working-day calendar for ${year}: add ${file} from the State Council's holiday notice${loaded}${problem}`,
    );
    this.name = 'CalendarYearMissingError';
    this.year = year;
    this.file = file;
  }
}

/** Where a year's file belongs when no directory is known. */
export function defaultCalendarFile(year: number): string {
  return `config/calendar/cn-${year}.json`;
}

/**
 * A CalendarYearMissingError, also one that crossed a boundary as a plain error (the name survives):
 * code that can go on without the year (the cooling-off extension, the call plan) asks this.
 */
export function calendarYearMissing(err: unknown): { year: number; file: string } | undefined {
  if (!(err instanceof Error) || err.name !== 'CalendarYearMissingError') return undefined;
  const { year, file } = err as Partial<CalendarYearMissingError>;
  return typeof year === 'number' ? { year, file: file ?? defaultCalendarFile(year) } : undefined;
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
  /** Set by fromDirectory: where a missing year is looked for again, and which files are loaded. */
  private source?: { dir: string; loadedFiles: Map<string, number>; problems: Map<number, string> };

  constructor(years: readonly CalendarYear[], options: WorkingDayCalendarOptions = {}) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    this.fileFor = options.fileFor;
    years.forEach((raw, i) => {
      const cal = parseOrThrow(raw, `calendar #${i + 1}${yearLabel(raw)}`);
      if (this.byYear.has(cal.year)) throw new Error(`two working-day calendars for ${cal.year}`);
      this.add(cal);
    });
  }

  /**
   * Loads every `*.json` file in `dir` (one year each, e.g. cn-2026.json). Errors name the file and
   * the field, since an operator edits these by hand each year.
   */
  static fromDirectory(dir: string, timeZone?: string): WorkingDayCalendar {
    const files = calendarFilesIn(dir);
    if (files.length === 0) {
      throw new Error(`no working-day calendar files (*.json) in ${dir}`);
    }
    const fileOfYear = new Map<number, string>();
    const years = files.map((file) => {
      const path = join(dir, file);
      const cal = readCalendarFile(path);
      const other = fileOfYear.get(cal.year);
      if (other) throw new Error(`${path}: year: ${cal.year} is also defined in ${other}`);
      fileOfYear.set(cal.year, path);
      return cal;
    });
    const calendar = new WorkingDayCalendar(years, {
      timeZone,
      fileFor: (year) => join(dir, `cn-${year}.json`),
    });
    calendar.source = { dir, loadedFiles: new Map(files.map((f, i) => [f, years[i].year])), problems: new Map() };
    return calendar;
  }

  /**
   * Loads the files added to the directory since (a calendar not loaded from a directory has none).
   * Years already loaded are kept as they are, whatever their file says now. A new file that is not
   * valid is not loaded; its error is returned, and shown in the error of a date in its year.
   */
  refresh(): { added: number[]; problems: string[] } {
    const source = this.source;
    if (!source) return { added: [], problems: [] };
    const added: number[] = [];
    source.problems.clear();
    let files: string[];
    try {
      files = calendarFilesIn(source.dir);
    } catch (e) {
      return { added, problems: [`${source.dir}: ${(e as Error).message}`] };
    }
    for (const file of files.filter((f) => !source.loadedFiles.has(f))) {
      const path = join(source.dir, file);
      try {
        const cal = readCalendarFile(path);
        if (this.byYear.has(cal.year)) throw new Error(`${path}: year: ${cal.year} is already loaded from another file`);
        this.add(cal);
        source.loadedFiles.set(file, cal.year);
        added.push(cal.year);
      } catch (e) {
        const named = /(\d{4})\.json$/.exec(file);
        source.problems.set(named ? Number(named[1]) : NaN, `${(e as Error).message}`);
      }
    }
    return { added, problems: [...source.problems.values()] };
  }

  /** Where `year`'s file belongs (in the directory it was loaded from, if any). */
  fileOf(year: number): string {
    return this.fileFor?.(year) ?? defaultCalendarFile(year);
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

  private add(cal: CalendarYear): void {
    this.byYear.set(cal.year, {
      holidays: new Map(cal.holidays.map((h) => [h.date, h.name])),
      makeupWorkdays: new Map(cal.makeupWorkdays.map((m) => [m.date, m.name])),
    });
  }

  private yearOf(date: LocalDate): YearDays {
    checkDate(date);
    const y = Number(date.slice(0, 4));
    let days = this.byYear.get(y);
    if (!days && this.source) {
      // Perhaps the operator has added it since: one directory listing, and a read of new files only.
      this.refresh();
      days = this.byYear.get(y);
    }
    if (!days) {
      throw new CalendarYearMissingError(y, { file: this.fileOf(y), loadedYears: this.years(), problem: this.source?.problems.get(y) });
    }
    return days;
  }
}

/**
 * How far the calendar reaches from `today`: the first year missing after it (today's own year when
 * that is missing), the last day covered before it, and a warning when that day is `warnDaysAhead`
 * days away or less (the State Council publishes next year's holidays in late November or December).
 */
export interface CalendarCoverage {
  missingYear: number;
  /** The last day of the year before the missing one (in the past when today's year is missing). */
  lastDay: LocalDate;
  /** Days from today to lastDay: 0 on the last day, negative once past it. */
  daysLeft: number;
  /** The file to add. */
  file: string;
  /** Set when daysLeft ≤ warnDaysAhead: what to do, naming the file. */
  warning?: string;
}

export function calendarCoverage(calendar: WorkingDayCalendar, today: LocalDate, warnDaysAhead: number): CalendarCoverage {
  checkDate(today);
  let year = Number(today.slice(0, 4));
  while (calendar.hasYear(year)) year++;
  const lastDay = `${year - 1}-12-31`;
  const daysLeft = daysBetween(today, lastDay);
  const file = calendar.fileOf(year);
  if (daysLeft > warnDaysAhead) return { missingYear: year, lastDay, daysLeft, file };
  const when = daysLeft < 0 ? `there is no working-day calendar for ${year}` : `the working-day calendar ends on ${lastDay} (${daysLeft === 0 ? 'today' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`})`;
  return {
    missingYear: year,
    lastDay,
    daysLeft,
    file,
    warning: `${when}: add ${file} from the State Council's holiday notice; callbacks whose period reaches ${year} plan calls up to ${lastDay} only and then wait for it`,
  };
}

function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function calendarFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

function readCalendarFile(path: string): CalendarYear {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON: ${(e as Error).message}`);
  }
  const cal = parseOrThrow(json, path);
  // A file copied from last year with the year field left unchanged is an easy mistake.
  const named = /(\d{4})\.json$/.exec(path);
  if (named && Number(named[1]) !== cal.year) {
    throw new Error(`${path}: year: file name says ${named[1]} but year is ${cal.year}`);
  }
  return cal;
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
