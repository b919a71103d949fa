/** The call plan: when the policyholder is tried, before the cooling-off end less the fallback margin. */
import { loadSettings } from '../config/settings';
import { planAttempts, type PlanRequest } from '../domain/call-plan';
import { isWithinCallingHours } from '../domain/calling-hours';
import { dayOfWeek, instantAt, localDateOf } from '../domain/local-time';
import { syntheticCalendar } from './helpers/test-calendar';

const config = loadSettings().callPlan;
// Fictional: Wednesday 2031-10-01 and Thursday 2031-10-02 are public holidays.
const calendar = syntheticCalendar('2031-09-01', { holidays: ['2031-10-01', '2031-10-02'] });
const request = (over: Partial<PlanRequest> = {}): PlanRequest => ({
  now: instantAt('2031-09-26', '08:00'), // a Friday morning
  coolingOffEndsAt: instantAt('2031-10-10', '24:00'),
  config,
  calendar,
  timeZone: 'Asia/Shanghai',
  ...over,
});

test('three slots a day inside calling hours, weekends included, holidays skipped, none in the fallback margin', () => {
  const plan = planAttempts(request()).slots;
  expect(plan.slice(0, 3).map((s) => [localDateOf(new Date(s.start)), s.slot])).toEqual([
    ['2031-09-26', 'morning'],
    ['2031-09-26', 'afternoon'],
    ['2031-09-26', 'evening'],
  ]);
  const days = new Set(plan.map((s) => localDateOf(new Date(s.start))));
  expect(days.has('2031-09-27')).toBe(true); // Saturday: callOnWeekends
  expect(days.has('2031-10-01')).toBe(false); // public holiday
  expect(days.has('2031-10-02')).toBe(false);
  for (const s of plan) {
    expect(isWithinCallingHours(new Date(s.start), config.callingHours)).toBe(true);
    expect(new Date(s.end).getTime()).toBeLessThanOrEqual(instantAt('2031-10-10', '24:00').getTime() - config.fallbackMarginDays * 86_400_000);
    expect(s.late).toBe(false);
  }
  expect([...days].at(-1)).toBe('2031-10-07'); // the 10th less 3 days of margin
});

test('no weekend calls when the configuration says so', () => {
  const plan = planAttempts(request({ config: { ...config, callOnWeekends: false } })).slots;
  // Counted by hand: Fri 26 Sep to Tue 7 Oct (the margin), less two weekends and the two holidays:
  // six working days, each with the three configured slots.
  expect(config.slots.map((s) => s.name)).toEqual(['morning', 'afternoon', 'evening']);
  const weekdays = ['2031-09-26', '2031-09-29', '2031-09-30', '2031-10-03', '2031-10-06', '2031-10-07'];
  expect(plan.map((s) => [localDateOf(new Date(s.start)), s.slot])).toEqual(weekdays.flatMap((d) => [[d, 'morning'], [d, 'afternoon'], [d, 'evening']]));
  expect(plan.filter((s) => ![0, 6].includes(dayOfWeek(localDateOf(new Date(s.start)))))).toHaveLength(18);
  // The same request with weekend calls on does plan the Saturdays and Sundays in between.
  const withWeekends = planAttempts(request()).slots;
  expect(withWeekends.filter((s) => [0, 6].includes(dayOfWeek(localDateOf(new Date(s.start)))))).toHaveLength(4 * 3);
});

test("the customer's preferred window replaces the configured slots", () => {
  const plan = planAttempts(request({ preference: { from: '12:00', to: '13:00' } })).slots;
  expect(plan.length).toBeGreaterThan(0);
  for (const s of plan) {
    expect(s.slot).toBe('preferred');
    expect(new Date(s.start).toISOString().slice(11, 16)).toBe('04:00'); // 12:00 in Shanghai
  }
});

test('too close to the end for the margin: what is left of the period; after it: a few late attempts marked late', () => {
  const close = planAttempts(request({ now: instantAt('2031-10-09', '08:00') })).slots;
  expect(close.length).toBeGreaterThan(0);
  expect(close.every((s) => !s.late && new Date(s.start) < instantAt('2031-10-10', '24:00'))).toBe(true);
  const after = planAttempts(request({ now: instantAt('2031-10-12', '08:00') })).slots;
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((s) => s.late)).toBe(true);
});
