/** `npm run worker`: a worker alone, against TEMPORAL_ADDRESS (see client/connection-settings.ts). */
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { keyringFromEnv } from '../client/payload-keys';
import { callCenterModeFromEnv, startWorker } from './run-worker';

async function main(): Promise<void> {
  const temporal = temporalSettingsFromEnv();
  const running = await startWorker(temporal, keyringFromEnv(), callCenterModeFromEnv('staff'));
  console.log(`worker polling task queue '${temporal.taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void running.shutdown());
  await running.done;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
