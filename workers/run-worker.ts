/**
 * Starts a worker from the environment: configuration, payload keys, call center and recording
 * storage. `npm start` runs it in-process; `npm run worker` runs it alone (e.g. beside a cluster).
 *   HUIFANG_CALL_CENTER     'staff' (people record outcomes through the API) or 'simulated' (demo dialer)
 *   HUIFANG_DIALER_DELAY_MS simulated call duration (default 3000)
 *   HUIFANG_RECORDINGS_DIR  recording storage folder (default data/recordings)
 *   HUIFANG_OUTPUT_DIR      registers and printable transfer orders (default output/)
 *   HUIFANG_DATABASE_URL    the system of record (PostgreSQL) the activities write the evidence to
 *   HUIFANG_SMTP_HOST …     email notifications over SMTP (notifications/smtp-notifier.ts); else a log transport
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { CallCenter } from '../call-center/call-center';
import { StaffedCallCenter } from '../call-center/call-center';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { openEvidenceStore } from '../stores/evidence-store';
import { databaseUrlFromEnv } from '../stores/database/database-url';
import { notifierFromEnv } from '../notifications/smtp-notifier';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { SimulatedDialer } from '../call-center/simulated-dialer';
import { DEFAULT_OUTPUT_DIR, DEFAULT_RECORDINGS_DIR, DEFAULT_SMS_OUTBOX } from '../config/data-paths';
import { SimulatedSmsGateway } from '../notifications/sms-gateway';
import { loadSettings } from '../config/settings';
import type { TemporalSettings } from '../client/connection-settings';
import type { PayloadKeyring } from '../client/encryption-codec';
import { TemporalFallbackQuota } from '../client/fallback-quota-gateway';
import { HuifangClient } from '../client/huifang-client';
import { countAwaitingCalendar } from '../client/calendar-health';
import { watchCalendar } from './calendar-watch';
import { createHuifangWorker } from './create-worker';

export type CallCenterMode = 'staff' | 'simulated';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(temporal: TemporalSettings, keyring: PayloadKeyring, mode: CallCenterMode): Promise<RunningWorker> {
  const settings = loadSettings();
  // First: a worker that cannot reach the system of record must not take workflow tasks.
  const evidence = await openEvidenceStore(databaseUrlFromEnv(), { keys: keyring, timeZone: settings.timeZone, retention: settings.retention });
  const recordingsDir = DEFAULT_RECORDINGS_DIR;
  mkdirSync(recordingsDir, { recursive: true });
  const recordings = new LocalFolderRecordingStore(recordingsDir);

  // The activities' own client: the simulated dialer reports outcomes, fallback requests reach the office quotas.
  const huifang = await HuifangClient.connect(temporal, keyring);
  let callCenter: CallCenter = new StaffedCallCenter();
  let dialer: SimulatedDialer | undefined;
  if (mode === 'simulated') {
    dialer = new SimulatedDialer(huifang, {
      delayMs: Number(process.env.HUIFANG_DIALER_DELAY_MS ?? 3000),
      recordings,
    });
    callCenter = dialer;
  }

  const connection = await nativeConnection(temporal);
  const notifier = notifierFromEnv(settings.directory);
  const worker = await createHuifangWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    keyring,
    deps: {
      settings,
      callCenter,
      recordings,
      notifier,
      mailer: notifier,
      documents: new LocalFolderDocumentStore(DEFAULT_OUTPUT_DIR),
      evidence,
      fallbackQuota: new TemporalFallbackQuota(huifang.temporal, temporal.taskQueue),
      // No SMS provider here: the simulated gateway writes what it would send to an owner-only file.
      sms: new SimulatedSmsGateway(DEFAULT_SMS_OUTBOX),
    },
  });
  // Gauges of the working-day calendar's reach and of the callbacks waiting for next year's file.
  const calendarWatch = watchCalendar({ settings, countAwaiting: () => countAwaitingCalendar(huifang.temporal) });
  const done = worker.run().finally(async () => {
    calendarWatch.stop();
    dialer?.close();
    await connection.close();
    await evidence.close();
  });
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** The worker's own connection (the SDK core's), from the same settings as the client's. */
export function nativeConnection(temporal: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: temporal.connection.address,
    tls: temporal.connection.tls,
    apiKey: typeof temporal.connection.apiKey === 'string' ? temporal.connection.apiKey : undefined,
  });
}

export function callCenterModeFromEnv(fallback: CallCenterMode): CallCenterMode {
  const mode = process.env.HUIFANG_CALL_CENTER ?? fallback;
  if (mode !== 'staff' && mode !== 'simulated') throw new Error(`HUIFANG_CALL_CENTER must be 'staff' or 'simulated', not '${mode}'`);
  return mode;
}

export { DEFAULT_OUTPUT_DIR, DEFAULT_RECORDINGS_DIR } from '../config/data-paths';
