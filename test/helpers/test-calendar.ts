/**
 * Calendars for workflow tests. The test servers start at today's real date, which moves on (and a
 * year may have no published holidays yet), so workflow tests that depend on holidays lay out their
 * own fictional ones relative to the server's clock instead of relying on the shipped data. The
 * shipped data itself is tested by working-day-calendar.test.ts.
 */
import { loadSettings, type Settings } from '../../config/settings';
import { addCalendarDays, dayOfWeek, type LocalDate } from '../../domain/local-time';
import { WorkingDayCalendar, type CalendarYear } from '../../domain/working-day-calendar';

/** Years around `today` with only the given holidays and make-up working days. */
export function syntheticCalendar(today: LocalDate, extra: { holidays?: LocalDate[]; makeupWorkdays?: LocalDate[] } = {}): WorkingDayCalendar {
  const first = Number(today.slice(0, 4));
  const years: CalendarYear[] = [first, first + 1, first + 2].map((year) => ({
    year,
    source: 'test: fictional holidays',
    holidays: (extra.holidays ?? []).filter((d) => d.startsWith(`${year}-`)).map((date) => ({ date, name: '测试假日' })),
    makeupWorkdays: (extra.makeupWorkdays ?? []).filter((d) => d.startsWith(`${year}-`)).map((date) => ({ date, name: '测试调休上班' })),
  }));
  return new WorkingDayCalendar(years);
}

/** The shipped configuration with a test calendar. */
export function settingsWithCalendar(calendar: WorkingDayCalendar): Settings {
  return { ...loadSettings(), calendar };
}

/** The first date on or after `from` that falls on `weekday` (0 = Sunday … 6 = Saturday). */
export function nextWeekday(from: LocalDate, weekday: number): LocalDate {
  let d = from;
  while (dayOfWeek(d) !== weekday) d = addCalendarDays(d, 1);
  return d;
}
