/** Stage 1: decide whether the policy must be called, its cooling-off period, questionnaire and plan. */
import { nowIso } from '../clock';
import { activitySummary } from '../summaries';
import { assessContract } from './activities';
import { applyPlan } from './calendar-wait';
import type { CallbackRun } from './run';

export async function assess(run: CallbackRun): Promise<void> {
  const { state } = run;
  const assessment = await run.local(() =>
    assessContract.executeWithOptions({ summary: activitySummary(run.policyNo, 'ASSESSING', 'rule, cooling-off period, questionnaire, call plan') }, [
      { contract: run.contract, now: nowIso() },
    ]),
  );
  run.assessment = assessment;
  state.decision = assessment.decision;
  state.coolingOff = assessment.coolingOff;
  state.questions = assessment.questions.map(({ id, text }) => ({ id, text }));
  const { calendarMissing } = assessment;
  // (Assessments recorded before calendarMissing existed have neither it nor the calendarYear setting.)
  applyPlan(run, { slots: assessment.plan, calendarMissing, recheckHours: calendarMissing && assessment.deadlines.calendarYear.recheckHours });
  const gap = state.calendarMissing;
  // The decision and the cooling-off end stand; only the plan beyond the missing year waits for its file.
  if (gap) run.note(`calls planned up to ${gap.from} only: no working-day calendar for ${gap.year} yet (${gap.file})`);
}
