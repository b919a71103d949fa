/** The demo's timing: slots are built from the start time and roll past local midnight. */
import { demoSettings, DEMO_SLOTS } from '../demo/demo-settings';
import { planAttempts } from '../domain/call-plan';
import { callPlanConfigSchema } from '../domain/call-plan';

const windows = (at: string) => demoSettings(new Date(at)).callPlan.slots.map((s) => `${s.from}-${s.to}`);

test('a demo started mid-morning gets a 3-minute slot now, then one a minute', () => {
  expect(windows('2026-12-01T10:00:30+08:00').slice(0, 3)).toEqual(['10:00-10:03', '10:03-10:04', '10:04-10:05']);
  expect(windows('2026-12-01T10:00:30+08:00')).toHaveLength(DEMO_SLOTS);
});

test('a demo started just before midnight goes on after 00:00, and the plan calls in both days', () => {
  const at = new Date('2026-12-01T23:50:30+08:00');
  const settings = demoSettings(at);
  expect(callPlanConfigSchema.safeParse(settings.callPlan).success).toBe(true);
  const slots = windows('2026-12-01T23:50:30+08:00');
  expect(slots.slice(0, 2)).toEqual(['23:50-23:53', '23:53-23:54']);
  expect(slots).toContain('23:59-24:00');
  expect(slots).toContain('00:00-00:01');
  expect(slots).toContain('00:21-00:22');
  const plan = planAttempts({ now: at, coolingOffEndsAt: new Date('2026-12-20T00:00:00+08:00'), config: settings.callPlan, calendar: settings.calendar, timeZone: settings.timeZone }).slots;
  const firstHour = plan.filter((p) => Date.parse(p.start) < at.getTime() + 3_600_000);
  expect(firstHour).toHaveLength(DEMO_SLOTS);
  expect(firstHour[0].start).toBe('2026-12-01T15:50:30.000Z');
  expect(firstHour.at(-1)!.start).toBe('2026-12-01T16:21:00.000Z');
});

test('the first slot cut by midnight is split at 24:00', () => {
  expect(windows('2026-12-01T23:58:10+08:00').slice(0, 2)).toEqual(['23:58-24:00', '00:00-00:01']);
});
