/** `npm run worker`: a worker alone, against TEMPORAL_ADDRESS (see client/connection-settings.ts). */
import { Runtime } from '@temporalio/worker';
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { keyringFromEnv } from '../client/payload-keys';
import { callCenterModeFromEnv, startWorker } from './run-worker';
import { installTelemetry, telemetryFromEnv } from './telemetry';

async function main(): Promise<void> {
  const temporal = temporalSettingsFromEnv();
  const telemetry = telemetryFromEnv();
  installTelemetry(telemetry);
  const running = await startWorker(temporal, keyringFromEnv(), callCenterModeFromEnv('staff'));
  // Through the runtime's logger: the worker's output is JSON lines throughout.
  const log = Runtime.instance().logger;
  log.info(`worker polling task queue '${temporal.taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`, { taskQueue: temporal.taskQueue });
  if (telemetry.metricsAddress) log.info(`metrics (Prometheus) at http://${telemetry.metricsAddress}/metrics`, { metricsAddress: telemetry.metricsAddress });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void running.shutdown());
  await running.done;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
