/**
 * The call plan: when to try the policyholder, decided once when the callback starts (and again when
 * a ticket brings a corrected number). Several slots a day inside calling hours, on the days the
 * configuration allows, all before the cooling-off end less a margin kept for the letter / on-site
 * fallback. A customer's preferred window replaces the configured slots.
 *
 * A plan that reaches a year the working-day calendar does not have yet stops the day before it and
 * says so (calendarMissing): the callback calls on the days it knows, then waits for the year's file.
 */
import { z } from 'zod';
import { callingHoursSchema, type CallingHours } from './calling-hours';
import { addCalendarDays, instantAt, isValidLocalTime, localDateOf, minutesOfDay, type LocalDate } from './local-time';
import { calendarYearMissing } from './working-day-calendar';

const localTime = z.string().refine(isValidLocalTime, 'must be a wall-clock time written HH:mm');
const slotSchema = z
  .object({ name: z.string().min(1), from: localTime, to: localTime })
  .refine((s) => minutesOfDay(s.from) < minutesOfDay(s.to), { path: ['to'], message: 'must be later than from' });

export const callPlanConfigSchema = z
  .object({
    callingHours: callingHoursSchema,
    slots: z.array(slotSchema).min(1),
    callOnWeekends: z.boolean(),
    callOnPublicHolidays: z.boolean(),
    /** Attempts actually made (an outcome recorded) before the policy counts as unreachable. */
    maxAttempts: z.number().int().min(1).max(100),
    /** Calendar days before the cooling-off end kept free of phone attempts, for the fallback. */
    fallbackMarginDays: z.number().int().min(0).max(30),
    /** When no slot is left inside the cooling-off period at all: days of late attempts, recorded as late. */
    lateCallingDays: z.number().int().min(0).max(30),
    /** Length of the window opened at a time the customer asked to be called back. */
    callBackWindowMinutes: z.number().int().min(5).max(240),
    /** Windows shorter than this (cut by "now" or the deadline) are not worth a slot. */
    minSlotMinutes: z.number().int().min(1).max(240),
  })
  .superRefine((cfg, ctx) => {
    const open = minutesOfDay(cfg.callingHours.from);
    const close = minutesOfDay(cfg.callingHours.to);
    cfg.slots.forEach((s, i) => {
      if (minutesOfDay(s.from) < open || minutesOfDay(s.to) > close) {
        ctx.addIssue({ code: 'custom', path: ['slots', i], message: `slot ${s.from}-${s.to} is outside calling hours ${cfg.callingHours.from}-${cfg.callingHours.to}` });
      }
    });
  });
export type CallPlanConfig = z.infer<typeof callPlanConfigSchema>;

export interface PlannedSlot {
  /** Slot name from the configuration, 'preferred' or 'call-back'. */
  slot: string;
  /** ISO instants; the attempt is placed at `start` and counts as not made if no outcome by `end`. */
  start: string;
  end: string;
  /** After the cooling-off end: allowed only when nothing else is left, and recorded as late. */
  late: boolean;
}

export interface CalendarDays {
  isWorkingDay(date: LocalDate): boolean;
  isPublicHoliday(date: LocalDate): boolean;
}

export interface PlanRequest {
  now: Date;
  coolingOffEndsAt: Date;
  config: CallPlanConfig;
  calendar: CalendarDays;
  timeZone: string;
  /** The customer's preferred window, if they gave one. */
  preference?: CallingHours;
}

/** Where a plan stops short: the working-day calendar has no data for `year`, from `from` on. */
export interface CalendarGap {
  year: number;
  /** The first day the plan could not decide on (the missing year's first day, or today). */
  from: LocalDate;
  /** The file to add. */
  file: string;
}

export interface CallPlan {
  /** Soonest first. */
  slots: PlannedSlot[];
  /** Set when the plan stops before the calendar's missing year: the slots cover the days before it only. */
  calendarMissing?: CalendarGap;
}

export function planAttempts(req: PlanRequest): CallPlan {
  const margin = req.config.fallbackMarginDays * 86_400_000;
  const withMargin = slotsBetween(req, req.now, new Date(req.coolingOffEndsAt.getTime() - margin), false);
  // Cut by a missing year: whether there are slots beyond is not known, so no fall-back to a shorter margin.
  if (withMargin.slots.length > 0 || withMargin.calendarMissing) return withMargin;
  // Too close to the end for the margin: use what is left of the period itself.
  const inPeriod = slotsBetween(req, req.now, req.coolingOffEndsAt, false);
  if (inPeriod.slots.length > 0 || inPeriod.calendarMissing) return inPeriod;
  // The period is over (e.g. a corrected number arrived late): a few late attempts, marked as such.
  const lateStart = req.now > req.coolingOffEndsAt ? req.now : req.coolingOffEndsAt;
  return slotsBetween(req, lateStart, new Date(lateStart.getTime() + req.config.lateCallingDays * 86_400_000), true);
}

function slotsBetween(req: PlanRequest, from: Date, until: Date, late: boolean): CallPlan {
  const { config, calendar, timeZone } = req;
  const minMs = config.minSlotMinutes * 60_000;
  const windows = req.preference ? [{ name: 'preferred', ...clipToCallingHours(req.preference, config.callingHours) }] : config.slots;
  const slots: PlannedSlot[] = [];
  const lastDay = localDateOf(until, timeZone);
  for (let day = localDateOf(from, timeZone); day <= lastDay; day = addCalendarDays(day, 1)) {
    let allowed: boolean;
    try {
      allowed = callingAllowedOn(day, config, calendar);
    } catch (err) {
      const missing = calendarYearMissing(err);
      if (!missing) throw err;
      return { slots, calendarMissing: { year: missing.year, from: day, file: missing.file } };
    }
    if (!allowed) continue;
    for (const w of windows) {
      const start = Math.max(instantAt(day, w.from, timeZone).getTime(), from.getTime());
      const end = Math.min(instantAt(day, w.to, timeZone).getTime(), until.getTime());
      if (end - start >= minMs) {
        slots.push({ slot: w.name, start: new Date(start).toISOString(), end: new Date(end).toISOString(), late });
      }
    }
  }
  return { slots };
}

function callingAllowedOn(day: LocalDate, config: CallPlanConfig, calendar: CalendarDays): boolean {
  if (calendar.isPublicHoliday(day)) return config.callOnPublicHolidays;
  return calendar.isWorkingDay(day) || config.callOnWeekends;
}

/** A preferred window still respects calling hours (the customer can ask for a precise call-back time instead). */
function clipToCallingHours(pref: CallingHours, hours: CallingHours): CallingHours {
  const from = minutesOfDay(pref.from) > minutesOfDay(hours.from) ? pref.from : hours.from;
  const to = minutesOfDay(pref.to) < minutesOfDay(hours.to) ? pref.to : hours.to;
  return minutesOfDay(from) < minutesOfDay(to) ? { from, to } : hours;
}

/** The window opened at a time the customer asked for ("call me back at 19:30"). */
export function callBackSlot(at: Date, config: CallPlanConfig, coolingOffEndsAt: Date): PlannedSlot {
  const end = new Date(at.getTime() + config.callBackWindowMinutes * 60_000);
  return { slot: 'call-back', start: at.toISOString(), end: end.toISOString(), late: at >= coolingOffEndsAt };
}
