/** The bench's call wave (plan mode 'wave'): every policy sleeps until one slot opening later today. */
import { benchSettings, waveStart } from '../bench/settings';
import { planAttempts } from '../domain/call-plan';

test('the wave opens at the first whole minute after the lead, and the plan calls then, not before', () => {
  const now = new Date('2026-12-03T16:20:30+08:00');
  const waveAt = waveStart(100_000, now); // 16:22:10, up to the minute
  expect(waveAt.toISOString()).toBe('2026-12-03T08:23:00.000Z'); // 16:23 Beijing
  const settings = benchSettings('wave', now, waveAt);
  expect(settings.callPlan.slots).toEqual([{ name: 'wave', from: '16:23', to: '24:00' }]);
  const plan = planAttempts({ now, coolingOffEndsAt: new Date('2026-12-20T00:00:00+08:00'), config: settings.callPlan, calendar: settings.calendar, timeZone: settings.timeZone }).slots;
  expect(plan[0].start).toBe(waveAt.toISOString());
});

test('a wave that would open after Beijing midnight is refused, saying so', () => {
  expect(() => waveStart(120_000, new Date('2026-12-03T23:58:30+08:00'))).toThrow(/after midnight in Asia\/Shanghai/);
  expect(() => benchSettings('wave', new Date('2026-12-03T10:00:00+08:00'))).toThrow(/waveAt must be later today/);
  expect(() => benchSettings('wave', new Date('2026-12-03T10:00:00+08:00'), new Date('2026-12-04T10:00:00+08:00'))).toThrow(/waveAt must be later today/);
});
