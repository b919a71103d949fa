/**
 * The daily retention purge, started by its Schedule (client/retention-schedule.ts): crypto-shreds
 * the personal data of every policy whose evidence is past its legal period, batch after batch until
 * none is left (stores/retention.ts says what is removed and what stays). The day it judges by is
 * the local date of the scheduled time, so a run caught up after an outage judges by its own day.
 * No waits: only activities, retried until the database answers.
 */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { Activities } from '../activities';

const { shredExpiredPersonalData } = proxyActivities<Activities>({
  // One batch (500 policies by default, a transaction each) takes seconds; a stuck one is tried again.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', nonRetryableErrorTypes: ['BadInput'] },
});

/** Set by the server on every run a Schedule starts (and on a trigger, to the trigger's time). */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

/** Batches per run before continuing as new, so a year's backlog does not make one huge history. */
const BATCHES_PER_RUN = 200;

export interface RetentionPurgeInput {
  /** Carried over by continue-as-new: the scheduled time of the first run, and what it shredded so far. */
  at?: string;
  shreddedBefore?: number;
}

export interface RetentionPurgeResult {
  today: string;
  /** Policies whose personal data this purge shredded (the details: retention_actions, by run_id). */
  shredded: number;
}

export async function retentionPurgeWorkflow(input: RetentionPurgeInput = {}): Promise<RetentionPurgeResult> {
  const info = workflowInfo();
  const at = input.at ?? (info.typedSearchAttributes.get(ScheduledStartTime) ?? info.startTime).toISOString();
  let shredded = input.shreddedBefore ?? 0;
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const batch = await shredExpiredPersonalData({ at, runId: info.workflowId });
    shredded += batch.shredded;
    if (!batch.more) return { today: batch.today, shredded };
  }
  return continueAsNew<typeof retentionPurgeWorkflow>({ at, shreddedBefore: shredded });
}
