/**
 * The benchmark's configuration: the shipped settings with the day-scale waits shortened by values
 * only (no code change), so results do not depend on the time of day or the holiday data on file.
 *
 *   'now'  one slot 00:00-24:00 inside calling hours 00:00-24:00, every day: a policy's first attempt
 *          is due at once (the plan's first slot starts at max(now, slot start)).
 *   'far'  the same slot, but the next FAR_DAYS days are public holidays with calling on holidays
 *          off: every policy sleeps on a timer until then (the scale run's open, waiting policies).
 *   'wave' one slot from `waveAt` (a whole minute, Beijing time, later today) to 24:00: every policy
 *          sleeps on a real timer until then, and the calls go out together (a morning's call wave).
 *
 * Both use a synthetic working-day calendar (weekdays only, plus the 'far' holidays), for this year
 * and the next two, so a bench run in late December never trips over an unpublished year.
 */
import { loadSettings, type Settings } from '../config/settings';
import { addCalendarDays, localDateOf, localMinutesOf, type LocalDate } from '../domain/local-time';
import { WorkingDayCalendar, type CalendarYear } from '../domain/working-day-calendar';

export type PlanMode = 'now' | 'far' | 'wave';
export const FAR_DAYS = 7;

/**
 * The first whole minute at least `leadMs` from `now` at which a 'wave' slot can start: later today
 * in Beijing time (a slot is a time of day, so a wave cannot run past midnight).
 */
export function waveStart(leadMs: number, now = new Date(), timeZone = loadSettings().timeZone): Date {
  const at = new Date(Math.ceil((now.getTime() + leadMs) / 60_000) * 60_000);
  if (localDateOf(at, timeZone) !== localDateOf(now, timeZone) || localMinutesOf(at, timeZone) >= 24 * 60 - 1) {
    throw new Error(`a call wave ${Math.round(leadMs / 1000)} s from now would start after midnight in ${timeZone}: run it after 00:00 there`);
  }
  return at;
}

export function benchSettings(mode: PlanMode, now = new Date(), waveAt?: Date): Settings {
  const base = loadSettings();
  const today = localDateOf(now, base.timeZone);
  if (mode === 'wave' && (!waveAt || localDateOf(waveAt, base.timeZone) !== today)) throw new Error("plan mode 'wave': waveAt must be later today (see waveStart)");
  const slotFrom = mode === 'wave' ? hhmm(localMinutesOf(waveAt!, base.timeZone)) : '00:00';
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
      slots: [{ name: mode === 'wave' ? 'wave' : 'all-day', from: slotFrom, to: '24:00' }],
      callOnWeekends: true,
      callOnPublicHolidays: false,
      minSlotMinutes: 1,
    },
    calendar: new WorkingDayCalendar(years, { timeZone: base.timeZone }),
  };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
