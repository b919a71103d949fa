/**
 * Fault drills: things break while policies are in flight, and afterwards nothing is lost. Each drill
 * runs real pieces only: the toolchain's dev server on its SQLite file, huifang workers in this
 * process, the bench's call center (bench/call-center.ts: the real Updates, recordings checked
 * against storage), a real local SMTP server. The jest suite runs them small
 * (test/fault-drills.test.ts); `npm run faults` runs them at 1,000 policies and prints the figures.
 *
 *   workerRestart   the worker stops (graceful shutdown) with the policies in flight; a new one starts
 *   serverRestart   the dev server stops and starts again on the same SQLite file, the worker running
 *   storageOutage   recording storage fails every check for a while
 *   smtpLate        the mail server is not there yet when ticket mail goes out
 *
 * Every drill checks that each policy completed, and counts `placeCall` per attempt. A graceful stop
 * hands no attempt over twice. A server restart can: a workflow task lost with the server is retried
 * and runs its local activities (placeCall among them) again, so the call center must take the
 * attempt id as an idempotency key, as the bench's does (it dials an attempt once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { LogNotifier, type Notifier } from '../notifications/notifier';
import { openEvidenceStore } from '../stores/evidence-store';
import { createBenchDatabase } from './bench-database';
import { LocalFolderRecordingStore, type RecordingStore, type VerifiedRecording } from '../stores/recording-store';
import { SmtpNotifier } from '../notifications/smtp-notifier';
import { TemporalFallbackQuota } from '../client/fallback-quota-gateway';
import { HuifangClient } from '../client/huifang-client';
import { generateKeyring, huifangDataConverter } from '../client/payload-keys';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import type { CallbackSummary } from '../domain/callback-state';
import { startLocalSmtp } from '../scripts/local-smtp';
import { createHuifangWorker, WORKFLOWS_PATH } from '../workers/create-worker';
import { BenchCallCenter } from './call-center';
import { ContractFactory, LEVEL1_PHONE_SUFFIX } from './contracts';
import { freePort, startBenchServer, type BenchServer } from './dev-server';
import { driveLevel1 } from './drive';
import { benchSettings } from './settings';
import { pool } from './stats';

export interface DrillHarness {
  server: BenchServer;
  client: Client;
  huifang: HuifangClient;
  taskQueue: string;
  callCenter: BenchCallCenter;
  recordings: LocalFolderRecordingStore;
  /** A worker on this harness's queue; `recordings` / `notifier` replace the defaults (the faulty ones). */
  startWorker(opts?: { recordings?: RecordingStore; notifier?: Notifier }): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  /** Settles when the worker stops; rejects if it failed on its own. */
  running: Promise<void>;
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let drillSeq = 0;

export async function createDrillHarness(): Promise<DrillHarness> {
  try {
    // ERROR: the drills make activities fail on purpose, and each failed attempt is a WARN.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already (a second harness in this process): keep that one
  }
  const server = await startBenchServer();
  const keyring = generateKeyring();
  const connection = await Connection.connect({ address: server.address });
  await ensureSearchAttributes(connection, 'default');
  const client = new Client({ connection, namespace: 'default', dataConverter: huifangDataConverter(keyring) });
  const taskQueue = `drill-${process.pid}-${++drillSeq}`;
  const huifang = new HuifangClient(client, taskQueue);
  const dir = mkdtempSync(join(tmpdir(), 'huifang-drill-'));
  const settings = benchSettings('now');
  const database = await createBenchDatabase();
  const evidence = await openEvidenceStore(database.url, { keys: keyring, timeZone: settings.timeZone, retention: settings.retention });
  const recordings = new LocalFolderRecordingStore(join(dir, 'recordings'));
  const callCenter = new BenchCallCenter(huifang, recordings);
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundle;
  const workers = new Set<RunningWorker>();

  return {
    server,
    client,
    huifang,
    taskQueue,
    callCenter,
    recordings,
    async startWorker(opts = {}) {
      const native = await NativeConnection.connect({ address: server.address });
      const worker = await createHuifangWorker({
        connection: native,
        namespace: 'default',
        taskQueue,
        keyring,
        workflowBundle,
        deps: {
          settings,
          callCenter,
          recordings: opts.recordings ?? recordings,
          notifier: opts.notifier ?? new LogNotifier(),
          documents: new LocalFolderDocumentStore(join(dir, 'output')),
          evidence,
          fallbackQuota: new TemporalFallbackQuota(client, taskQueue),
        },
        tuning: { maxConcurrentWorkflowTaskExecutions: 40, maxConcurrentActivityTaskExecutions: 100, maxCachedWorkflows: 1000 },
      });
      const running = worker.run().finally(() => native.close());
      const handle: RunningWorker = {
        worker,
        running,
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch(() => undefined);
          workers.delete(handle);
        },
      };
      workers.add(handle);
      return handle;
    },
    async close() {
      for (const w of [...workers]) await w.stop();
      await connection.close();
      await server.stop();
      await evidence.close();
      await database.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DrillReport {
  drill: string;
  policies: number;
  /**
   * Policies not yet closed when the fault began: read from the workflows themselves once all are
   * closed (their close time after the fault's instant), not from visibility, which lags.
   */
  inFlightAtFault: number;
  completed: number;
  /** Stages other than COMPLETED, with counts (should be empty). */
  otherStages: Record<string, number>;
  attempts: number;
  /**
   * Attempts handed to the call center more than once (`placeCall` is a local activity, run again
   * when its workflow task is lost); the call center dials each attempt id once.
   */
  attemptsPlacedTwice: number;
  /** Outcome and recording deliveries the call center had to try again. */
  deliveryRetries: number;
  /** Of those, outcomes reported before the workflow knew the attempt (a lost workflow task). */
  earlyOutcomes: number;
  /** Deliveries the call center gave up on (a rejection, or retries past its deadline). */
  deliveryFailures: number;
  faultMs: number;
  totalMs: number;
  notes: string[];
}

/** Callbacks of this harness's task queue that are closed (visibility; it lags a little). */
async function closedCount(h: DrillHarness): Promise<number> {
  return (await h.client.workflow.count(`TaskQueue = "${h.taskQueue}" AND WorkflowType = "callbackWorkflow" AND ExecutionStatus != "Running"`)).count;
}

async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function startPolicies(h: DrillHarness, tag: string, n: number, phoneSuffix?: string): Promise<string[]> {
  const factory = new ContractFactory(tag);
  const contracts = Array.from({ length: n }, () => factory.next(phoneSuffix));
  await pool(n, 25, async (i) => {
    await h.huifang.startCallback(contracts[i]);
  });
  return contracts.map((c) => c.policyNo);
}

/**
 * Every policy's result, and what the call center saw of its attempts. `faultAt`: the instant the
 * fault began (this machine's clock, which the dev server's close times also come from).
 */
async function tally(h: DrillHarness, drill: string, policyNos: string[], timing: { faultAt: number; faultMs: number; startedAt: number }, notes: string[]): Promise<DrillReport> {
  const summaries: CallbackSummary[] = [];
  let inFlightAtFault = 0;
  await pool(policyNos.length, 20, async (i) => {
    const handle = h.huifang.handle(policyNos[i]);
    summaries.push(await handle.result());
    const closedAt = (await handle.describe()).closeTime;
    if (!closedAt) throw new Error(`${policyNos[i]} has a result but no close time`);
    if (closedAt.getTime() > timing.faultAt) inFlightAtFault++;
  });
  const otherStages: Record<string, number> = {};
  for (const s of summaries) if (s.stage !== 'COMPLETED') otherStages[s.stage] = (otherStages[s.stage] ?? 0) + 1;
  const attemptIds = summaries.flatMap((s) => s.attempts.map((a) => a.attemptId));
  return {
    drill,
    policies: policyNos.length,
    inFlightAtFault,
    completed: summaries.filter((s) => s.stage === 'COMPLETED').length,
    otherStages,
    attempts: attemptIds.length,
    attemptsPlacedTwice: attemptIds.filter((id) => (h.callCenter.placedByAttempt.get(id) ?? 0) > 1).length,
    deliveryRetries: h.callCenter.stats.retries,
    earlyOutcomes: h.callCenter.stats.earlyOutcomes ?? 0,
    deliveryFailures: h.callCenter.stats.failures,
    faultMs: timing.faultMs,
    totalMs: Date.now() - timing.startedAt,
    notes,
  };
}

/** How many of `policyNos` are not closed (visibility: it lags), once `closedBefore` (the queue's earlier policies) is taken off. */
const inFlight = async (h: DrillHarness, total: number, closedBefore: number) => total - ((await closedCount(h)) - closedBefore);

/**
 * Stops the worker once `stopAfter` policies are done (graceful shutdown: what a deploy does), waits
 * `downMs` with no worker, and starts a new one, which must finish every policy.
 */
export async function workerRestart(h: DrillHarness, opts: { policies: number; stopAfter: number; downMs: number; timeoutMs: number }): Promise<DrillReport> {
  const startedAt = Date.now();
  const closedBefore = await closedCount(h);
  const first = await h.startWorker();
  const policyNos = await startPolicies(h, `W${drillSeq}`, opts.policies);
  await waitUntil(`${opts.stopAfter} policies done`, async () => opts.policies - (await inFlight(h, opts.policies, closedBefore)) >= opts.stopAfter, opts.timeoutMs);
  const stopping = Date.now();
  await first.stop();
  // In flight at the fault: what the first worker left open once stopped (a graceful stop finishes
  // the tasks it holds), all of it closed by the second.
  const faultAt = Date.now();
  await new Promise((r) => setTimeout(r, opts.downMs));
  const second = await h.startWorker();
  const faultMs = Date.now() - stopping;
  await waitUntil('every policy closed', async () => (await inFlight(h, opts.policies, closedBefore)) === 0, opts.timeoutMs);
  const report = await tally(h, 'worker stopped and replaced', policyNos, { faultAt, faultMs, startedAt }, []);
  await second.stop();
  return report;
}

/** Restarts the dev server (same ports, same SQLite file) with the policies in flight and the worker running. */
export async function serverRestart(h: DrillHarness, opts: { policies: number; restartAfter: number; downMs: number; timeoutMs: number }): Promise<DrillReport> {
  const startedAt = Date.now();
  const closedBefore = await closedCount(h);
  const notes: string[] = [];
  let worker = await h.startWorker();
  const policyNos = await startPolicies(h, `S${drillSeq}`, opts.policies);
  await waitUntil(`${opts.restartAfter} policies done`, async () => opts.policies - (await inFlight(h, opts.policies, closedBefore)) >= opts.restartAfter, opts.timeoutMs);
  const faultAt = Date.now();
  await h.server.restart(opts.downMs);
  const faultMs = Date.now() - faultAt;
  const failed = await Promise.race([worker.running.then(() => false, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (failed || worker.worker.getState() !== 'RUNNING') {
    notes.push(`the worker stopped when the server went away (${worker.worker.getState()}); a new one was started`);
    worker = await h.startWorker();
  } else {
    notes.push('the worker kept running and reconnected');
  }
  await waitUntil('every policy closed', async () => (await inFlight(h, opts.policies, closedBefore)) === 0, opts.timeoutMs);
  const report = await tally(h, 'dev server restarted on its SQLite file', policyNos, { faultAt, faultMs, startedAt }, notes);
  await worker.stop();
  return report;
}

/**
 * Recording storage that is down from the start and stays down for `downMs` after the first check
 * reaches it, then answers as `store` does. Timed from the first check, not from the drill's start,
 * so a slow machine (the worker and 20 starts taking longer than the outage) still sees checks fail.
 */
export class OutageRecordingStore implements RecordingStore {
  failedChecks = 0;
  /** When storage came back (set by the first check). */
  until?: number;
  constructor(
    private readonly store: RecordingStore,
    private readonly downMs: number,
  ) {}

  async verify(reference: string, checksum: string): Promise<VerifiedRecording> {
    this.until ??= Date.now() + this.downMs;
    if (Date.now() < this.until) {
      this.failedChecks++;
      throw new Error('recording storage unavailable (drill)');
    }
    return this.store.verify(reference, checksum);
  }

  remove(reference: string): Promise<boolean> {
    return this.store.remove(reference);
  }
}

/** Recording storage is down from the start until `downMs` after the first check: every check meanwhile fails, is retried, and succeeds later. */
export async function storageOutage(h: DrillHarness, opts: { policies: number; downMs: number; timeoutMs: number }): Promise<DrillReport> {
  const startedAt = Date.now();
  const closedBefore = await closedCount(h);
  const faultAt = Date.now();
  const store = new OutageRecordingStore(h.recordings, opts.downMs);
  const worker = await h.startWorker({ recordings: store });
  const policyNos = await startPolicies(h, `R${drillSeq}`, opts.policies);
  await waitUntil('every policy closed', async () => (await inFlight(h, opts.policies, closedBefore)) === 0, opts.timeoutMs);
  const report = await tally(h, 'recording storage down', policyNos, { faultAt, faultMs: (store.until ?? faultAt) - faultAt, startedAt }, [
    `${store.failedChecks} recording checks failed while storage was down, and were retried`,
  ]);
  await worker.stop();
  return report;
}

export interface SmtpDrillReport extends DrillReport {
  tickets: number;
  /** Ticket-created mails received, by ticket id (1 each: nothing lost, nothing twice). */
  createdMailPerTicket: Record<string, number>;
}

/**
 * Level-1 tickets open while nothing listens on the SMTP port; the local SMTP server starts there
 * `lateMs` later. The notify activity keeps retrying: each ticket's mail arrives, once.
 */
export async function smtpLate(h: DrillHarness, opts: { policies: number; lateMs: number; timeoutMs: number }): Promise<SmtpDrillReport> {
  const startedAt = Date.now();
  const port = await freePort();
  const notifier = new SmtpNotifier({ host: '127.0.0.1', port, from: 'huifang-drill@example.com' }, benchSettings('now').directory);
  const worker = await h.startWorker({ notifier });
  const factory = new ContractFactory(`M${drillSeq}`);
  const contracts = Array.from({ length: opts.policies }, () => factory.next(LEVEL1_PHONE_SUFFIX));
  const driven = Promise.all(contracts.map((c) => driveLevel1(h.huifang, c)));
  driven.catch(() => undefined); // awaited below; a failure meanwhile must not end the process before cleanup
  await new Promise((r) => setTimeout(r, opts.lateMs));
  const smtp = await startLocalSmtp({ port });
  try {
    const results = await driven;
    const ticketIds = results.map((r) => r.ticketWorkflowId.replace(/^ticket-/, ''));
    await waitUntil(
      'a ticket-created mail for every ticket',
      async () => ticketIds.every((id) => smtp.messages.some((m) => m.subject?.includes(id) && m.subject.includes('new transfer order'))),
      opts.timeoutMs,
    );
    const createdMailPerTicket = Object.fromEntries(
      ticketIds.map((id) => [id, smtp.messages.filter((m) => m.subject?.includes(id) && m.subject.includes('new transfer order')).length]),
    );
    const report = await tally(h, 'SMTP server started late', contracts.map((c) => c.policyNo), { faultAt: startedAt, faultMs: opts.lateMs, startedAt }, [
      `${smtp.messages.length} mails received in all`,
    ]);
    return { ...report, tickets: ticketIds.length, createdMailPerTicket };
  } finally {
    await worker.stop();
    await smtp.stop();
  }
}
