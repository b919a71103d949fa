/**
 * Calendars and settings for tests. The test servers start at the server's own date, which moves on
 * (and a year may have no published holidays yet), so tests lay out fictional calendars relative to
 * the server's clock instead of relying on the shipped data. The shipped data itself is tested by
 * working-day-calendar.test.ts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../../config/settings';
import { addCalendarDays, dayOfWeek, localDateOf, type LocalDate } from '../../domain/local-time';
import { WorkingDayCalendar, type CalendarYear } from '../../domain/working-day-calendar';

/** The year before `today`'s to two years after, with only the given holidays and make-up working days. */
export function syntheticCalendar(today: LocalDate, extra: CalendarDays = {}): WorkingDayCalendar {
  return new WorkingDayCalendar(syntheticYears(today, extra));
}

interface CalendarDays {
  holidays?: LocalDate[];
  makeupWorkdays?: LocalDate[];
}

function syntheticYears(today: LocalDate, extra: CalendarDays): CalendarYear[] {
  const first = Number(today.slice(0, 4)) - 1;
  return [first, first + 1, first + 2, first + 3].map((year) => syntheticYear(year, extra));
}

/** One fictional year, with those of the given days that fall in it (e.g. for a cn-YYYY.json file). */
export function syntheticYear(year: number, extra: CalendarDays = {}): CalendarYear {
  return {
    year,
    source: 'test: fictional holidays',
    holidays: (extra.holidays ?? []).filter((d) => d.startsWith(`${year}-`)).map((date) => ({ date, name: '测试假日' })),
    makeupWorkdays: (extra.makeupWorkdays ?? []).filter((d) => d.startsWith(`${year}-`)).map((date) => ({ date, name: '测试调休上班' })),
  };
}

/** The shipped configuration with a test calendar. */
export function settingsWithCalendar(calendar: WorkingDayCalendar): Settings {
  return { ...loadSettings(), calendar };
}

/**
 * The harness's default: the shipped configuration (slots, rules, deadlines) on a synthetic calendar
 * around `now` whose first `quietDays` days (today and tomorrow by default) are public holidays, on
 * which the shipped plan does not call. A new policy therefore waits for its first call
 * (AWAITING_CALL) whatever the hour, even across midnight; tests that drive calls bring their own
 * settings or move the time-skipping server past the quiet days.
 */
export function testSettings(now: Date, quietDays = 2): Settings {
  const base = loadSettings();
  return { ...base, callPlan: { ...base.callPlan, callOnPublicHolidays: false }, calendar: new WorkingDayCalendar(quietYears(now, quietDays, base.timeZone)) };
}

function quietYears(now: Date, quietDays: number, timeZone: string): CalendarYear[] {
  const today = localDateOf(now, timeZone);
  return syntheticYears(today, { holidays: Array.from({ length: quietDays }, (_, i) => addCalendarDays(today, i)) });
}

/**
 * `testSettings` as a configuration folder, for a worker run as its own process (HUIFANG_CONFIG_DIR):
 * the shipped files (or $HUIFANG_CONFIG_DIR's), with the same call plan and calendar years.
 */
export function writeTestConfigDir(now: Date, quietDays = 2): string {
  const settings = testSettings(now, quietDays);
  const dir = mkdtempSync(join(tmpdir(), 'huifang-config-'));
  for (const file of readdirSync(settings.configDir).filter((f) => f.endsWith('.json'))) copyFileSync(join(settings.configDir, file), join(dir, file));
  writeFileSync(join(dir, 'call-plan.json'), JSON.stringify(settings.callPlan, null, 2));
  mkdirSync(join(dir, 'calendar'));
  for (const year of quietYears(now, quietDays, settings.timeZone)) writeFileSync(join(dir, 'calendar', `cn-${year.year}.json`), JSON.stringify(year, null, 2));
  return dir;
}

/** The first date on or after `from` that falls on `weekday` (0 = Sunday … 6 = Saturday). */
export function nextWeekday(from: LocalDate, weekday: number): LocalDate {
  let d = from;
  while (dayOfWeek(d) !== weekday) d = addCalendarDays(d, 1);
  return d;
}
