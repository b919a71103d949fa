/**
 * `npm run bench:day`: an insurer's day on the production-shaped Temporal (the server on PostgreSQL,
 * scripts/temporal-cluster.ts) with two worker processes, figures printed and kept in bench/results/.
 *
 *   npm run bench:day                               30,000 contracts, the PostgreSQL server, two workers
 *   npm run bench:day -- --contracts 2000 --server dev
 *
 * The day: the morning's contracts imported as `huifang import` does it (importContracts with the
 * re-post check against the system of record), each policy asleep on a real timer until the call
 * wave (one slot opening at a whole minute later today, Beijing time: plan mode 'wave'); then the
 * wave: every call goes out to the bench call center (its seats bound the calls in progress), the
 * answers come back as Updates, the recordings are uploaded and checked; one contract in
 * `--level1-every` has a signature the customer denies, so a level-1 ticket opens, which the tier-3
 * desk dispatches. The day ends when every policy is closed or waits on its ticket.
 *
 * Figures: time to accept the batch; start → first timer (server event times, a sample of the
 * histories); server, worker and PostgreSQL CPU per policy for the import and for the wave; the
 * growth of Temporal's databases and of the system of record per 1,000 policies.
 *
 * Flags: --contracts N (30000)  --server cluster|dev (cluster)  --workers N (2)
 *        --import-concurrency N (32)  --seats N (64 per worker)  --level1-every N (50)
 *        --lead-seconds N (time from the start to the wave; default: enough to import and settle)
 *        --history-sample N (3000 histories read for start → first timer)  --out file
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { importContracts, startUnlessChanged } from '../client/import-contracts';
import { HuifangClient } from '../client/huifang-client';
import { generateKeyring, huifangDataConverter } from '../client/payload-keys';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import { localDateOf } from '../domain/local-time';
import type { Actor } from '../domain/ticket';
import { openEvidenceStore } from '../stores/evidence-store';
import { WORKFLOWS_PATH } from '../workers/create-worker';
import { createBenchDatabase } from './bench-database';
import { BenchChild } from './children';
import { CLEAN_PHONE_SUFFIX, ContractFactory, LEVEL1_PHONE_SUFFIX } from './contracts';
import { startBenchServer, startClusterBenchServer, type BenchServer } from './dev-server';
import { encodeKeyring, type ChildConfig } from './ipc';
import { benchSettings, waveStart } from './settings';
import { commandCpuMs, log, mb, percentiles, pool, processCpuMs, processRss, progress, round1 } from './stats';

const E = temporal.api.enums.v1.EventType;
const RESULTS_DIR = resolve(__dirname, 'results');
const TUNING = { maxConcurrentWorkflowTaskExecutions: 40, maxConcurrentActivityTaskExecutions: 100, maxCachedWorkflows: 2000 };
const TIER3: Actor = { role: 'tier3', id: 'T3-BENCH', office: 'SH-PD' };

interface Flags {
  contracts: number;
  server: 'dev' | 'cluster';
  workers: number;
  importConcurrency: number;
  seats: number;
  level1Every: number;
  leadSeconds?: number;
  historySample: number;
  out?: string;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    options: {
      contracts: { type: 'string' },
      server: { type: 'string' },
      workers: { type: 'string' },
      'import-concurrency': { type: 'string' },
      seats: { type: 'string' },
      'level1-every': { type: 'string' },
      'lead-seconds': { type: 'string' },
      'history-sample': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const whole = (name: string, v: string | undefined, fallback: number, min = 1) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs a whole number of at least ${min}, got '${v}'`);
    return n;
  };
  const server = values.server ?? 'cluster';
  if (server !== 'dev' && server !== 'cluster') throw new Error(`--server: 'dev' or 'cluster', not '${server}'`);
  return {
    contracts: whole('contracts', values.contracts, 30_000),
    server,
    workers: whole('workers', values.workers, 2),
    importConcurrency: whole('import-concurrency', values['import-concurrency'], 32),
    seats: whole('seats', values.seats, 64),
    level1Every: whole('level1-every', values['level1-every'], 50),
    leadSeconds: values['lead-seconds'] === undefined ? undefined : whole('lead-seconds', values['lead-seconds'], 0, 30),
    historySample: whole('history-sample', values['history-sample'], 3000),
    out: values.out ? resolve(values.out) : undefined,
  };
}

/** CPU in ms of each part of the system: the Temporal server, each worker, PostgreSQL, this process (the importing client). */
async function cpuNow(server: BenchServer, workers: BenchChild[]) {
  const samples = await Promise.all(workers.map((w) => w.sample()));
  const self = process.cpuUsage();
  return {
    temporalServer: processCpuMs(server.process.pid!),
    workers: samples.map((s) => s.cpuMs),
    postgres: commandCpuMs('postgres'),
    importClient: (self.user + self.system) / 1000,
  };
}

type Cpu = Awaited<ReturnType<typeof cpuNow>>;

function cpuPerPolicy(a: Cpu, b: Cpu, policies: number, wallMs: number) {
  const per = (ms: number) => round1(ms / Math.max(1, policies));
  const workers = b.workers.map((ms, i) => ms - a.workers[i]);
  return {
    msPerPolicy: {
      temporalServer: per(b.temporalServer - a.temporalServer),
      workers: per(workers.reduce((x, y) => x + y, 0)),
      eachWorker: workers.map(per),
      postgres: per(b.postgres - a.postgres),
      importClient: per(b.importClient - a.importClient),
    },
    cores: {
      temporalServer: round1((b.temporalServer - a.temporalServer) / wallMs),
      workers: round1(workers.reduce((x, y) => x + y, 0) / wallMs),
      postgres: round1((b.postgres - a.postgres) / wallMs),
    },
  };
}

async function databaseBytes(url: string): Promise<number> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ bytes: string }>('select pg_database_size(current_database())::text as bytes');
    return Number(rows[0].bytes);
  } finally {
    await pg.end();
  }
}

/** How many runs a visibility query matches (SQL visibility on the cluster, SQLite on the dev server). */
async function count(client: Client, query: string): Promise<number> {
  return (await client.workflow.count(query)).count;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const startedAt = new Date();
  const tag = startedAt.getTime().toString(36).toUpperCase();
  log(`huifang insurer's day: ${flags.contracts.toLocaleString('en')} contracts, ${flags.server === 'cluster' ? 'the Temporal server on PostgreSQL' : 'the dev server'}, ${flags.workers} workers; ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
  // Enough lead for the import and every policy asleep: the workers put about 40 policies/s to sleep here (2 cores).
  const leadMs = (flags.leadSeconds ?? Math.ceil(flags.contracts / 35) + 90) * 1000;
  const work = mkdtempSync(join(tmpdir(), 'huifang-day-'));
  const workers: BenchChild[] = [];
  let server: BenchServer | undefined;
  let database: Awaited<ReturnType<typeof createBenchDatabase>> | undefined;
  // Ctrl-C: the workers killed, the servers and their PostgreSQL stopped (10 s at most), then out.
  const abort = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    for (const w of workers) w.proc.kill('SIGKILL');
    const stopped = Promise.allSettled([server?.stop(), database?.release()]);
    void Promise.race([stopped, new Promise((r) => setTimeout(r, 10_000))]).then(() => process.exit(130));
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    log(flags.server === 'cluster' ? 'starting the Temporal server on PostgreSQL…' : 'starting the Temporal dev server…');
    server = flags.server === 'cluster' ? await startClusterBenchServer() : await startBenchServer();
    const connection = await Connection.connect({ address: server.address });
    await ensureSearchAttributes(connection, 'default');
    const keyring = generateKeyring('bench-day');
    database = await createBenchDatabase();
    const client = new Client({ connection, namespace: 'default', dataConverter: huifangDataConverter(keyring) });
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
    const bundlePath = join(work, 'huifang-workflows.js');
    writeFileSync(bundlePath, bundle.code);

    const waveAt = waveStart(leadMs);
    const taskQueue = `bench-day-${tag}`;
    log(`${flags.workers} workers on ${taskQueue}; the call wave opens at ${waveAt.toISOString()} (Beijing ${waveAt.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })})`);
    for (let i = 0; i < flags.workers; i++) {
      const config: ChildConfig = {
        role: 'worker-huifang',
        address: server.address,
        namespace: 'default',
        taskQueue,
        keyring: encodeKeyring(keyring),
        bundlePath,
        planMode: 'wave',
        waveAt: waveAt.toISOString(),
        callCenter: 'bench',
        seats: flags.seats,
        tuning: TUNING,
        recordingsDir: join(work, 'recordings'),
        outputDir: join(work, 'output'),
        databaseUrl: database.url,
      };
      workers.push(await BenchChild.start(config));
    }

    const storage0 = await server.storageBytes();
    const record0 = await databaseBytes(database.url);

    // --- The morning import ----------------------------------------------------------------------
    const factory = new ContractFactory(`${tag}D`);
    const rows = Array.from({ length: flags.contracts }, (_, i) => ({
      row: i + 2, // as the CSV's line numbers (after the header)
      value: factory.next((i + 1) % flags.level1Every === 0 ? LEVEL1_PHONE_SUFFIX : CLEAN_PHONE_SUFFIX),
    }));
    const level1 = rows.filter((r) => r.value.policyholder.phone!.endsWith(LEVEL1_PHONE_SUFFIX)).length;
    const evidence = await openEvidenceStore(database.url, { keys: keyring, timeZone: 'Asia/Shanghai', retention: benchSettings('now').retention });
    const huifang = new HuifangClient(client, taskQueue);
    log(`importing ${flags.contracts.toLocaleString('en')} contracts (${level1} with a denied signature), ${flags.importConcurrency} starts in flight…`);
    const tick = progress('import', flags.contracts);
    const cpuImport0 = await cpuNow(server, workers);
    const t0 = performance.now();
    const results = await importContracts(rows, startUnlessChanged(huifang, evidence), { intake: { today: localDateOf(new Date()), callingHours: { from: '00:00', to: '24:00' } }, concurrency: flags.importConcurrency }, (p) =>
      tick(p.done, p.rejected ? `${p.rejected} rejected` : undefined),
    );
    const acceptMs = performance.now() - t0;
    const rejected = results.filter((r) => !r.ok);
    log(`  accepted ${results.length - rejected.length} in ${round1(acceptMs / 1000)} s (${round1((results.length - rejected.length) / (acceptMs / 1000))}/s)${rejected.length ? `; ${rejected.length} rejected, e.g. ${rejected[0].error ?? JSON.stringify(rejected[0].fields)}` : ''}`);

    // Every policy asleep until the wave: its stage AWAITING_CALL with the next attempt at the wave.
    const asleepQuery = `WorkflowType = 'callbackWorkflow' AND CallbackStage = 'AWAITING_CALL'`;
    for (;;) {
      const asleep = await count(client, asleepQuery);
      if (asleep >= flags.contracts) break;
      if (Date.now() >= waveAt.getTime()) {
        log(`  WARNING: the wave opened with ${asleep} of ${flags.contracts} asleep (give more --lead-seconds)`);
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    const settledMs = performance.now() - t0;
    const cpuImport1 = await cpuNow(server, workers);
    const importCpu = cpuPerPolicy(cpuImport0, cpuImport1, flags.contracts, settledMs);
    const storageAsleep = await server.storageBytes();
    log(`  all asleep ${round1(settledMs / 1000)} s after the import began; CPU per policy ${JSON.stringify(importCpu.msPerPolicy)}`);
    const waitMs = waveAt.getTime() - Date.now();
    if (waitMs > 0) log(`waiting ${Math.round(waitMs / 1000)} s for the wave…`);
    await new Promise((r) => setTimeout(r, Math.max(0, waitMs)));

    // --- The call wave, tickets and recordings -----------------------------------------------------
    log('the wave: calls, answers, recordings; the tier-3 desk dispatches the tickets as they open…');
    const cpuWave0 = await cpuNow(server, workers);
    const w0 = performance.now();
    let dispatched = 0;
    let dispatchRefusals = 0;
    const done = () => count(client, `WorkflowType = 'callbackWorkflow' AND (ExecutionStatus = 'Completed' OR CallbackStage = 'AWAITING_TICKET')`);
    const undispatched = () => count(client, `WorkflowType = 'transferTicketWorkflow' AND TicketStage = 'AWAITING_DISPATCH'`);
    const waveTick = progress('wave', flags.contracts, 10_000);
    let settled = 0;
    let waveSettledMs: number | undefined;
    const waveDeadline = Date.now() + Math.max(30 * 60_000, flags.contracts * 200); // 5/s at worst before it gives up
    for (;;) {
      settled = await done();
      if (settled >= flags.contracts) waveSettledMs ??= performance.now() - w0;
      waveTick(settled, `${dispatched} tickets dispatched`);
      // The tier-3 desk takes up to 50 of the tickets waiting for it each round, as a person works a list.
      const open = await huifang.listTickets({ stage: 'AWAITING_DISPATCH' }, 50).catch(() => []);
      await pool(open.length, 8, async (i) => {
        try {
          await huifang.advanceTicket(open[i].ticketId, { step: 'dispatch', actor: TIER3 });
          dispatched++;
        } catch {
          dispatchRefusals++; // e.g. no answer within the client's bound during the wave: it may have been applied; visibility says
        }
      });
      if (waveSettledMs !== undefined && (await undispatched()) === 0) break;
      if (Date.now() > waveDeadline) {
        log(`  WARNING: gave up with ${settled} of ${flags.contracts} settled`);
        break;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    const waveMs = performance.now() - w0;
    const cpuWave1 = await cpuNow(server, workers);
    const waveCpu = cpuPerPolicy(cpuWave0, cpuWave1, flags.contracts, waveMs);
    const completed = await count(client, `WorkflowType = 'callbackWorkflow' AND ExecutionStatus = 'Completed'`);
    const awaitingTicket = await count(client, `WorkflowType = 'callbackWorkflow' AND CallbackStage = 'AWAITING_TICKET'`);
    const ticketsOpen = await count(client, `WorkflowType = 'transferTicketWorkflow' AND ExecutionStatus = 'Running'`);
    const workerSamples = await Promise.all(workers.map((w) => w.sample()));
    const ticketsDispatched = await count(client, `WorkflowType = 'transferTicketWorkflow' AND TicketStage != 'AWAITING_DISPATCH'`);
    log(`  the wave settled in ${round1((waveSettledMs ?? waveMs) / 1000)} s: ${completed} completed, ${awaitingTicket} waiting on their ticket; every ticket dispatched after ${round1(waveMs / 1000)} s (${ticketsDispatched} dispatched, ${dispatchRefusals} dispatch calls unanswered or refused)`);

    // --- Start → first timer, from the server's own event times ------------------------------------
    const every = Math.max(1, Math.floor(flags.contracts / flags.historySample));
    const sample = results.filter((r, i) => r.ok && i % every === 0).map((r) => r.workflowId!);
    const toFirstTimer: number[] = [];
    const events: number[] = [];
    await pool(sample.length, 16, async (i) => {
      const history = await client.workflow.getHandle(sample[i]).fetchHistory();
      const list = history.events ?? [];
      const at = (e: (typeof list)[number]) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
      const timer = list.find((e) => e.eventType === E.EVENT_TYPE_TIMER_STARTED);
      if (timer) toFirstTimer.push(at(timer) - at(list[0]));
      if (list.at(-1)?.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) events.push(list.length);
    });
    const firstTimer = percentiles(toFirstTimer);

    // --- Storage growth --------------------------------------------------------------------------------
    const storage1 = await server.storageBytes();
    const record1 = await databaseBytes(database.url);
    const per1000 = (a: number, b: number) => mb(((b - a) / flags.contracts) * 1000);
    const growth = {
      temporalMBPer1000Policies: Object.fromEntries(Object.keys(storage1).map((k) => [k, per1000(storage0[k] ?? 0, storage1[k])])),
      temporalMBPer1000PoliciesAsleep: Object.fromEntries(Object.keys(storageAsleep).map((k) => [k, per1000(storage0[k] ?? 0, storageAsleep[k])])),
      systemOfRecordMBPer1000Policies: per1000(record0, record1),
      temporalMB: Object.fromEntries(Object.entries(storage1).map(([k, v]) => [k, mb(v)])),
      systemOfRecordMB: mb(record1),
    };

    const result = {
      benchmark: "huifang insurer's day",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npm run bench:day${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMB: Math.round(totalmem() / 1024 / 1024), node: process.version },
      server: flags.server === 'cluster' ? 'Temporal server 1.29.1 on PostgreSQL (scripts/temporal-cluster.ts)' : 'Temporal CLI dev server (SQLite)',
      flags,
      workers: flags.workers,
      workerTuning: TUNING,
      import: {
        contracts: flags.contracts,
        accepted: results.length - rejected.length,
        rejected: rejected.length,
        acceptSeconds: round1(acceptMs / 1000),
        acceptedPerSecond: round1((results.length - rejected.length) / (acceptMs / 1000)),
        allAsleepSeconds: round1(settledMs / 1000),
        cpu: importCpu,
      },
      startToFirstTimerMs: { ...firstTimer, sampled: toFirstTimer.length },
      wave: {
        seconds: round1((waveSettledMs ?? waveMs) / 1000),
        untilEveryTicketDispatchedSeconds: round1(waveMs / 1000),
        completed,
        awaitingTicket,
        level1Contracts: level1,
        ticketsDispatched,
        dispatchCallsUnansweredOrRefused: dispatchRefusals,
        ticketsOpen,
        policiesPerSecond: round1(completed / ((waveSettledMs ?? waveMs) / 1000)),
        cpu: waveCpu,
        completedHistoryEvents: events.length ? { min: Math.min(...events), max: Math.max(...events) } : null,
        callCenter: workerSamples.map((s) => s.callCenter),
      },
      memory: { workerPeakRssMB: workerSamples.map((s) => mb(s.peakRss)), temporalServerRssMB: mb(processRss(server.process.pid!)) },
      storage: growth,
    };
    console.log(`
=== huifang: an insurer's day (${result.server}, ${flags.workers} workers) ===
  contracts imported                 ${result.import.accepted.toLocaleString('en')} in ${result.import.acceptSeconds} s (${result.import.acceptedPerSecond}/s); all asleep after ${result.import.allAsleepSeconds} s
  start → first timer                p50 ${firstTimer.p50} / p95 ${firstTimer.p95} / p99 ${firstTimer.p99} ms (${toFirstTimer.length} histories)
  import, CPU ms per policy          server ${importCpu.msPerPolicy.temporalServer}, workers ${importCpu.msPerPolicy.workers} (${importCpu.msPerPolicy.eachWorker.join(' + ')}), PostgreSQL ${importCpu.msPerPolicy.postgres}, import client ${importCpu.msPerPolicy.importClient}
  the wave                           ${result.wave.seconds} s: ${completed.toLocaleString('en')} completed (${result.wave.policiesPerSecond}/s), ${awaitingTicket} on a ticket (${ticketsDispatched} dispatched, the last after ${result.wave.untilEveryTicketDispatchedSeconds} s)
  wave, CPU ms per policy            server ${waveCpu.msPerPolicy.temporalServer}, workers ${waveCpu.msPerPolicy.workers} (${waveCpu.msPerPolicy.eachWorker.join(' + ')}), PostgreSQL ${waveCpu.msPerPolicy.postgres}
  storage per 1,000 policies         Temporal ${JSON.stringify(growth.temporalMBPer1000Policies)} MB; system of record ${growth.systemOfRecordMBPer1000Policies} MB
  worker peak RSS                    ${result.memory.workerPeakRssMB.join(' / ')} MB; server RSS ${result.memory.temporalServerRssMB} MB
`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = flags.out ?? join(RESULTS_DIR, `day-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    log(`results: ${out}`);
    await evidence.close();
  } finally {
    for (const w of workers) await w.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await database?.release().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
