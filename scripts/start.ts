/**
 * `npm start`: the main job on one machine.
 *   1. the Temporal dev server (persisting to data/temporal.db, SQLite in WAL mode) with its Web UI
 *      on http://localhost:8233 — unless TEMPORAL_ADDRESS names a cluster, which is then used as is;
 *   2. huifang's search attributes, registered idempotently; the namespace's history retention
 *      (config/retention.json historyRetentionDays) set on the dev server, only checked on a cluster;
 *   3. the worker and the HTTP API (http://127.0.0.1:8080); on a first local run, demo API users,
 *      one per role, in data/api-users.json (HUIFANG_API_USERS), their secrets in
 *      data/demo-credentials.txt (0600), shown once on a terminal, never in a piped log;
 *   4. the system of record: the PostgreSQL of HUIFANG_DATABASE_URL, or an embedded one (data/postgres,
 *      127.0.0.1:5433) started here and stopped last;
 *   5. the Schedules of the 08:30 exemption list and of the nightly retention purge, created or brought
 *      in line with config/exemption-list.json and config/retention.json.
 * Ctrl-C stops all of them cleanly. With the embedded dev server the simulated dialer answers the
 * calls (demo mode; HUIFANG_CALL_CENTER=staff to record outcomes by hand through the API).
 * The embedded dev server's ports and database can be moved (a second stack on the machine, the
 * npm-start test): HUIFANG_DEV_SERVER_PORT (7233), HUIFANG_DEV_UI_PORT (8233), HUIFANG_DEV_SERVER_DB
 * (data/temporal.db).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { seedDemoUsers, writeDemoCredentials } from '../api/demo-users';
import type { IssuedCredentials } from '../api/new-users';
import { startApi, type RunningApi } from '../api/run-api';
import { usersFilePath } from '../api/users-file';
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { ensureExemptionListScheduleOn } from '../client/exemption-list-schedule';
import { ensureNamespaceRetention } from '../client/namespace-retention';
import { ensureRetentionScheduleOn } from '../client/retention-schedule';
import { keyringFromEnv } from '../client/payload-keys';
import { loadSettings } from '../config/settings';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import { callCenterModeFromEnv, startWorker, type RunningWorker } from '../workers/run-worker';
import { installTelemetry, telemetryFromEnv } from '../workers/telemetry';
import { calendarStartWarning } from '../workers/calendar-watch';
import { toolchainPaths } from './toolchain-paths';
import { databaseUrlFromEnv, embeddedLocationFromEnv } from '../stores/database/database-url';
import { ensureDatabase } from '../stores/database/database';
import { startEmbeddedPostgres, type RunningPostgres } from '../stores/database/embedded-postgres';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'data');
const say = (msg: string) => console.log(`[huifang] ${msg}`);

const DEV = {
  port: portFromEnv('HUIFANG_DEV_SERVER_PORT', 7233),
  uiPort: portFromEnv('HUIFANG_DEV_UI_PORT', 8233),
  db: resolve(process.env.HUIFANG_DEV_SERVER_DB ?? join(DATA, 'temporal.db')),
};

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name} must be a port number, not '${value}'`);
  return port;
}

async function main(): Promise<void> {
  let temporal = temporalSettingsFromEnv();
  if (!temporal.external) {
    // The embedded dev server, wherever it listens; the Web UI on its port may use the API's codec.
    const address = `localhost:${DEV.port}`;
    temporal = { ...temporal, address, connection: { ...temporal.connection, address } };
    process.env.HUIFANG_UI_ORIGINS ??= `http://localhost:${DEV.uiPort},http://127.0.0.1:${DEV.uiPort}`;
  }
  let devServer: ChildProcess | undefined;
  let worker: RunningWorker | undefined;
  let api: RunningApi | undefined;
  let postgres: RunningPostgres | undefined;
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await api?.close().catch(() => undefined);
    await worker?.shutdown().catch(() => undefined);
    if (devServer && devServer.exitCode === null) {
      const exited = new Promise((r) => devServer!.once('exit', r));
      devServer.kill('SIGTERM');
      await exited;
    }
    await postgres?.stop().catch(() => undefined);
    say('stopped');
    process.exit(code);
  };
  // `on`, not `once`: a Ctrl-C reaches both npm and this process, and a second signal while stopping
  // must not end the process before the dev server is down (it would be left running).
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // `npm start | tee log`: Ctrl-C ends tee too, and writing to its closed pipe must not crash this
  // process half-way through stopping (the dev server, in its own process group, would be left running).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }

  try {
    const settings = loadSettings();
    // First thing, so it is not lost: next year's holidays are added by hand, and callbacks wait without them.
    const calendarWarning = calendarStartWarning(settings, new Date());
    if (calendarWarning) say(`WARNING ${calendarWarning}`);
    if (!temporal.external) {
      devServer = startDevServer();
      devServer.once('exit', (code) => {
        if (!stopping) {
          console.error(`[huifang] the Temporal dev server exited unexpectedly (code ${code})`);
          void stop(1);
        }
      });
    }
    const connection = await connectWithRetry(temporal.address, temporal);
    const added = await ensureSearchAttributes(connection, temporal.namespace);
    say(added.length ? `registered search attributes: ${added.join(', ')}` : 'search attributes already registered');
    // The dev server's namespace is ours to set; a cluster's belongs to its operator (only compared).
    say(await ensureNamespaceRetention(connection, temporal.namespace, settings.retention.historyRetentionDays, { set: !temporal.external }));
    await connection.close();

    // Metrics and JSON logs of the worker (workers/telemetry.ts), before its first connection.
    const telemetry = telemetryFromEnv();
    installTelemetry(telemetry);
    const keyring = keyringFromEnv(process.env, !temporal.external);
    say(await ensureExemptionListScheduleOn(temporal, keyring, settings.exemptionList));
    say(await ensureRetentionScheduleOn(temporal, keyring, settings.retention, settings.timeZone));
    if (!process.env.HUIFANG_DATABASE_URL) {
      const where = embeddedLocationFromEnv();
      say(`starting the embedded PostgreSQL (the system of record) on 127.0.0.1:${where.port}, data in ${where.dataDir}`);
      postgres = await startEmbeddedPostgres({ dataDir: where.dataDir, port: where.port });
      void postgres.exited.then((code) => {
        if (!stopping) {
          console.error(`[huifang] the embedded PostgreSQL exited unexpectedly (code ${code})`);
          void stop(1);
        }
      });
      await ensureDatabase(databaseUrlFromEnv());
    }
    const mode = callCenterModeFromEnv(temporal.external ? 'staff' : 'simulated');
    worker = await startWorker(temporal, keyring, mode);
    worker.done.catch((err) => {
      console.error('[huifang] worker failed:', err);
      void stop(1);
    });
    // Like the payload keys: demo users for a local run only; a cluster's API brings its own users file.
    const seeded = temporal.external ? undefined : await seedDemoUsers(usersFilePath());
    api = await startApi(temporal, keyring);

    say(`worker polling '${temporal.taskQueue}' (call center: ${mode === 'simulated' ? 'simulated dialer, demo mode' : 'staff through the API'})`);
    if (seeded) printDemoUsers(seeded);
    const token = (process.stdout.isTTY && seeded?.find((c) => c.username === 'issuance')?.token) || '<issuance token from demo-credentials.txt>';
    say(`API        ${api.url}   (routes and roles: ${api.url}/v1/docs, OpenAPI: ${api.url}/v1/openapi.json)`);
    say(`Pages      ${api.url}/app/   (staff sign in with the demo passwords of demo-credentials.txt, or their own)`);
    say(`           e.g. curl -X POST ${api.url}/v1/contracts -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d @examples/contract.json`);
    if (!temporal.external) say(`Web UI     http://localhost:${DEV.uiPort}   (filter e.g. PolicyNo="P202611250001" or CallbackStage="CALLING")`);
    if (telemetry.metricsAddress) say(`metrics    http://${telemetry.metricsAddress}/metrics   (Prometheus; HUIFANG_METRICS_ADDRESS, 'off' for none)`);
    if (!temporal.external) say('demo       npx huifang demo   (a day of contracts through every stage; ready queries in README "Web UI")');
    if (calendarWarning) say(`WARNING ${calendarWarning}`);
    say('Ctrl-C stops everything.');
  } catch (err) {
    console.error(`[huifang] could not start: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

function printDemoUsers(credentials: readonly IssuedCredentials[]): void {
  const { path, lines } = writeDemoCredentials(usersFilePath(), credentials);
  say(`API users: created ${usersFilePath()} with demo users, one per role (stored hashed; their secrets in ${path}, owner-only):`);
  // Only a person at a terminal sees them: piped to a log file, they would be in it for anyone.
  if (process.stdout.isTTY) for (const line of lines) say(line);
  say('  staff sign in with POST /v1/auth/sign-in {"username","password"}; delete both files to make new ones');
}

function startDevServer(): ChildProcess {
  let cli: string;
  try {
    cli = toolchainPaths().temporalCli;
  } catch {
    say('the Temporal CLI is not set up yet: running scripts/toolchain.sh (the first build takes several minutes)…');
    const built = spawnSync('bash', [join(ROOT, 'scripts', 'toolchain.sh')], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('scripts/toolchain.sh failed (see above)');
    cli = toolchainPaths().temporalCli;
  }
  mkdirSync(dirname(DEV.db), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(DEV.port),
    '--ui-port', String(DEV.uiPort),
    '--db-filename', DEV.db,
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--log-level', 'warn',
    // The UI decrypts payloads through the API's codec endpoint, so staff see clear text in their browser only.
    // localhost, as the UI's own address: one site, so the ops sign-in's cookie goes with the UI's calls.
    '--ui-codec-endpoint', process.env.HUIFANG_UI_CODEC_ENDPOINT ?? `http://localhost:${process.env.HUIFANG_API_PORT ?? 8080}/codec`,
  ];
  say(`starting the Temporal dev server (${cli}) on localhost:${DEV.port}, data in ${DEV.db}`);
  // Its own process group: Ctrl-C reaches huifang only, which stops the worker first and the server last.
  return spawn(cli, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
}

async function connectWithRetry(address: string, temporal: ReturnType<typeof temporalSettingsFromEnv>): Promise<Connection> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ ...temporal.connection, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Temporal at ${address} did not answer within 60s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

void main();
