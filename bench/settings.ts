/**
 * The benchmark's configuration: the shipped settings with the day-scale waits shortened by values
 * only (no code change), so results do not depend on the time of day or the holiday data on file.
 *
 *   'now'  one slot 00:00-24:00 inside calling hours 00:00-24:00, every day: a policy's first attempt
 *          is due at once (the plan's first slot starts at max(now, slot start)).
 *   'far'  the same slot, but the next FAR_DAYS days are public holidays with calling on holidays
 *          off: every policy sleeps on a timer until then (the scale run's open, waiting policies).
 *
 * Both use a synthetic working-day calendar (weekdays only, plus the 'far' holidays), for this year
 * and the next two, so a bench run in late December never trips over an unpublished year.
 */
import { loadSettings, type Settings } from '../config/settings';
import { addCalendarDays, localDateOf, type LocalDate } from '../domain/local-time';
import { WorkingDayCalendar, type CalendarYear } from '../domain/working-day-calendar';

export type PlanMode = 'now' | 'far';
export const FAR_DAYS = 7;

export function benchSettings(mode: PlanMode, now = new Date()): Settings {
  const base = loadSettings();
  const today = localDateOf(now, base.timeZone);
  const holidays: LocalDate[] = mode === 'far' ? Array.from({ length: FAR_DAYS }, (_, i) => addCalendarDays(today, i)) : [];
  const first = Number(today.slice(0, 4));
  const years: CalendarYear[] = [first, first + 1, first + 2].map((year) => ({
    year,
    source: 'huifang bench: synthetic calendar',
    holidays: holidays.filter((d) => d.startsWith(`${year}-`)).map((date) => ({ date, name: 'bench holiday' })),
    makeupWorkdays: [],
  }));
  return {
    ...base,
    callPlan: {
      ...base.callPlan,
      callingHours: { from: '00:00', to: '24:00' },
      slots: [{ name: 'all-day', from: '00:00', to: '24:00' }],
      callOnWeekends: true,
      callOnPublicHolidays: false,
      minSlotMinutes: 1,
    },
    calendar: new WorkingDayCalendar(years, { timeZone: base.timeZone }),
  };
}
