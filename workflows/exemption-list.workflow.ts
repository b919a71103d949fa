/**
 * The 08:30 exemption list of one day (domain/exemption-list.ts), started each morning by the
 * Schedule (client/exemption-list-schedule.ts). The day is the local date of the scheduled time,
 * not of whenever the run got going, so a run caught up after an outage lists the day it was for;
 * `date` re-runs a given day by hand (a day already sent is not sent again).
 */
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SentExemptionList } from '../activities/exemption-list';
import type { LocalDate } from '../domain/local-time';

const { exemptionListDay, collectExemptions } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // A missing calendar year keeps failing until an operator adds it, visibly.
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes' },
});
// Mail may be down for a while: keep trying, well past 08:30 if need be (the list says it is late).
const { sendExemptionList } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
});

/** Set by the server on every run a Schedule starts (and on a trigger, to the trigger's time). */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

export interface ExemptionListInput {
  /** Re-runs this day's list; the Schedule gives none. */
  date?: LocalDate;
}

export interface ExemptionListResult {
  date: LocalDate;
  workingDay: boolean;
  /** Why nothing was sent on a non-working day. */
  reason?: string;
  window?: { from: LocalDate; to: LocalDate };
  lists: SentExemptionList[];
}

export async function exemptionListWorkflow(input: ExemptionListInput = {}): Promise<ExemptionListResult> {
  const info = workflowInfo();
  const at = info.typedSearchAttributes.get(ScheduledStartTime) ?? info.startTime;
  const day = await exemptionListDay({ date: input.date, at: at.toISOString() });
  if (!day.workingDay) return { date: day.date, workingDay: false, reason: day.reason, lists: [] };

  const window = { from: day.from, to: day.to };
  const groups = await collectExemptions(window);
  // In parallel: each list is its own idempotent send, retried on its own while the others go out.
  const lists = await Promise.all(groups.map((group) => sendExemptionList({ date: day.date, ...window, group })));
  return { date: day.date, workingDay: true, window, lists };
}
