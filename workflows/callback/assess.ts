/** Stage 1: decide whether the policy must be called, its cooling-off period, questionnaire and plan. */
import { nowIso } from '../clock';
import { activitySummary } from '../summaries';
import { assessContract } from './activities';
import type { CallbackRun } from './run';

export async function assess(run: CallbackRun): Promise<void> {
  const { state } = run;
  const assessment = await assessContract.executeWithOptions({ summary: activitySummary(run.policyNo, 'ASSESSING', 'rule, cooling-off period, questionnaire, call plan') }, [
    { contract: run.contract, now: nowIso() },
  ]);
  run.assessment = assessment;
  state.decision = assessment.decision;
  state.coolingOff = assessment.coolingOff;
  state.questions = assessment.questions.map(({ id, text }) => ({ id, text }));
  state.plan = assessment.plan;
}
