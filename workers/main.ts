/** `npm run worker`: a worker alone, against TEMPORAL_ADDRESS (see client/connection-settings.ts). */
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { ensureExemptionListScheduleOn } from '../client/exemption-list-schedule';
import { keyringFromEnv } from '../client/payload-keys';
import { loadSettings } from '../config/settings';
import { callCenterModeFromEnv, startWorker } from './run-worker';

async function main(): Promise<void> {
  const temporal = temporalSettingsFromEnv();
  const keyring = keyringFromEnv();
  console.log(await ensureExemptionListScheduleOn(temporal, keyring, loadSettings().exemptionList));
  const running = await startWorker(temporal, keyring, callCenterModeFromEnv('staff'));
  console.log(`worker polling task queue '${temporal.taskQueue}' on ${temporal.address} (namespace ${temporal.namespace})`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void running.shutdown());
  await running.done;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
