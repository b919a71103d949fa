/** Moving the time-skipping server's clock. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';

/**
 * Skips the server's clock forward to `instant`, at most 12 hours at a time: one `env.sleep` over
 * several days was seen to hang in the Java test server (1.38), while day-sized steps always return.
 */
export async function advanceTo(env: TestWorkflowEnvironment, instant: Date): Promise<void> {
  const STEP = 12 * 3_600_000;
  for (;;) {
    const ms = instant.getTime() - (await env.currentTimeMs());
    if (ms <= 0) return;
    await env.sleep(Math.min(ms, STEP));
  }
}

/**
 * Waits, in real time, until a workflow that is about to finish has closed; returns its status.
 * Tests then read the outcome with a query instead of `result()`: the test client's `result()`
 * unlocks time skipping, and an idle server jumps to its next timer (seen: ten years ahead, to a
 * default timeout, even after the workflow had closed), which throws later tests off.
 */
export async function waitUntilClosed(handle: { describe(): Promise<{ status: { name: string } }> }, realTimeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + realTimeoutMs;
  for (;;) {
    const { name } = (await handle.describe()).status;
    if (name !== 'RUNNING') return name;
    if (Date.now() > deadline) throw new Error('the workflow did not finish in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
