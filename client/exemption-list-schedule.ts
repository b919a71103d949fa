/**
 * The Temporal Schedule that starts the exemption list every morning (config/exemption-list.json:
 * 08:00 Asia/Shanghai by default). Created at start-up, idempotently: when it already exists its
 * spec, action and policies are brought in line with the configuration (a changed time takes effect
 * on the next start), and nothing else about it changes. The Schedule runs every day; the workflow
 * itself skips non-working days, which only the working-day calendar knows.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { ExemptionListConfig } from '../domain/exemption-list';
import type { TemporalSettings } from './connection-settings';
import type { PayloadKeyring } from './encryption-codec';
import { HuifangClient } from './huifang-client';
import { minutesOfDay } from '../domain/local-time';
import { exemptionListWorkflow } from '../workflows/exemption-list.workflow';

export interface ExemptionListScheduleOptions {
  taskQueue: string;
  config: ExemptionListConfig;
  /** Defaults to the configured id (tests give their own). */
  scheduleId?: string;
}

export function exemptionListSchedule({ taskQueue, config, scheduleId = config.scheduleId }: ExemptionListScheduleOptions) {
  const minutes = minutesOfDay(config.runAt);
  return {
    scheduleId,
    spec: {
      calendars: [{ hour: Math.floor(minutes / 60), minute: minutes % 60, comment: `exemption list, due by ${config.dueBy}` }],
      timezone: config.timeZone,
    },
    action: {
      type: 'startWorkflow' as const,
      workflowType: exemptionListWorkflow,
      // The server appends the scheduled time: one run id per day.
      workflowId: `exemption-list-${scheduleId}`,
      taskQueue,
      args: [{}] as [Record<string, never>],
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: `${config.catchupWindowHours} hours`,
    },
  } satisfies ScheduleOptions;
}

/** Creates the Schedule, or updates it to the configuration; answers which. */
export async function ensureExemptionListSchedule(client: Client, options: ExemptionListScheduleOptions): Promise<'created' | 'updated'> {
  const schedule = exemptionListSchedule(options);
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

/** At start-up (`npm start`, `npm run worker`): connects, ensures the Schedule, says what it did. */
export async function ensureExemptionListScheduleOn(temporal: TemporalSettings, keyring: PayloadKeyring, config: ExemptionListConfig): Promise<string> {
  const huifang = await HuifangClient.connect(temporal, keyring);
  try {
    const done = await ensureExemptionListSchedule(huifang.temporal, { taskQueue: temporal.taskQueue, config });
    return `exemption list schedule '${config.scheduleId}' ${done}: every day at ${config.runAt} ${config.timeZone}, working days only`;
  } finally {
    await huifang.temporal.connection.close();
  }
}
