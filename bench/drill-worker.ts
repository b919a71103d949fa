/**
 * One worker process of `npm run drill` (bench/drill.ts starts two, kills one, replaces the other):
 * the production worker's wiring (createHuifangWorker, the system of record) on the drill's task
 * queue, with the bench's "call now" timing by configuration. Calls go to the call center over HTTP,
 * as to a real one: the dialer lives in the drill's process, so a killed worker takes no call with it. It prints `ready`
 * once polling and stops gracefully on SIGTERM (in-flight tasks finish), at once on SIGKILL.
 *   DRILL_ADDRESS, DRILL_DATABASE_URL, DRILL_KEYS_FILE, DRILL_DIR, DRILL_NAME, DRILL_CALL_CENTER_URL
 *   DRILL_WORKFLOWS_PATH: the workflow code of another build (the rolling deploy's next build)
 *   DRILL_HOLD: wait for a line on stdin before polling
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection } from '@temporalio/worker';
import { HuifangClient } from '../client/huifang-client';
import { readKeyringFile } from '../client/payload-keys';
import { TemporalFallbackQuota } from '../client/fallback-quota-gateway';
import type { CallCenter } from '../call-center/call-center';
import { LogNotifier } from '../notifications/notifier';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { openEvidenceStore } from '../stores/evidence-store';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { createHuifangWorker } from '../workers/create-worker';
import { benchSettings } from './settings';

export const DRILL_TASK_QUEUE = 'huifang-drill';

async function main(): Promise<void> {
  const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
  const [address, dir, name, callCenterUrl] = [env('DRILL_ADDRESS'), env('DRILL_DIR'), env('DRILL_NAME'), env('DRILL_CALL_CENTER_URL')];
  const keyring = readKeyringFile(env('DRILL_KEYS_FILE'));
  const settings = benchSettings('now');
  const evidence = await openEvidenceStore(env('DRILL_DATABASE_URL'), { keys: keyring, timeZone: settings.timeZone, retention: settings.retention });
  const huifang = await HuifangClient.connect({ address, namespace: 'default', taskQueue: DRILL_TASK_QUEUE, external: true, connection: { address } }, keyring);
  mkdirSync(join(dir, 'recordings'), { recursive: true });
  const recordings = new LocalFolderRecordingStore(join(dir, 'recordings'));
  const callCenter: CallCenter = {
    async placeCall(task) {
      const res = await fetch(callCenterUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(task) });
      if (!res.ok) throw new Error(`the call center answered ${res.status}`);
    },
  };
  const connection = await NativeConnection.connect({ address });
  const next = process.env.DRILL_WORKFLOWS_PATH;
  const worker = await createHuifangWorker({
    ...(next ? { workflowBundle: await bundleWorkflowCode({ workflowsPath: next, logger: new DefaultLogger('WARN') }) } : {}),
    connection,
    namespace: 'default',
    taskQueue: DRILL_TASK_QUEUE,
    keyring,
    deps: {
      settings,
      callCenter,
      recordings,
      notifier: new LogNotifier(),
      documents: new LocalFolderDocumentStore(join(dir, 'output')),
      evidence,
      fallbackQuota: new TemporalFallbackQuota(huifang.temporal, DRILL_TASK_QUEUE),
    },
  });
  process.once('SIGTERM', () => worker.shutdown());
  // DRILL_HOLD: built and connected, it polls only once told (a line on stdin; SIGUSR2 would be the
  // Temporal runtime's own shutdown signal): the switch of a rolling deploy is then immediate.
  if (process.env.DRILL_HOLD) {
    console.log('bundled');
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.pause();
  }
  const running = worker.run();
  console.log('ready');
  await running;
  await evidence.close();
  await connection.close();
}

// Run as a process of its own; imported (for DRILL_TASK_QUEUE), it does nothing.
if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
