/**
 * The worker's watch on the working-day calendar (next year's file is published late in the year and
 * added by hand, config/calendar/cn-YYYY.json):
 *   - at start, the warning the worker and `npm start` print when the loaded calendar ends within
 *     calendarYear.warnDaysAhead days (config/deadlines.json), naming the file to add;
 *   - while it runs, gauges on the worker's Prometheus endpoint, refreshed every minute (the calendar
 *     directory is looked at again each time, so an added file shows at once):
 *       huifang_calendar_days_left             days from today to the loaded calendar's last day (0 on it and once past it)
 *       huifang_calendar_missing_year          the first year after today without a file
 *       huifang_callbacks_awaiting_calendar    running callbacks whose known days' calls are done, waiting for that file
 */
import type { MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { calendarHealth, type CalendarHealth } from '../client/calendar-health';
import type { Settings } from '../config/settings';
import { localDateOf } from '../domain/local-time';
import { calendarCoverage } from '../domain/working-day-calendar';

/** The start-up warning, when the calendar ends within calendarYear.warnDaysAhead days of `now`. */
export function calendarStartWarning(settings: Pick<Settings, 'calendar' | 'deadlines' | 'timeZone'>, now: Date): string | undefined {
  return calendarCoverage(settings.calendar, localDateOf(now, settings.timeZone), settings.deadlines.calendarYear.warnDaysAhead).warning;
}

export interface CalendarWatchOptions {
  settings: Pick<Settings, 'calendar' | 'deadlines'>;
  /** Counts the waiting callbacks (client/calendar-health.ts countAwaitingCalendar); the gauge stays unset without it. */
  countAwaiting?: () => Promise<number>;
  /** Default: the SDK runtime's meter, exported with its temporal_* metrics. */
  meter?: MetricMeter;
  everyMs?: number;
  now?: () => Date;
  /** Where a failed check is reported (default: the SDK runtime's logger, the worker's JSON lines). */
  warn?: (message: string) => void;
}

export interface CalendarWatch {
  /** Checks now and sets the gauges. */
  check(): Promise<CalendarHealth>;
  stop(): void;
}

export function watchCalendar(opts: CalendarWatchOptions): CalendarWatch {
  const meter = opts.meter ?? Runtime.instance().metricMeter;
  // The SDK's gauges take no negative values: a calendar already past its last day shows 0, as on that day.
  const daysLeft = meter.createGauge('huifang_calendar_days_left', 'int', 'days', 'Days from today to the last day of the loaded working-day calendar (0 once past it)');
  const missingYear = meter.createGauge('huifang_calendar_missing_year', 'int', '', 'The first year after today without a working-day calendar file');
  const awaiting = meter.createGauge('huifang_callbacks_awaiting_calendar', 'int', '', "Running callbacks waiting for next year's working-day calendar file");
  const check = async (): Promise<CalendarHealth> => {
    const health = await calendarHealth({
      calendar: opts.settings.calendar,
      warnDaysAhead: opts.settings.deadlines.calendarYear.warnDaysAhead,
      countAwaiting: opts.countAwaiting,
      now: opts.now?.() ?? new Date(),
    });
    daysLeft.set(Math.max(0, health.calendar.daysLeft));
    missingYear.set(health.calendar.missingYear);
    if (health.awaitingCalendar !== undefined) awaiting.set(health.awaitingCalendar);
    return health;
  };
  const warn = opts.warn ?? ((message: string) => Runtime.instance().logger.warn(message));
  const checkInBackground = () => void check().catch((err) => warn(`calendar gauges not updated: ${(err as Error).message}`));
  const timer = setInterval(checkInBackground, opts.everyMs ?? 60_000);
  timer.unref();
  checkInBackground();
  return { check, stop: () => clearInterval(timer) };
}
