import {
  callingHoursSchema,
  callingWindowOn,
  DEFAULT_CALLING_HOURS,
  isWithinCallingHours,
  nextCallingInstant,
} from '../domain/calling-hours';

const TZ = 'Asia/Shanghai';
/** Asia/Shanghai is UTC+8 all year: 09:00 local is 01:00Z. */
const at = (iso: string) => new Date(iso);

describe('calling hours (default 09:00-21:00 Asia/Shanghai)', () => {
  it('defaults to 09:00-21:00', () => {
    expect(DEFAULT_CALLING_HOURS).toEqual({ from: '09:00', to: '21:00' });
  });

  it('gives the window of a local date as instants', () => {
    const { start, end } = callingWindowOn('2026-11-23', DEFAULT_CALLING_HOURS, TZ);
    expect(start.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(end.toISOString()).toBe('2026-11-23T13:00:00.000Z');
  });

  it('allows 09:00 and 20:59, refuses 21:00 and 08:59 local', () => {
    expect(isWithinCallingHours(at('2026-11-23T09:00:00+08:00'), DEFAULT_CALLING_HOURS, TZ)).toBe(true);
    expect(isWithinCallingHours(at('2026-11-23T20:59:00+08:00'), DEFAULT_CALLING_HOURS, TZ)).toBe(true);
    expect(isWithinCallingHours(at('2026-11-23T21:00:00+08:00'), DEFAULT_CALLING_HOURS, TZ)).toBe(false);
    expect(isWithinCallingHours(at('2026-11-23T08:59:00+08:00'), DEFAULT_CALLING_HOURS, TZ)).toBe(false);
  });

  it('judges by local time, not UTC: 02:00Z is 10:00 in Shanghai', () => {
    expect(isWithinCallingHours(at('2026-11-23T02:00:00Z'))).toBe(true);
    // 23:30Z on the 22nd is 07:30 on the 23rd in Shanghai.
    expect(isWithinCallingHours(at('2026-11-22T23:30:00Z'))).toBe(false);
  });

  it('nextCallingInstant: inside → the same instant; 22:00 → 09:00 next day; 07:00 → 09:00 same day', () => {
    const inside = at('2026-11-23T15:30:00+08:00');
    expect(nextCallingInstant(inside, DEFAULT_CALLING_HOURS, TZ).getTime()).toBe(inside.getTime());
    expect(nextCallingInstant(at('2026-11-23T22:00:00+08:00'), DEFAULT_CALLING_HOURS, TZ).toISOString()).toBe(
      '2026-11-24T01:00:00.000Z',
    );
    expect(nextCallingInstant(at('2026-11-23T21:00:00+08:00'), DEFAULT_CALLING_HOURS, TZ).toISOString()).toBe(
      '2026-11-24T01:00:00.000Z',
    );
    expect(nextCallingInstant(at('2026-11-23T07:00:00+08:00'), DEFAULT_CALLING_HOURS, TZ).toISOString()).toBe(
      '2026-11-23T01:00:00.000Z',
    );
  });

  it('rolls over month ends by calendar day', () => {
    expect(nextCallingInstant(at('2026-12-31T23:00:00+08:00')).toISOString()).toBe('2027-01-01T01:00:00.000Z');
  });

  it('honours configured hours', () => {
    const hours = { from: '08:30', to: '20:00' };
    expect(isWithinCallingHours(at('2026-11-23T08:30:00+08:00'), hours, TZ)).toBe(true);
    expect(isWithinCallingHours(at('2026-11-23T20:00:00+08:00'), hours, TZ)).toBe(false);
  });
});

describe('callingHoursSchema', () => {
  it('accepts HH:mm with from before to', () => {
    expect(callingHoursSchema.safeParse({ from: '09:00', to: '21:00' }).success).toBe(true);
  });

  it('rejects from at or after to, naming the field', () => {
    const r = callingHoursSchema.safeParse({ from: '21:00', to: '09:00' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['to']);
    expect(callingHoursSchema.safeParse({ from: '09:00', to: '09:00' }).success).toBe(false);
  });

  it('rejects malformed times', () => {
    const r = callingHoursSchema.safeParse({ from: '9:00', to: '21:00' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['from']);
  });

  it('refuses to compute with invalid hours', () => {
    expect(() => callingWindowOn('2026-11-23', { from: '21:00', to: '09:00' }, TZ)).toThrow(RangeError);
  });
});
