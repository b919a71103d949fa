/**
 * The only way the callback and ticket workflows wait: each wait names its declaration in
 * domain/waits.ts (stage, what for, deadline, what happens then) and takes its deadline as an
 * instant. test/waits.test.ts fails for a `condition` or `sleep` anywhere else.
 */
import { condition, sleep } from '@temporalio/workflow';
import type { WaitId } from '../domain/waits';
import { msUntil } from './clock';

/**
 * Waits until `done()` or the deadline, whichever comes first; true if done. `summary`: what the
 * timer waits for, shown on it in the Web UI (workflows/summaries.ts).
 */
export async function waitUntil(_wait: WaitId, done: () => boolean, deadline: string, summary?: string): Promise<boolean> {
  if (done()) return true;
  return condition(done, msUntil(deadline), { summary });
}

/** Sleeps until the deadline (a timer that nothing but cancellation ends early). */
export async function sleepUntil(_wait: WaitId, deadline: string, summary?: string): Promise<void> {
  const ms = msUntil(deadline);
  if (ms > 0) await sleep(ms, summary ? { summary } : undefined);
}
