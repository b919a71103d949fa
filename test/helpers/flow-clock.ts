/**
 * Instants the fallback and transfer tests need on the time-skipping server: the timer a callback
 * is waiting on (read from its history, so a test can stop just before it or just after it), a clock
 * kept clear of the end of a month (an office's letter / on-site quota and register are per month),
 * and a clock kept clear of the call slots (a callback started a moment before a slot opens would
 * call at once instead of waiting for its first attempt).
 */
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { instantAt, localDateOf } from '../../domain/local-time';
import { skip } from './drive';
import type { TestHarness } from './temporal-env';

const { EventType } = temporal.api.enums.v1;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Skips the server's clock forward to `instant`, 12 hours at most a step (see clock.ts's advanceTo),
 * each step under drive.ts's real-time deadline, so a held time lock fails the test instead of hanging it.
 */
export async function skipTo(h: TestHarness, instant: Date): Promise<void> {
  for (;;) {
    const ms = instant.getTime() - (await h.env.currentTimeMs());
    if (ms <= 0) return;
    await skip(h, Math.min(ms, 12 * HOUR));
  }
}

/**
 * When the one timer `workflowId` has pending will fire: its start event's server time plus its
 * duration, as the server scheduled it. Throws unless exactly one timer is pending.
 */
export async function pendingTimerFiresAt(h: TestHarness, workflowId: string): Promise<Date> {
  const events = (await h.huifang.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const pending = new Map<string, number>();
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const a = e.timerStartedEventAttributes!;
        pending.set(a.timerId!, tsToMs(e.eventTime!) + tsToMs(a.startToFireTimeout!));
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        pending.delete(e.timerFiredEventAttributes!.timerId!);
        break;
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        pending.delete(e.timerCanceledEventAttributes!.timerId!);
        break;
    }
  }
  if (pending.size !== 1) throw new Error(`${workflowId} has ${pending.size} pending timers, not one`);
  return new Date([...pending.values()][0]);
}

/** Midnight (local) at the start of the month after the one `instant` falls in. */
export function nextMonthStart(instant: Date, timeZone: string): Date {
  const [y, m] = localDateOf(instant, timeZone).split('-').map(Number);
  const first = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return instantAt(first, '00:00', timeZone);
}

/**
 * Skips the server's clock into the next month when fewer than `marginMs` are left of the current one
 * (local time), so everything a test starts now falls in one office-month. Call inside `withWorker`:
 * whatever falls due meanwhile must run.
 */
export async function keepClearOfMonthEnd(h: TestHarness, marginMs = 12 * HOUR): Promise<void> {
  const now = new Date(await h.env.currentTimeMs());
  const monthEnd = nextMonthStart(now, h.settings.timeZone).getTime();
  if (monthEnd - now.getTime() < marginMs) await skipTo(h, new Date(monthEnd + HOUR));
}

/**
 * Like drive.ts's skipToQuietTime, with a margin: moves the clock out of any call slot and out of the
 * `marginMs` before one opens, so a callback started now waits for its first attempt however long
 * the test takes to get there. Call inside `withWorker` when other workflows are running.
 */
export async function skipToQuietTimeWithMargin(h: TestHarness, marginMs = 30 * MINUTE): Promise<void> {
  const tz = h.settings.timeZone;
  for (let guard = 0; guard < 10; guard++) {
    const now = await h.env.currentTimeMs();
    const day = localDateOf(new Date(now), tz);
    const busy = h.settings.callPlan.slots
      .map((s) => ({ from: instantAt(day, s.from, tz).getTime(), to: instantAt(day, s.to, tz).getTime() }))
      .find((s) => now >= s.from - marginMs && now < s.to);
    if (!busy) return;
    await skipTo(h, new Date(busy.to + MINUTE));
  }
  throw new Error('no quiet time found between the call slots');
}
