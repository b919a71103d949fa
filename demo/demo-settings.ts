/**
 * The demo's timing, by configuration values only (no workflow change), as the benchmark does it
 * (bench/settings.ts 'now': calling all day, a synthetic working-day calendar): on top of that, a
 * call slot every minute for the next half hour of wall-clock time (each day), and 3 attempts a
 * round instead of 9, so a busy line, a ring-out or a confirming call after a ticket comes round
 * within a minute instead of the next morning.
 */
import { benchSettings } from '../bench/settings';
import type { Settings } from '../config/settings';
import { localMinutesOf } from '../domain/local-time';

export const DEMO_SLOTS = 30;
export const DEMO_MAX_ATTEMPTS = 3;
const FIRST_SLOT_MINUTES = 3;

export function demoSettings(now = new Date()): Settings {
  const base = benchSettings('now', now);
  const first = localMinutesOf(now, base.timeZone);
  // The first slot is 3 minutes long, so contracts started in the next two minutes (the worker's
  // bundling included) are called at once: a window cut below the 1-minute minimum by "now" is
  // skipped. Then one slot a minute. Slots are times of day: past local midnight they go on from
  // 00:00 (a slot that would cross midnight is cut in two at 24:00).
  const windows = Array.from({ length: DEMO_SLOTS }, (_, i) => (i === 0 ? { from: first, to: first + FIRST_SLOT_MINUTES } : { from: first + i + 2, to: first + i + 3 }));
  const slots = windows.flatMap(({ from, to }) => withinOneDay(from, to)).map(({ from, to }) => ({ name: `demo-${clock(from)}`, from: clock(from), to: clock(to) }));
  return { ...base, callPlan: { ...base.callPlan, slots, maxAttempts: DEMO_MAX_ATTEMPTS } };
}

const DAY = 24 * 60;

/** [from, to) minutes after today's midnight, as one or two windows of a single day (to ≤ 24:00). */
function withinOneDay(from: number, to: number): { from: number; to: number }[] {
  const start = from % DAY;
  const end = start + (to - from);
  return end <= DAY ? [{ from: start, to: end }] : [{ from: start, to: DAY }, { from: 0, to: end - DAY }];
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
