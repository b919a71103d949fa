/**
 * Working hours (domain/working-hours.ts) on a fictional calendar year: office hours 09:00-17:30 on
 * working days, so weekends, public holidays and nights do not count and make-up Saturdays do.
 */
import { addCalendarDays, instantAt, type LocalDate } from '../domain/local-time';
import { addWorkingDaysOfHours, addWorkingHours, officeDayHours } from '../domain/working-hours';
import { CalendarYearMissingError, WorkingDayCalendar } from '../domain/working-day-calendar';

const TZ = 'Asia/Shanghai';
const OFFICE = { from: '09:00', to: '17:30' };
/** A Monday of a fictional year; the week after next has its Monday off and works its Saturday. */
const MON = '2031-03-03';
const HOLIDAY = addCalendarDays(MON, 14);
const MAKEUP_SATURDAY = addCalendarDays(MON, 19);
const calendar = new WorkingDayCalendar([
  { year: 2031, source: 'test: fictional holidays', holidays: [{ date: HOLIDAY, name: '测试假日' }], makeupWorkdays: [{ date: MAKEUP_SATURDAY, name: '测试调休上班' }] },
]);

const at = (date: LocalDate, time: string) => instantAt(date, time, TZ);
const day = (n: number) => addCalendarDays(MON, n);
const add = (from: Date, hours: number, office = OFFICE) => addWorkingHours(calendar, from, hours, office, TZ).toISOString();

test('inside a working day the hours simply pass', () => {
  expect(add(at(MON, '10:00'), 4)).toBe(at(MON, '14:00').toISOString());
  expect(add(at(MON, '10:00'), 0.25)).toBe(at(MON, '10:15').toISOString());
});

test('the evening and the night do not count: the rest falls the next morning', () => {
  expect(add(at(MON, '16:00'), 4)).toBe(at(day(1), '11:30').toISOString());
  // A day used up exactly ends at closing time, not at the next opening.
  expect(add(at(MON, '09:00'), 8.5)).toBe(at(MON, '17:30').toISOString());
  expect(add(at(MON, '16:00'), 1.5)).toBe(at(MON, '17:30').toISOString());
});

test('from outside office hours the clock starts at the next opening', () => {
  expect(add(at(MON, '07:00'), 1)).toBe(at(MON, '10:00').toISOString());
  expect(add(at(MON, '20:00'), 1)).toBe(at(day(1), '10:00').toISOString());
  expect(add(at(MON, '17:30'), 1)).toBe(at(day(1), '10:00').toISOString());
  expect(add(at(day(5), '10:00'), 1)).toBe(at(day(7), '10:00').toISOString()); // a Saturday
  // No hours: the first open instant (the closing instant is closed).
  expect(add(at(MON, '20:00'), 0)).toBe(at(day(1), '09:00').toISOString());
  expect(add(at(MON, '11:00'), 0)).toBe(at(MON, '11:00').toISOString());
});

test('a weekend, a public holiday and a make-up Saturday', () => {
  const friday = day(4);
  expect(add(at(friday, '16:00'), 4)).toBe(at(day(7), '11:30').toISOString()); // Monday
  expect(add(at(friday, '16:00'), 8)).toBe(at(day(7), '15:30').toISOString());
  // The Monday after the next weekend is a holiday: Tuesday.
  expect(add(at(day(11), '16:00'), 4)).toBe(at(day(15), '11:30').toISOString());
  // That week's Saturday is worked.
  expect(add(at(day(18), '16:00'), 4)).toBe(at(MAKEUP_SATURDAY, '11:30').toISOString());
  // Several days: 17.5 hours from Friday 16:00 over the weekend and the holiday.
  expect(add(at(day(11), '16:00'), 1.5 + 8.5 + 7.5)).toBe(at(day(16), '16:30').toISOString());
});

test('office days of hours: the same time of day, so many working days on', () => {
  expect(officeDayHours(OFFICE)).toBe(8.5);
  const tuesday = day(1);
  expect(addWorkingDaysOfHours(calendar, at(tuesday, '15:00'), 2, OFFICE, TZ).toISOString()).toBe(at(day(3), '15:00').toISOString());
  // Over the holiday Monday: Friday 15:00 → Wednesday 15:00.
  expect(addWorkingDaysOfHours(calendar, at(day(11), '15:00'), 2, OFFICE, TZ).toISOString()).toBe(at(day(16), '15:00').toISOString());
  // Outside office hours: the end of the second working day.
  expect(addWorkingDaysOfHours(calendar, at(tuesday, '20:00'), 2, OFFICE, TZ).toISOString()).toBe(at(day(3), '17:30').toISOString());
});

test('office hours to midnight', () => {
  expect(add(at(MON, '23:00'), 2, { from: '08:00', to: '24:00' })).toBe(at(day(1), '09:00').toISOString());
});

test('nonsense is refused, and a year without calendar data is an error, never plain weekdays', () => {
  expect(() => add(at(MON, '10:00'), -1)).toThrow(/≥ 0/);
  expect(() => add(at(MON, '10:00'), Number.NaN)).toThrow(/≥ 0/);
  expect(() => add(at(MON, '10:00'), 1, { from: '17:30', to: '09:00' })).toThrow(/must end after they start/);
  expect(() => add(at('2031-12-31', '16:00'), 4)).toThrow(CalendarYearMissingError);
});
