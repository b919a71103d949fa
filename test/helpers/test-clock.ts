/**
 * The tests' "now": the Temporal server's clock, never the wall clock's date or hour.
 *
 * - The dev server (a Go binary) always runs on real time; tests on it build their dates from the
 *   server's clock when they start, and use configuration that makes the hour irrelevant (see
 *   test-calendar.ts `testSettings`).
 * - The time-skipping server can be moved: with HUIFANG_TEST_START_AT set (an ISO instant, e.g.
 *   `2028-06-15T10:00:00+08:00`), every time-skipping server a test starts is skipped forward to
 *   that instant first, so the whole workflow suite can be run as if on another day, year or hour.
 *
 * `testToday()` is the business day (Asia/Shanghai) of the server the current test file started
 * last: contracts built by `aContract()` are dated relative to it.
 */
import { DEFAULT_TIME_ZONE, localDateOf, type LocalDate } from '../../domain/local-time';

let reference: Date | undefined;

/** Records the server clock the test file's contracts and calendars are built around. */
export function useServerClock(now: Date): void {
  reference = now;
}

/** The instant the current test file's server showed when it started (the wall clock before that). */
export function testNow(): Date {
  return reference ?? new Date();
}

/** The business day of `testNow()`. */
export function testToday(timeZone: string = DEFAULT_TIME_ZONE): LocalDate {
  return localDateOf(testNow(), timeZone);
}

/** HUIFANG_TEST_START_AT, validated: a time-skipping server is moved there before any test uses it. */
export function requestedStartAt(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const raw = env.HUIFANG_TEST_START_AT;
  if (raw === undefined || raw === '') return undefined;
  const at = new Date(raw);
  if (!/^\d{4}-\d\d-\d\dT/.test(raw) || Number.isNaN(at.getTime())) {
    throw new Error(`HUIFANG_TEST_START_AT=${raw} is not an ISO instant such as 2028-06-15T10:00:00+08:00`);
  }
  return at;
}
