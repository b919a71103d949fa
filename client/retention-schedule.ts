/**
 * The Temporal Schedule of the daily retention purge (workflows/retention-purge.workflow.ts), at
 * config/retention.json's purgeAt (02:30 by default: the night, when nobody works on callbacks) in
 * the business time zone. Created at start-up, idempotently: when it already exists its spec, action
 * and policies are brought in line with the configuration, and nothing else about it changes (a
 * pause someone set stays).
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { minutesOfDay } from '../domain/local-time';
import type { RetentionConfig } from '../domain/retention';
import { retentionPurgeWorkflow } from '../workflows/retention-purge.workflow';
import type { TemporalSettings } from './connection-settings';
import type { PayloadKeyring } from './encryption-codec';
import { HuifangClient } from './huifang-client';

export const RETENTION_SCHEDULE_ID = 'huifang-retention-purge';

export interface RetentionScheduleOptions {
  taskQueue: string;
  config: RetentionConfig;
  /** The business time zone (settings.timeZone). */
  timeZone: string;
  /** Defaults to RETENTION_SCHEDULE_ID (tests give their own). */
  scheduleId?: string;
}

export function retentionSchedule({ taskQueue, config, timeZone, scheduleId = RETENTION_SCHEDULE_ID }: RetentionScheduleOptions) {
  const minutes = minutesOfDay(config.purgeAt);
  return {
    scheduleId,
    spec: {
      calendars: [{ hour: Math.floor(minutes / 60), minute: minutes % 60, comment: 'retention purge: personal data past its legal period' }],
      timezone: timeZone,
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: retentionPurgeWorkflow,
      // The server appends the scheduled time: one run id per day, the run_id of its retention_actions.
      workflowId: `retention-purge-${scheduleId}`,
      taskQueue,
      args: [{}] as [Record<string, never>],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      // A night missed in an outage is made up the same day; a later run removes what it left anyway.
      catchupWindow: '1 day',
    },
  } satisfies ScheduleOptions;
}

/** Creates the Schedule, or updates it to the configuration; answers which. */
export async function ensureRetentionSchedule(client: Client, options: RetentionScheduleOptions): Promise<'created' | 'updated'> {
  const schedule = retentionSchedule(options);
  try {
    await client.schedule.create(schedule);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(schedule.scheduleId).update((previous) => ({
    ...previous,
    spec: schedule.spec,
    action: schedule.action,
    policies: { ...previous.policies, ...schedule.policies },
  }));
  return 'updated';
}

/** At start-up (`npm start`): connects, ensures the Schedule, says what it did. */
export async function ensureRetentionScheduleOn(temporal: TemporalSettings, keyring: PayloadKeyring, config: RetentionConfig, timeZone: string): Promise<string> {
  const huifang = await HuifangClient.connect(temporal, keyring);
  try {
    const done = await ensureRetentionSchedule(huifang.temporal, { taskQueue: temporal.taskQueue, config, timeZone });
    return `retention purge schedule '${RETENTION_SCHEDULE_ID}' ${done}: every day at ${config.purgeAt} ${timeZone}, up to ${config.purgeBatch} policies a batch`;
  } finally {
    await huifang.temporal.connection.close();
  }
}
