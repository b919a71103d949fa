/**
 * A plan that reaches a year the working-day calendar does not have yet (the State Council publishes
 * next year's holidays late in the year): the callback calls on the days it knows (call-rounds.ts),
 * then waits here, visibly (state.waitingFor, the AwaitingCalendar search attribute, the stage note),
 * and asks planCallRound again every calendarYear.recheckHours (config/deadlines.json) until the
 * operator's file is there and the rest of the calls are planned. The activity looks in the calendar
 * directory for the year each time (domain/working-day-calendar.ts), so no restart is needed.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { PlanRoundInput, RoundPlan } from '../../activities/assess-contract';
import type { PlannedSlot } from '../../domain/call-plan';
import { nowIso, isoIn } from '../clock';
import * as sa from '../search-attributes';
import { activitySummary, localStamp } from '../summaries';
import { sleepUntil } from '../waits';
import { planCallRound } from './activities';
import type { CallbackRun } from './run';

const HOUR = 3_600_000;

/**
 * Takes a plan into the state: its slots, and where it stops short, if it does. Histories recorded
 * before plans could stop short hold planCallRound's bare list of slots.
 */
export function applyPlan(run: CallbackRun, planned: RoundPlan | PlannedSlot[]): void {
  const { state } = run;
  const plan: RoundPlan = Array.isArray(planned) ? { slots: planned } : planned;
  state.plan = plan.slots;
  const gap = plan.calendarMissing;
  if (!gap) {
    state.calendarMissing = undefined;
    return;
  }
  const since = state.calendarMissing?.year === gap.year ? state.calendarMissing.since : nowIso();
  state.calendarMissing = { ...gap, since, recheckHours: plan.recheckHours! };
}

/** A new plan from planCallRound (a corrected number, a confirming call, a look for the missing year). */
export async function planRound(run: CallbackRun, input: PlanRoundInput, what: string): Promise<void> {
  const planned = await run.local(() => planCallRound.executeWithOptions({ summary: activitySummary(run.policyNo, run.state.stage, what) }, [input]));
  applyPlan(run, planned);
}

/**
 * The known days' slots are used up and the plan stops before a missing calendar year: waits for
 * its file, looking again every recheckHours. Returns with a new plan (the rest of the calls), or
 * throws the cancellation of an accepted waiver.
 */
export async function awaitCalendarYear(run: CallbackRun): Promise<void> {
  const { state, policyNo } = run;
  const gap = state.calendarMissing!;
  const wait = { kind: 'calendar-year' as const, year: gap.year, file: gap.file, since: nowIso(), nextCheckAt: nowIso(), checks: 0 };
  state.waitingFor = wait;
  state.nextAttemptAt = undefined;
  run.setStage('AWAITING_CALL', `waiting for the ${gap.year} working-day calendar (${gap.file}): the calls it allowed before ${gap.from} are done`);
  upsertSearchAttributes([{ key: sa.AwaitingCalendar, value: true }]);
  try {
    while (state.calendarMissing && state.plan.length === 0) {
      const every = state.calendarMissing.recheckHours * HOUR;
      wait.nextCheckAt = isoIn(every);
      await run.recordChanges();
      await sleepUntil('calendar-year', wait.nextCheckAt, `${policyNo} · AWAITING_CALL · waiting for the ${gap.year} working-day calendar, next look ${localStamp(wait.nextCheckAt)}`);
      const round = { now: nowIso(), coolingOffEndsAt: run.coolingOffEndsAt, preference: run.contract.callPreference };
      await planRound(run, round, `plan the calls, if the ${gap.year} working-day calendar is there`);
      if (state.calendarMissing && state.plan.length === 0) wait.checks++;
    }
  } finally {
    state.waitingFor = undefined;
    upsertSearchAttributes([{ key: sa.AwaitingCalendar, value: false }]);
  }
  run.note(`the ${gap.year} working-day calendar is there (waited since ${localStamp(wait.since)}): ${state.plan.length} slot${state.plan.length === 1 ? '' : 's'} planned`);
}
