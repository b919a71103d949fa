/**
 * Starts the HTTP API from the environment (HUIFANG_API_HOST, HUIFANG_API_PORT, default 127.0.0.1:8080),
 * with the Web UI's codec endpoint at /codec for the origins in HUIFANG_UI_ORIGINS, and the users
 * and tokens of HUIFANG_API_USERS (default data/api-users.json; a missing file stops it, named).
 */
import type { FastifyInstance } from 'fastify';
import type { TemporalSettings } from '../client/connection-settings';
import type { PayloadKeyring } from '../client/encryption-codec';
import { EncryptionCodec } from '../client/encryption-codec';
import { HuifangClient } from '../client/huifang-client';
import { calendarHealth, countAwaitingCalendar } from '../client/calendar-health';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { reasonLabelsOf } from '../documents/format';
import { openEvidenceStore } from '../stores/evidence-store';
import { databaseUrlFromEnv } from '../stores/database/database-url';
import { DEFAULT_OUTPUT_DIR, DEFAULT_RECORDINGS_DIR, DEFAULT_SMS_OUTBOX } from '../config/data-paths';
import { SimulatedSmsGateway } from '../notifications/sms-gateway';
import { loadSettings } from '../config/settings';
import { ApiAuth } from './api-auth';
import { buildApi } from './server';
import { WEB_DIST_DIR } from './web-pages';
import { usersFilePath } from './users-file';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startApi(temporal: TemporalSettings, keyring: PayloadKeyring): Promise<RunningApi> {
  // Read first: a missing or bad users file stops the API before it connects anywhere.
  const auth = ApiAuth.fromFile(usersFilePath());
  const settings = loadSettings();
  const evidence = await openEvidenceStore(databaseUrlFromEnv(), { keys: keyring, timeZone: settings.timeZone, retention: settings.retention });
  const huifang = await HuifangClient.connect(temporal, keyring);
  const app = buildApi({
    huifang,
    auth,
    reasonLabels: reasonLabelsOf(settings.transferReasons),
    // The system of record the workers write: views, lists, registers and figures read it.
    compliance: { evidence, timeZone: settings.timeZone, maxShare: settings.fallback.maxShare },
    // The same store the worker checks waiver statements and receipts in.
    documents: new LocalFolderDocumentStore(DEFAULT_OUTPUT_DIR),
    // The recording storage the worker verifies recordings in: the call center's page uploads there.
    recordings: new LocalFolderRecordingStore(DEFAULT_RECORDINGS_DIR),
    // The policyholder's e-callback page: its one-time codes go through the same (simulated) SMS gateway as the links.
    eCallback: { sms: new SimulatedSmsGateway(DEFAULT_SMS_OUTBOX), config: settings.eCallback },
    timeZone: settings.timeZone,
    // A contract's callPreference is checked against the calling hours the worker plans with.
    callingHours: settings.callPlan.callingHours,
    // The staff pages (npm start builds them first).
    webDir: WEB_DIST_DIR,
    health: () =>
      calendarHealth({ calendar: settings.calendar, warnDaysAhead: settings.deadlines.calendarYear.warnDaysAhead, countAwaiting: () => countAwaitingCalendar(huifang.temporal), now: new Date() }),
    codec: {
      codec: new EncryptionCodec(keyring),
      allowedOrigins: (process.env.HUIFANG_UI_ORIGINS ?? 'http://localhost:8233,http://127.0.0.1:8233').split(','),
      // An ops credential (token, or the cookie of an ops sign-in) by default; tokenless from this
      // machine only when asked for (a one-person laptop), never behind a proxy (every caller looks local).
      tokenlessFromLoopback: process.env.HUIFANG_CODEC_LOOPBACK === 'on',
      allowedHosts: process.env.HUIFANG_CODEC_HOSTS?.split(',').filter(Boolean),
    },
  });
  const host = process.env.HUIFANG_API_HOST ?? '127.0.0.1';
  const port = Number(process.env.HUIFANG_API_PORT ?? 8080);
  await app.listen({ host, port });
  return {
    app,
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
      await huifang.temporal.connection.close();
      await evidence.close();
    },
  };
}
