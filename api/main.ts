/** `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS. */
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { keyringFromEnv } from '../client/payload-keys';
import { startApi } from './run-api';

async function main(): Promise<void> {
  const api = await startApi(temporalSettingsFromEnv(), keyringFromEnv());
  console.log(`huifang API listening on ${api.url}`);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void api.close());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
