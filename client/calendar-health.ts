/**
 * The working-day calendar's health, for ops: how far the loaded calendar reaches (next year's file is
 * published late in the year and must be added by hand), and how many callbacks wait for it now.
 * Served by /healthz (api/server.ts) and as worker metrics (workers/calendar-watch.ts).
 */
import type { Client } from '@temporalio/client';
import { localDateOf } from '../domain/local-time';
import { calendarCoverage, type CalendarCoverage, type WorkingDayCalendar } from '../domain/working-day-calendar';

/** Running callbacks whose known days' calls are done and that wait for next year's calendar file. */
export const AWAITING_CALENDAR_QUERY = 'WorkflowType="callbackWorkflow" AND ExecutionStatus="Running" AND AwaitingCalendar=true';

export async function countAwaitingCalendar(client: Client): Promise<number> {
  return Number((await client.workflow.count(AWAITING_CALENDAR_QUERY)).count);
}

export interface CalendarHealth {
  /** 'degraded' when the calendar ends within warnDaysAhead days, or a callback waits for it. */
  status: 'ok' | 'degraded';
  /** What is wrong, in words, naming the file to add. */
  problems: string[];
  calendar: Omit<CalendarCoverage, 'warning'> & { warnDaysAhead: number };
  /** Running callbacks waiting for the missing year's file; absent when it could not be counted. */
  awaitingCalendar?: number;
  /** Why the waiting callbacks could not be counted (e.g. a server without the AwaitingCalendar search attribute). */
  awaitingCalendarUnknown?: string;
}

export interface CalendarHealthInput {
  calendar: WorkingDayCalendar;
  /** calendarYear.warnDaysAhead (config/deadlines.json). */
  warnDaysAhead: number;
  countAwaiting?: () => Promise<number>;
  now: Date;
}

export async function calendarHealth({ calendar, warnDaysAhead, countAwaiting, now }: CalendarHealthInput): Promise<CalendarHealth> {
  // A file the operator added since the start counts at once.
  calendar.refresh();
  const { warning, ...coverage } = calendarCoverage(calendar, localDateOf(now, calendar.timeZone), warnDaysAhead);
  const problems = warning ? [warning] : [];
  let awaitingCalendar: number | undefined;
  let awaitingCalendarUnknown: string | undefined;
  if (countAwaiting) {
    try {
      awaitingCalendar = await countAwaiting();
    } catch (err) {
      awaitingCalendarUnknown = (err as Error).message;
    }
  }
  if (awaitingCalendar) {
    problems.push(`${awaitingCalendar} callback${awaitingCalendar === 1 ? '' : 's'} wait${awaitingCalendar === 1 ? 's' : ''} for the ${coverage.missingYear} working-day calendar: add ${coverage.file}`);
  }
  return {
    status: problems.length ? 'degraded' : 'ok',
    problems,
    calendar: { ...coverage, warnDaysAhead },
    ...(awaitingCalendar !== undefined ? { awaitingCalendar } : {}),
    ...(awaitingCalendarUnknown ? { awaitingCalendarUnknown } : {}),
  };
}
