/**
 * Who may see a policyholder's name and number, and when: the call center of the policy's branch,
 * only while a call is to be made or has just been made (its recording still to come), or while the
 * case is with the branch to settle. Before the decision, or once the callback is closed, the desk has
 * no call to make: the details are not shown (PIPL: personal data only as far as the task needs).
 */
import type { CallbackStage } from './callback-state';

export const CALL_CENTER_STAGES: readonly CallbackStage[] = ['AWAITING_CALL', 'CALLING', 'AWAITING_RECORDING', 'UNRESOLVED'];

/** Why the call center may not see the policyholder of a callback in `stage` (undefined when it may). */
export function personalDataRefusal(policyNo: string, stage: CallbackStage): string | undefined {
  if (CALL_CENTER_STAGES.includes(stage)) return undefined;
  return `the callback of policy ${policyNo} is ${stage}, with no call to make: its policyholder's details are shown to the call center only in ${CALL_CENTER_STAGES.join(', ')}`;
}

/** How many policyholders one person may be shown in an hour, by default: a day's calls, not a trawl. */
export const DEFAULT_READS_PER_HOUR = 60;
