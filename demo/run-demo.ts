/**
 * `huifang demo`: a realistic day of contracts through the real workflows, on their own task queue
 * (`huifang-demo`) with a worker of demo timing (demo-settings.ts), the simulated dialer answering
 * the calls and simulated staff advancing the tickets (demo-staff.ts). It prints progress and where
 * to look in the Web UI, and stops once every policy is where its scenario leads (or at the time
 * limit). Kept free of process and terminal concerns so the test drives it on its own server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { LogNotifier } from '../notifications/notifier';
import type { EvidenceStore } from '../stores/evidence-store';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { SimulatedDialer } from '../call-center/simulated-dialer';
import type { PayloadKeyring } from '../client/encryption-codec';
import { TemporalFallbackQuota } from '../client/fallback-quota-gateway';
import { HuifangClient } from '../client/huifang-client';
import { nearCoolingOffEndQuery, overdueLevel1Query, todaysCallsQuery } from '../client/ready-queries';
import type { Output } from '../cli/command';
import { importContracts } from '../client/import-contracts';
import { localDateOf } from '../domain/local-time';
import * as sa from '../workflows/search-attributes';
import { createHuifangWorker } from '../workers/create-worker';
import { demoContracts, type DemoContract } from './demo-contracts';
import { demoSettings } from './demo-settings';
import { DEMO_OPERATOR, DemoStaff } from './demo-staff';

export const DEMO_TASK_QUEUE = 'huifang-demo';
const STAFF_ROUND_MS = 1_000;
const PROGRESS_MS = 5_000;

export interface DemoOptions {
  /** Any client of the namespace (its task queue is not used: the demo has its own). */
  huifang: HuifangClient;
  connection: NativeConnection;
  namespace: string;
  keyring: PayloadKeyring;
  /** Recordings and documents of the demo's policies (apart from real ones). */
  dataDir: string;
  /** The system of record the demo's worker writes to. */
  evidence: EvidenceStore;
  out: Output;
  /** Stop at this point even if some policy is not where its scenario leads (default 8 minutes). */
  timeoutMs?: number;
  /** Stop earlier, as soon as this holds (the test: every stage it checks has been reached). */
  until?: (progress: DemoProgress) => boolean;
  signal?: AbortSignal;
  /** Keep the worker and the staff going after the end, until `signal` aborts. */
  keepRunning?: boolean;
  dialerDelayMs?: number;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** For the hints printed: where the Web UI is (none printed when undefined). */
  webUiUrl?: string;
}

export interface DemoPolicy {
  policyNo: string;
  scenario: string;
  stage: string;
  running: boolean;
  /** The stage is one its scenario leads to (and, unless it is a wait, the workflow has ended). */
  settled: boolean;
}

export interface DemoProgress {
  elapsedMs: number;
  policies: DemoPolicy[];
  ticketsOpen: number;
  ticketsClosed: number;
  /** When each stage was first seen (ms from the start), as visibility shows it. */
  firstSeenMs: Record<string, number>;
}

export interface DemoReport extends DemoProgress {
  settled: boolean;
  stepsTaken: number;
  recordingsUploaded: number;
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const startedAt = new Date();
  const settings = demoSettings(startedAt);
  const t0 = Date.now();
  const say = (line: string) => opts.out.write(`[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${line}\n`);
  const huifang = new HuifangClient(opts.huifang.temporal, DEMO_TASK_QUEUE);
  const recordings = new LocalFolderRecordingStore(join(opts.dataDir, 'recordings'));
  for (const dir of ['recordings', 'output']) mkdirSync(join(opts.dataDir, dir), { recursive: true });
  const dialer = new SimulatedDialer(huifang, { delayMs: opts.dialerDelayMs ?? 1_500, recordings, operator: DEMO_OPERATOR });
  const worker = await createHuifangWorker({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: DEMO_TASK_QUEUE,
    keyring: opts.keyring,
    workflowBundle: opts.workflowBundle,
    deps: {
      settings,
      callCenter: dialer,
      recordings,
      notifier: new LogNotifier(),
      documents: new LocalFolderDocumentStore(join(opts.dataDir, 'output')),
      evidence: opts.evidence,
      fallbackQuota: new TemporalFallbackQuota(huifang.temporal, DEMO_TASK_QUEUE),
    },
  });
  const running = worker.run();
  const staff = new DemoStaff(huifang, recordings, startedAt, (line) => say(`  ${line}`));
  const contracts = demoContracts(startedAt);
  const byPolicy = new Map(contracts.map((c) => [c.contract.policyNo, c]));
  const firstSeenMs: Record<string, number> = {};
  let progress: DemoProgress = { elapsedMs: 0, policies: [], ticketsOpen: 0, ticketsClosed: 0, firstSeenMs };

  try {
    say(`a demo worker polls task queue '${DEMO_TASK_QUEUE}' (calls every minute, the simulated dialer answers in ${(opts.dialerDelayMs ?? 1_500) / 1000} s)`);
    const results = await importContracts(
      contracts.map((c, row) => ({ row, value: c.contract })),
      (c) => huifang.startCallback(c),
      { intake: { today: localDateOf(startedAt, settings.timeZone), callingHours: settings.callPlan.callingHours }, concurrency: 8, signal: opts.signal },
    );
    const refused = results.filter((r) => !r.ok);
    if (refused.length) throw new Error(`the demo's contracts were refused: ${refused.map((r) => `${r.policyNo}: ${r.error ?? JSON.stringify(r.fields)}`).join('; ')}`);
    say(`started ${results.length} contracts ${contracts[0].contract.policyNo} … ${contracts.at(-1)!.contract.policyNo}`);
    if (opts.webUiUrl) for (const line of webUiHints(opts.webUiUrl, opts.namespace, startedAt)) say(line);

    const deadline = t0 + (opts.timeoutMs ?? 8 * 60_000);
    let nextProgress = 0;
    for (;;) {
      await staff.round().catch((err: unknown) => say(`  staff: ${(err as Error).message}`));
      if (Date.now() >= nextProgress) {
        progress = await snapshot(huifang, startedAt, byPolicy, firstSeenMs, Date.now() - t0);
        say(progressLine(progress));
        nextProgress = Date.now() + PROGRESS_MS;
        const done = progress.policies.length === contracts.length && progress.policies.every((p) => p.settled);
        if (done || opts.until?.(progress)) break;
      }
      if (Date.now() >= deadline || opts.signal?.aborted) break;
      await sleep(STAFF_ROUND_MS, opts.signal);
    }
    progress = await snapshot(huifang, startedAt, byPolicy, firstSeenMs, Date.now() - t0);
    const settled = progress.policies.length === contracts.length && progress.policies.every((p) => p.settled);
    say(settled ? 'every policy is where its scenario leads' : `stopped with ${progress.policies.filter((p) => !p.settled).length} policies still on their way`);
    for (const [stage, ms] of Object.entries(firstSeenMs).sort((a, b) => a[1] - b[1])) say(`  ${stage.padEnd(20)} first seen after ${Math.round(ms / 1000)} s`);
    if (opts.keepRunning && !opts.signal?.aborted) {
      say('the demo worker and staff keep going: Ctrl-C to stop them');
      while (!opts.signal?.aborted) {
        await staff.round().catch(() => undefined);
        await sleep(STAFF_ROUND_MS, opts.signal);
      }
    }
    const waiting = progress.policies.filter((p) => p.running);
    if (waiting.length) say(`${waiting.length} policies stay open on '${DEMO_TASK_QUEUE}' (e.g. a call-back in two hours): the next 'huifang demo' works on them`);
    return { ...progress, settled, stepsTaken: staff.stepsTaken, recordingsUploaded: staff.recordingsUploaded };
  } finally {
    // Outcomes on their way are delivered while the worker still runs (an Update needs it).
    dialer.close();
    await dialer.drain();
    worker.shutdown();
    await running;
  }
}

async function snapshot(
  huifang: HuifangClient,
  since: Date,
  byPolicy: Map<string, DemoContract>,
  firstSeenMs: Record<string, number>,
  elapsedMs: number,
): Promise<DemoProgress> {
  const inRun = `TaskQueue = '${DEMO_TASK_QUEUE}' AND StartTime >= '${since.toISOString()}'`;
  const policies: DemoPolicy[] = [];
  for await (const wf of huifang.temporal.workflow.list({ query: `WorkflowType = 'callbackWorkflow' AND ${inRun}` })) {
    const policyNo = wf.typedSearchAttributes.get(sa.PolicyNo) ?? '';
    const demo = byPolicy.get(policyNo);
    if (!demo) continue;
    const stage = wf.typedSearchAttributes.get(sa.CallbackStage) ?? 'ASSESSING';
    const running = wf.status.name === 'RUNNING';
    const expected = demo.scenario.expected ?? ['NOT_REQUIRED', 'COMPLETED'];
    policies.push({ policyNo, scenario: demo.scenario.name, stage, running, settled: expected.includes(stage) && (!running || stage === 'AWAITING_CALL') });
    firstSeenMs[stage] ??= elapsedMs;
  }
  let ticketsOpen = 0;
  let ticketsClosed = 0;
  for await (const wf of huifang.temporal.workflow.list({ query: `WorkflowType = 'transferTicketWorkflow' AND ${inRun}` })) {
    if (wf.typedSearchAttributes.get(sa.TicketStage) === 'CLOSED') ticketsClosed++;
    else ticketsOpen++;
  }
  if (ticketsClosed) firstSeenMs['ticket CLOSED'] ??= elapsedMs;
  return { elapsedMs, policies, ticketsOpen, ticketsClosed, firstSeenMs };
}

export function progressLine(p: DemoProgress): string {
  const counts = new Map<string, number>();
  for (const policy of p.policies) counts.set(policy.stage, (counts.get(policy.stage) ?? 0) + 1);
  const stages = [...counts].sort((a, b) => b[1] - a[1]).map(([stage, n]) => `${stage} ${n}`).join(' · ');
  return `${p.policies.length} policies: ${stages || 'none visible yet'} | tickets ${p.ticketsOpen} open, ${p.ticketsClosed} closed`;
}

/** Where to look: the Web UI's list filtered to this run, and the README's ready queries. */
export function webUiHints(webUiUrl: string, namespace: string, since: Date): string[] {
  const link = (query: string) => `${webUiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`;
  const run = `TaskQueue="${DEMO_TASK_QUEUE}" AND StartTime>="${since.toISOString()}"`;
  return [
    `Web UI, this demo's policies and tickets: ${link(run)}`,
    `  completed calls:      ${link(`${run} AND CallbackStage="COMPLETED"`)}`,
    `  open tickets:         ${link(`${run} AND WorkflowType="transferTicketWorkflow" AND TicketStage!="CLOSED"`)}`,
    `  today's calls:        ${link(todaysCallsQuery())}`,
    `  near cooling-off end: ${link(nearCoolingOffEndQuery(since))}`,
    `  overdue level-1, DM-SH-PD: ${link(overdueLevel1Query('DM-SH-PD'))}`,
    '  open a policy: its summary, its current details (stage, next step) and each timer and activity named in the event history',
  ];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const onAbort = () => {
      clearTimeout(timer);
      done();
    };
    // Removed when the timer fires: the demo sleeps thousands of times on one signal.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
