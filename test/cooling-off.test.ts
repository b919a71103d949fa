import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFieldErrors } from '../domain/validation';
import { coolingOffConfigSchema, coolingOffPeriod, type CoolingOffConfig, type CoolingOffContract, type WorkingDays } from '../domain/cooling-off';
import { addCalendarDays, dayOfWeek, type LocalDate } from '../domain/local-time';

// The shipped defaults are what is tested.
const config: CoolingOffConfig = coolingOffConfigSchema.parse(
  JSON.parse(readFileSync(join(__dirname, '..', 'config', 'cooling-off.json'), 'utf8')),
);

/** A tiny stand-in for the working-day calendar: weekends and listed holidays off, listed make-up days on. */
function fakeCalendar(holidays: LocalDate[], makeUpDays: LocalDate[] = []): WorkingDays {
  const isWorkingDay = (d: LocalDate) => makeUpDays.includes(d) || (!holidays.includes(d) && dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6);
  return {
    isWorkingDay,
    nextWorkingDay(d) {
      let next = addCalendarDays(d, 1);
      while (!isWorkingDay(next)) next = addCalendarDays(next, 1);
      return next;
    },
  };
}

/** A calendar with no data at all, as for a year not yet published. */
const unusableCalendar: WorkingDays = {
  isWorkingDay: (d) => {
    throw new Error(`no calendar data for ${d}`);
  },
  nextWorkingDay: (d) => {
    throw new Error(`no calendar data for ${d}`);
  },
};

// 2026 National Day holiday, 1-7 October; 10 October (a Saturday) is a make-up working day.
const calendar2026 = fakeCalendar(
  ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  ['2026-10-10'],
);

const contract: CoolingOffContract = {
  receiptSignedOn: '2026-11-23',
  channel: 'bancassurance',
  productType: 'universal',
  productCode: 'UL2026A',
};

describe('shipped config/cooling-off.json', () => {
  it('is 15 days, no holiday extension, no overrides', () => {
    expect(config).toEqual({ defaultDays: 15, extendWhenLastDayIsHoliday: false, overrides: [] });
  });
});

describe('coolingOffPeriod', () => {
  it('does not count the signing day: signed 2026-11-23, the period runs through 2026-12-08 Shanghai time', () => {
    expect(coolingOffPeriod(contract, config, calendar2026)).toEqual({
      days: 15,
      startsOn: '2026-11-24',
      lastDay: '2026-12-08',
      endsAt: '2026-12-08T16:00:00.000Z',
      extendedForHoliday: false,
      rule: 'default 15 days',
    });
  });

  it('ends at local midnight of the given time zone', () => {
    expect(coolingOffPeriod(contract, config, calendar2026, 'UTC').endsAt).toBe('2026-12-09T00:00:00.000Z');
  });

  it('crosses month and year ends', () => {
    const p = coolingOffPeriod({ ...contract, receiptSignedOn: '2026-12-20' }, config, calendar2026);
    expect(p).toMatchObject({ startsOn: '2026-12-21', lastDay: '2027-01-04', endsAt: '2027-01-04T16:00:00.000Z' });
  });

  it('does not consult the calendar when the extension is off', () => {
    expect(coolingOffPeriod(contract, config, unusableCalendar).lastDay).toBe('2026-12-08');
  });

  describe('overrides', () => {
    const withOverrides: CoolingOffConfig = {
      ...config,
      overrides: [
        { channel: 'bancassurance', days: 20, note: 'bank channel' },
        { productType: 'universal', days: 25 },
        { channel: 'bancassurance', productType: 'universal', days: 28 },
        { productCode: 'UL2026A', days: 30, note: 'product-specific' },
      ],
    };

    it('applies the most specific: productCode over productType over channel', () => {
      expect(coolingOffPeriod(contract, withOverrides, calendar2026)).toMatchObject({
        days: 30,
        lastDay: '2026-12-23',
        endsAt: '2026-12-23T16:00:00.000Z',
        rule: 'overrides[3] (productCode UL2026A) 30 days',
      });
      expect(coolingOffPeriod({ ...contract, productCode: 'OTHER' }, withOverrides, calendar2026)).toMatchObject({
        days: 28,
        rule: 'overrides[2] (productType universal, channel bancassurance) 28 days',
      });
      const agencyUniversal = { ...contract, channel: 'agency' as const, productCode: 'OTHER' };
      expect(coolingOffPeriod(agencyUniversal, withOverrides, calendar2026)).toMatchObject({ days: 25 });
      const bankTraditional = { ...contract, productType: 'traditional' as const, productCode: 'OTHER' };
      expect(coolingOffPeriod(bankTraditional, withOverrides, calendar2026)).toMatchObject({ days: 20 });
    });

    it('falls back to the default when no override matches', () => {
      const agencyHealth = { ...contract, channel: 'agency' as const, productType: 'health' as const, productCode: 'H1' };
      expect(coolingOffPeriod(agencyHealth, withOverrides, calendar2026)).toMatchObject({ days: 15, rule: 'default 15 days' });
    });
  });

  describe('last day on a public holiday', () => {
    // Signed 2026-09-18: 15 days later is 2026-10-03, inside the National Day holiday.
    const signedBeforeNationalDay = { ...contract, receiptSignedOn: '2026-09-18' };

    it('stays on the holiday with the setting off (the default)', () => {
      expect(coolingOffPeriod(signedBeforeNationalDay, config, calendar2026)).toMatchObject({
        lastDay: '2026-10-03',
        endsAt: '2026-10-03T16:00:00.000Z',
        extendedForHoliday: false,
      });
    });

    it('moves to the next working day with the setting on', () => {
      const extending = { ...config, extendWhenLastDayIsHoliday: true };
      expect(coolingOffPeriod(signedBeforeNationalDay, extending, calendar2026)).toEqual({
        days: 15,
        startsOn: '2026-09-19',
        lastDay: '2026-10-08',
        endsAt: '2026-10-08T16:00:00.000Z',
        extendedForHoliday: true,
        rule: 'default 15 days; last day 2026-10-03 is not a working day, extended to 2026-10-08',
      });
    });

    it('does not move a last day that is a working day, including a make-up working day', () => {
      const extending = { ...config, extendWhenLastDayIsHoliday: true };
      expect(coolingOffPeriod(contract, extending, calendar2026)).toMatchObject({ lastDay: '2026-12-08', extendedForHoliday: false });
      // Signed 2026-09-25: last day 2026-10-10, a Saturday worked in exchange for the holiday.
      expect(coolingOffPeriod({ ...contract, receiptSignedOn: '2026-09-25' }, extending, calendar2026)).toMatchObject({
        lastDay: '2026-10-10',
        extendedForHoliday: false,
      });
    });
  });
});

describe('config validation', () => {
  function fieldsOf(input: unknown): string[] {
    const result = coolingOffConfigSchema.safeParse(input);
    if (result.success) throw new Error('expected the config to be rejected');
    return toFieldErrors(result.error).map((e) => e.field);
  }

  it('names the offending field', () => {
    expect(fieldsOf({ ...config, defaultDays: 0 })).toEqual(['defaultDays']);
    expect(fieldsOf({ ...config, overrides: [{ productType: 'annuity', days: 20 }] })).toEqual(['overrides[0].productType']);
    expect(fieldsOf({ ...config, overrides: [{ days: 20 }] })).toEqual(['overrides[0]']);
    expect(fieldsOf({ ...config, $comment: 'x' })).toEqual(['(body)']);
  });

  it('rejects two overrides with the same selectors, which would tie', () => {
    const overrides = [
      { productCode: 'UL2026A', days: 20 },
      { productCode: 'UL2026A', days: 30 },
    ];
    expect(fieldsOf({ ...config, overrides })).toEqual(['overrides[1]']);
  });
});
