/** `npm run worker`: a worker alone, against TEMPORAL_ADDRESS (see client/connection-settings.ts). */
import { Runtime } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { ensureExemptionListScheduleOn } from '../client/exemption-list-schedule';
import { keyringFromEnv } from '../client/payload-keys';
import { loadSettings } from '../config/settings';
import { calendarStartWarning } from './calendar-watch';
import { callCenterModeFromEnv, startWorker } from './run-worker';
import { installTelemetry, telemetryFromEnv } from './telemetry';

async function main(): Promise<void> {
  const temporal = temporalSettingsFromEnv();
  const telemetry = telemetryFromEnv();
  installTelemetry(telemetry);
  // Through the runtime's logger: the worker's output is JSON lines throughout.
  const log = Runtime.instance().logger;
  const settings = loadSettings();
  // Before anything else: next year's holidays are added by hand, and callbacks wait without them.
  const calendarWarning = calendarStartWarning(settings, new Date());
  if (calendarWarning) log.warn(calendarWarning);
  const keyring = keyringFromEnv();
  log.info(await ensureExemptionListScheduleOn(temporal, keyring, settings.exemptionList));
  const running = await startWorker(temporal, keyring, callCenterModeFromEnv('staff'));
  log.info(`worker polling task queue '${temporal.taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`, { taskQueue: temporal.taskQueue });
  if (telemetry.metricsAddress) log.info(`metrics (Prometheus) at http://${telemetry.metricsAddress}/metrics`, { metricsAddress: telemetry.metricsAddress });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void running.shutdown());
  await running.done;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
