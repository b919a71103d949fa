import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  calendarYearSchema,
  CalendarYearMissingError,
  WorkingDayCalendar,
  type CalendarYear,
} from '../domain/working-day-calendar';

const CONFIG_DIR = join(__dirname, '..', 'config', 'calendar');
const calendar = WorkingDayCalendar.fromDirectory(CONFIG_DIR);

/** Every date from `from` to `to`, inclusive. */
function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-calendar-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the configured State Council calendars', () => {
  it('load from config/calendar, one file a year in a row, 2025 and 2026 among them', () => {
    const years = calendar.years();
    expect(years).toEqual(expect.arrayContaining([2025, 2026]));
    // No gap: a missing year in the middle would stop every plan that crosses it.
    expect(years).toEqual(Array.from({ length: years.length }, (_, i) => years[0] + i));
    expect(calendar.hasYear(years.at(-1)! + 1)).toBe(false);
    expect(calendar.timeZone).toBe('Asia/Shanghai');
  });

  it('Spring Festival 2026: Feb 15-23 off, the Saturdays Feb 14 and Feb 28 are working days', () => {
    for (const d of datesFrom('2026-02-15', '2026-02-23')) {
      expect([d, calendar.isWorkingDay(d)]).toEqual([d, false]);
      expect(calendar.holidayName(d)).toBe('春节');
    }
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true);
    expect(calendar.isPublicHoliday('2026-02-14')).toBe(false);
    expect(calendar.isWorkingDay('2026-02-13')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true);
  });

  it('National Day 2026: Oct 1-7 off, Sunday Sep 20 and Saturday Oct 10 are working days', () => {
    for (const d of datesFrom('2026-10-01', '2026-10-07')) {
      expect([d, calendar.isWorkingDay(d)]).toEqual([d, false]);
      expect(calendar.isPublicHoliday(d)).toBe(true);
    }
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-08')).toBe(true);
    // An ordinary weekend stays off.
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false);
    expect(calendar.holidayName('2026-10-11')).toBeUndefined();
  });

  it('has the 2025 combined National Day / Mid-Autumn block Oct 1-8', () => {
    for (const d of datesFrom('2025-10-01', '2025-10-08')) expect(calendar.isWorkingDay(d)).toBe(false);
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true);
  });
});

describe('counting working days', () => {
  it('2 working days from a plain Friday is the Tuesday', () => {
    expect(calendar.addWorkingDays('2026-11-20', 2)).toBe('2026-11-24');
  });

  it('skips the National Day block from its eve', () => {
    expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(calendar.addWorkingDays('2026-09-30', 2)).toBe('2026-10-09');
  });

  it('counts the make-up Saturday before Spring Festival, then skips the block', () => {
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
  });

  it('crosses the year boundary using the next year’s data (Jan 1-3 off, Sunday Jan 4 worked)', () => {
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(calendar.addWorkingDays('2025-12-31', 2)).toBe('2026-01-05');
  });

  it('n = 0 keeps a working day and moves a non-working day forward', () => {
    expect(calendar.addWorkingDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(calendar.addWorkingDays('2026-10-03', 0)).toBe('2026-10-08');
  });

  it('rejects negative or fractional counts', () => {
    expect(() => calendar.addWorkingDays('2026-11-20', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-11-20', 1.5)).toThrow(RangeError);
  });

  it('nextWorkingDay is strictly after the date', () => {
    expect(calendar.nextWorkingDay('2026-11-20')).toBe('2026-11-23');
    expect(calendar.nextWorkingDay('2026-02-14')).toBe('2026-02-24');
  });

  it('workingDaysBetween counts (from, to]', () => {
    // Feb 14, 24, 25, 26, 27 and the make-up Saturday Feb 28.
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-28')).toBe(6);
    expect(calendar.workingDaysBetween('2026-09-30', '2026-10-10')).toBe(3);
    expect(calendar.workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
    expect(calendar.workingDaysBetween('2026-11-24', '2026-11-20')).toBe(-2);
  });
});

describe('a year without data', () => {
  it('is an error naming the year and the file to add, never a weekday guess', () => {
    const [firstYear, lastYear] = [calendar.years()[0], calendar.years().at(-1)!];
    for (const date of [`${lastYear + 1}-03-03`, `${firstYear - 1}-03-06`]) {
      const year = Number(date.slice(0, 4));
      let caught: unknown;
      try {
        calendar.isWorkingDay(date);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CalendarYearMissingError);
      const err = caught as CalendarYearMissingError;
      expect(err.year).toBe(year);
      expect(err.message).toContain(`no working-day calendar for ${year}`);
      expect(err.message).toContain(`cn-${year}.json`);
      expect(err.message).toContain("State Council's holiday notice");
    }
  });

  it('stops a count that runs into the missing year', () => {
    const next = calendar.years().at(-1)! + 1;
    expect(() => calendar.addWorkingDays(`${next - 1}-12-30`, 5)).toThrow(CalendarYearMissingError);
    expect(() => calendar.isPublicHoliday(`${next}-01-01`)).toThrow(CalendarYearMissingError);
  });

  it('crossing into a year that is not loaded throws even though 2025 itself is known', () => {
    const only2025 = new WorkingDayCalendar([
      calendarYearSchema.parse(JSON.parse(readFileSync(join(CONFIG_DIR, 'cn-2025.json'), 'utf8'))),
    ]);
    expect(() => only2025.addWorkingDays('2025-12-31', 2)).toThrow(CalendarYearMissingError);
  });

  it('has a default message pointing at config/calendar', () => {
    expect(new CalendarYearMissingError(2027).message).toBe(
      "no working-day calendar for 2027: add config/calendar/cn-2027.json from the State Council's holiday notice",
    );
  });
});

describe('validating calendar data', () => {
  const base: CalendarYear = {
    year: 2026,
    source: 'test',
    holidays: [{ date: '2026-10-01', name: '国庆节' }],
    makeupWorkdays: [{ date: '2026-10-10', name: '国庆节调休上班' }],
  };

  it('rejects a date outside the year, naming the field', () => {
    const r = calendarYearSchema.safeParse({ ...base, holidays: [{ date: '2027-01-01', name: '元旦' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['holidays', 0, 'date']);
    expect(r.error?.issues[0].message).toMatch(/not in 2026/);
  });

  it('rejects a date that is both a holiday and a make-up working day', () => {
    const r = calendarYearSchema.safeParse({
      ...base,
      holidays: [{ date: '2026-10-10', name: '国庆节' }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['makeupWorkdays', 0, 'date']);
    expect(r.error?.issues[0].message).toMatch(/both/);
  });

  it('rejects impossible dates and make-up days that are weekdays', () => {
    expect(calendarYearSchema.safeParse({ ...base, holidays: [{ date: '2026-02-30', name: 'x' }] }).success).toBe(false);
    expect(
      calendarYearSchema.safeParse({ ...base, makeupWorkdays: [{ date: '2026-10-09', name: 'x' }] }).success,
    ).toBe(false);
  });

  it('refuses two calendars for the same year', () => {
    expect(() => new WorkingDayCalendar([base, base])).toThrow(/two working-day calendars for 2026/);
  });

  it('names the file and the field of a malformed calendar file', () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, 'cn-2026.json'), JSON.stringify(base));
      writeFileSync(
        join(dir, 'cn-2027.json'),
        JSON.stringify({ ...base, year: 2027, holidays: [{ date: '2027-13-01', name: '元旦' }], makeupWorkdays: [] }),
      );
      expect(() => WorkingDayCalendar.fromDirectory(dir)).toThrow(/cn-2027\.json: holidays\[0\]\.date: /);
    });
  });

  it('names the file of broken JSON and of a year that does not match the file name', () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, 'cn-2026.json'), '{ "year": 2026, ');
      expect(() => WorkingDayCalendar.fromDirectory(dir)).toThrow(/cn-2026\.json: not valid JSON/);
    });
    withTempDir((dir) => {
      writeFileSync(join(dir, 'cn-2027.json'), JSON.stringify(base));
      expect(() => WorkingDayCalendar.fromDirectory(dir)).toThrow(/cn-2027\.json: year: file name says 2027/);
    });
  });

  it('points a missing year at the folder it was loaded from', () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, 'cn-2026.json'), JSON.stringify(base));
      const cal = WorkingDayCalendar.fromDirectory(dir);
      expect(() => cal.isWorkingDay('2027-01-04')).toThrow(join(dir, 'cn-2027.json'));
    });
  });
});
