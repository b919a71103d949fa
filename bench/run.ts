/**
 * `npm run bench`: huifang's benchmark on its own Temporal dev server (see README "Benchmarks").
 *
 *   npm run bench                         default run (500 policies, scale 2,000), a few minutes
 *   npm run bench -- --scale 100000       the scale run up to 100k open policies (long)
 *   npm run bench -- --skip-scale --policies 1000 --out /tmp/bench.json
 *   npm run bench -- --evidence-rows 10000000   the system of record at its target size (seeding takes a while)
 *
 * Flags: --policies N (500)  --scale N (2000)  --skip-scale  --out file (bench/results/latest.json)
 *        --concurrency N (50 policies in flight)  --warmup N (20)  --intake N (1000)
 *        --intake-concurrency N (32)  --probes N (100 start-latency probes per checkpoint)
 *        --rounds N (4: bare and callback runs alternate)
 *        --profile (workers and API under node --cpu-prof; summaries printed, files in bench/results/profiles/)
 *        --preload zod,… (diagnostic: build the callback bundle with the bundler's preloadModules)
 *        --evidence-rows N (1,000,000 evidence rows seeded for the system of record's figures)  --skip-evidence-scale
 *
 * Phases: record one happy-path history (its counts shape the bare workflow) → bare workflow and
 * callback lifecycle in alternating rounds, the lifecycle once with its evidence written to PostgreSQL
 * and once with the writes taken out (their CPU cost) → level-1 ticket path → intake API over HTTP →
 * scale (open, sleeping policies; start latency at 1k / 10k / 100k open) → the system of record at
 * scale (bench/evidence-scale.ts: seeded evidence rows, a branch-month report, one policy's story, size).
 * Workers and the API run in child processes (bench/child.ts) so their memory and CPU are their own.
 */
import { createBenchDatabase, type BenchDatabase } from './bench-database';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { HuifangClient } from '../client/huifang-client';
import { generateKeyring, huifangDataConverter } from '../client/payload-keys';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import { WORKFLOWS_PATH } from '../workers/create-worker';
import { describeShape, irreducibleShape, type BareShape } from './bare-shape';
import { BenchChild } from './children';
import { ContractFactory, LEVEL1_PHONE_SUFFIX } from './contracts';
import { startBenchServer, startClusterBenchServer, type BenchServer } from './dev-server';
import { waveStart } from './settings';
import { bareDriven, driveLevel1, huifangDriven, isFirstSleep, mergeRuns, rateOf, runLifecycle, waitForEvent, type LifecycleRun } from './drive';
import { countHistory, describeCounts, shapeOf, type HistoryCounts } from './history';
import { BENCH_API_TOKEN, encodeKeyring, type ChildConfig, type ChildSample, type WorkerTuning } from './ipc';
import { log, machineBusyMs, mb, percentiles, pool, processCpuMs, processRss, progress, round1, threadCpuDelta, threadCpuMs, type Percentiles } from './stats';
import { summarizeProfile } from './profile-summary';
import { printEvidenceScale, runEvidenceScale, type EvidenceScaleResult } from './evidence-scale';

interface Flags {
  policies: number;
  scale: number;
  skipScale: boolean;
  out: string;
  concurrency: number;
  warmup: number;
  intake: number;
  intakeConcurrency: number;
  probes: number;
  /** Bare and callback runs alternate in this many rounds. */
  rounds: number;
  /** Run the workers and the API under `node --cpu-prof` (profiles in bench/results/profiles/). */
  profile: boolean;
  /**
   * Diagnostic only: modules to build into the callback bundle with the bundler's `preloadModules`
   * (evaluated once per worker thread instead of once per workflow). Not how huifang's worker bundles today.
   */
  preload: string[];
  /** Evidence rows seeded for the system of record's figures (phase 6). */
  evidenceRows: number;
  skipEvidenceScale: boolean;
  /** 'dev': the CLI's dev server (SQLite); 'cluster': the Temporal server on PostgreSQL (scripts/temporal-cluster.ts). */
  server: 'dev' | 'cluster';
}

const RESULTS_DIR = resolve(__dirname, 'results');

/** Fixed worker options, the same for the callback and the bare worker. */
const TUNING: WorkerTuning = {
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 100,
  maxCachedWorkflows: 1000,
};

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {
    policies: 500,
    scale: 2000,
    skipScale: false,
    out: join(RESULTS_DIR, 'latest.json'),
    concurrency: 50,
    warmup: 20,
    intake: 1000,
    intakeConcurrency: 32,
    probes: 100,
    rounds: 4,
    profile: false,
    preload: [],
    evidenceRows: 1_000_000,
    skipEvidenceScale: false,
    server: 'dev',
  };
  const numeric: Record<string, keyof Flags> = {
    '--policies': 'policies',
    '--scale': 'scale',
    '--concurrency': 'concurrency',
    '--warmup': 'warmup',
    '--intake': 'intake',
    '--intake-concurrency': 'intakeConcurrency',
    '--probes': 'probes',
    '--rounds': 'rounds',
    '--evidence-rows': 'evidenceRows',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--skip-scale') flags.skipScale = true;
    else if (name === '--skip-evidence-scale') flags.skipEvidenceScale = true;
    else if (name === '--profile') flags.profile = true;
    else if (name === '--preload') {
      // Package names as they are; project files ('./domain/call-outcome') from the project root.
      flags.preload = (inline ?? argv[++i])
        .split(',')
        .filter(Boolean)
        .map((m) => (m.startsWith('.') ? resolve(__dirname, '..', m) : m));
    }
    else if (name === '--out') flags.out = resolve(inline ?? argv[++i]);
    else if (name === '--server') {
      const server = inline ?? argv[++i];
      if (server !== 'dev' && server !== 'cluster') throw new Error(`--server: 'dev' or 'cluster', not '${server}'`);
      flags.server = server;
    }
    else if (name === '--help' || name === '-h') {
      console.log('usage: npm run bench -- [--policies N] [--scale N] [--skip-scale] [--out file] [--concurrency N] [--warmup N] [--intake N] [--intake-concurrency N] [--probes N] [--rounds N] [--profile] [--preload module,…] [--evidence-rows N] [--skip-evidence-scale] [--server dev|cluster]');
      process.exit(0);
    } else if (numeric[name]) {
      const v = Number(inline ?? argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name} needs a whole number, got '${inline ?? argv[i]}'`);
      (flags[numeric[name]] as number) = v;
    } else throw new Error(`unknown flag '${a}' (--help lists them)`);
  }
  if (flags.policies < 1) throw new Error('--policies must be at least 1');
  if (flags.concurrency < 1 || flags.intakeConcurrency < 1) throw new Error('concurrency must be at least 1');
  if (!flags.skipEvidenceScale && flags.evidenceRows < 1000) throw new Error('--evidence-rows must be at least 1000');
  return flags;
}

/** CPU used by the server, the child processes and the bench itself during `fn`, and the wall time. */
async function measured<T>(server: BenchServer, children: BenchChild[], fn: () => Promise<T>) {
  const machine0 = machineBusyMs();
  const server0 = processCpuMs(server.process.pid!);
  const kids0 = await Promise.all(children.map((c) => c.sample()));
  const threads0 = children.map((c) => threadCpuMs(c.pid));
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const self = process.cpuUsage(self0);
  const kids1 = await Promise.all(children.map((c) => c.sample()));
  const threads = Object.fromEntries(children.map((c, i) => [c.role, threadCpuDelta(threads0[i], threadCpuMs(c.pid))]));
  const cpu: Record<string, { cpuMs: number; cores: number }> = {};
  const put = (name: string, ms: number) => (cpu[name] = { cpuMs: Math.round(ms), cores: round1(ms / wallMs) });
  put('temporalServer', processCpuMs(server.process.pid!) - server0);
  children.forEach((c, i) => put(c.role, kids1[i].cpuMs - kids0[i].cpuMs));
  put('benchDriver', (self.user + self.system) / 1000);
  // Everything else on the machine (other jobs share these cores): the whole machine's busy time less ours.
  const ours = Object.values(cpu).reduce((a, c) => a + c.cpuMs, 0);
  put('otherProcesses', Math.max(0, machineBusyMs() - machine0 - ours));
  return { value, wallMs: Math.round(wallMs), cpu, threads, samples: kids1 };
}

function memoryOf(s: ChildSample) {
  return { rssMB: mb(s.rss), peakRssMB: mb(s.peakRss), heapUsedMB: mb(s.heapUsed) };
}

function checkCallCenter(s: ChildSample, what: string): void {
  const cc = s.callCenter;
  if (cc?.failures) log(`  WARNING: ${what}: ${cc.failures} call-center deliveries failed (last: ${cc.lastError})`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const startedAt = new Date();
  const tag = startedAt.getTime().toString(36).toUpperCase();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMB: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${platform()} ${release()}`,
  };
  log(`huifang benchmark: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryMB} MB, node ${machine.node}`);
  log(`flags: ${JSON.stringify({ ...flags, out: undefined })}`);

  const work = mkdtempSync(join(tmpdir(), 'huifang-bench-'));
  let server: BenchServer | undefined;
  let database: BenchDatabase | undefined;
  const children: BenchChild[] = [];
  const profileDir = flags.profile ? join(RESULTS_DIR, 'profiles', startedAt.toISOString().replace(/[:.]/g, '-')) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const roleOfPid = new Map<number, string>();
  const startChild = async (config: ChildConfig) => {
    const c = await BenchChild.start(config, profileDir);
    roleOfPid.set(c.pid, `${config.role} (${config.taskQueue.replace(/^bench-|-[A-Z0-9]+$/g, '')})`);
    children.push(c);
    return c;
  };
  const stopChild = async (c: BenchChild) => {
    children.splice(children.indexOf(c), 1);
    return c.stop();
  };

  // Ctrl-C or a kill: take the dev server and the children down too (they would otherwise outlive us).
  const abort = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    for (const c of children) c.proc.kill('SIGKILL');
    server?.process.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    if (server) rmSync(resolve(server.dbFile, '..'), { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);

  try {
    // --- Server, search attributes, bundles -----------------------------------------------------
    log(flags.server === 'cluster' ? 'starting the Temporal server on PostgreSQL (scripts/temporal-cluster.ts)…' : 'starting the Temporal dev server (temp SQLite file, WAL, headless)…');
    server = flags.server === 'cluster' ? await startClusterBenchServer() : await startBenchServer();
    const connection = await Connection.connect({ address: server.address });
    const systemInfo = await connection.workflowService.getSystemInfo({});
    const added = await ensureSearchAttributes(connection, 'default');
    log(`  server at ${server.address} (Temporal ${systemInfo.serverVersion}); registered ${added.length} search attributes`);
    const keyring = generateKeyring('bench');
    log('creating the system of record (a PostgreSQL database of its own)…');
    database = await createBenchDatabase();
    const client = new Client({ connection, namespace: 'default', dataConverter: huifangDataConverter(keyring) });

    log('bundling the workflows once (callback + ticket, and the bare workflow)…');
    const bundleStart = performance.now();
    const quiet = new DefaultLogger('WARN');
    const [huifangBundle, bareBundle] = await Promise.all([
      bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet, ...(flags.preload.length ? { preloadModules: flags.preload } : {}) }),
      bundleWorkflowCode({ workflowsPath: require.resolve('./bare.workflow'), logger: quiet }),
    ]);
    // Kept beside the profiles when profiling, so their workflow-code lines map back to modules.
    const huifangBundlePath = join(profileDir ?? work, 'huifang-workflows.js');
    const bareBundlePath = join(profileDir ?? work, 'bare-workflows.js');
    writeFileSync(huifangBundlePath, huifangBundle.code);
    writeFileSync(bareBundlePath, bareBundle.code);
    log(`  bundled in ${Math.round(performance.now() - bundleStart)} ms`);

    const base = (role: ChildConfig['role'], taskQueue: string, over: Partial<ChildConfig> = {}): ChildConfig => ({
      role,
      address: server!.address,
      namespace: 'default',
      taskQueue,
      keyring: encodeKeyring(keyring),
      bundlePath: role === 'worker-bare' ? bareBundlePath : huifangBundlePath,
      planMode: 'now',
      callCenter: 'bench',
      tuning: TUNING,
      recordingsDir: join(work, 'recordings'),
      outputDir: join(work, 'output'),
      databaseUrl: database!.url,
      ...over,
    });

    // --- 1. Record a happy-path history: its counts shape the bare workflow -----------------------
    log('1/6 recording a happy-path history (its counts shape the bare workflow)…');
    const happyQueue = `bench-happy-${tag}`;
    const bareQueue = `bench-bare-${tag}`;
    const noEvidenceQueue = `bench-noevidence-${tag}`;
    const happyWorker = await startChild(base('worker-huifang', happyQueue));
    const bareWorker = await startChild(base('worker-bare', bareQueue));
    // The same worker with its evidence writes taken out: what the writes cost the worker's CPU.
    const noEvidenceWorker = await startChild(base('worker-huifang', noEvidenceQueue, { evidence: 'none' }));
    const happyClient = new HuifangClient(client, happyQueue);
    const noEvidenceClient = new HuifangClient(client, noEvidenceQueue);
    const happyFactory = new ContractFactory(`${tag}H`);
    const bareFactory = new ContractFactory(`${tag}B`);
    const irreducibleFactory = new ContractFactory(`${tag}R`);
    // The physical limit: the irreducible callback on the bare worker, its slot started (no sleep, as the lifecycle here).
    const irreducible = irreducibleShape(0);
    const noEvidenceFactory = new ContractFactory(`${tag}N`);
    const warm = Math.min(10, flags.concurrency);
    const happyWarm = await runLifecycle('callback warm-up', Math.max(1, flags.warmup), warm, () => huifangDriven(happyClient, happyFactory.next()));
    const recorded = await client.workflow.getHandle(happyWarm.workflowIds[0]).fetchHistory();
    const happyCounts = countHistory(recorded);
    const shape: BareShape = shapeOf(recorded);
    log(`  happy path: ${describeCounts(happyCounts)}`);
    log(`  bare shape: ${describeShape(shape)}`);
    if (happyWarm.failed === happyWarm.policies) throw new Error(`the callback warm-up failed: ${happyWarm.errors[0]}`);
    if (shape.dispatchAt < 0 || shape.updates.length === 0) {
      throw new Error('the recorded happy path has no step that hands over a call, or no Update: the bare workflow cannot mirror it (see bench/history.ts)');
    }
    await runLifecycle('bare warm-up', Math.max(1, flags.warmup), warm, () => bareDriven(client, bareQueue, bareFactory.next(), shape));
    await runLifecycle('irreducible warm-up', Math.max(1, flags.warmup), warm, () => bareDriven(client, bareQueue, irreducibleFactory.next(), irreducible));
    log(`  irreducible shape: ${describeShape(irreducible)}`);

    // With a real sleep to the slot: one callback on a worker whose slot opens at the next whole minute
    // at least a minute away (plan mode 'wave'), and one irreducible callback sleeping as long. Both
    // sleep through phase 2 and are counted after phase 3.
    const waveAt = waveStart(60_000);
    const sleptQueue = `bench-slept-${tag}`;
    const sleptWorker = await startChild(base('worker-huifang', sleptQueue, { planMode: 'wave', waveAt: waveAt.toISOString() }));
    const sleptCallback = happyFactory.next();
    await new HuifangClient(client, sleptQueue).startCallback(sleptCallback);
    const sleptIrreducible = bareDriven(client, bareQueue, irreducibleFactory.next(), irreducibleShape(waveAt.getTime() - Date.now()));
    await sleptIrreducible.start();
    log(`  one callback and one irreducible callback sleep until ${waveAt.toISOString()} (their histories with a real sleep are counted after phase 3)`);
    await runLifecycle('callback without evidence writes, warm-up', Math.max(1, flags.warmup), warm, () => huifangDriven(noEvidenceClient, noEvidenceFactory.next()));

    // --- 2. Bare workflow and callback lifecycle, in alternating rounds ---------------------------
    // Both workers stay up (the idle one only long-polls); alternating rounds spread any drift in
    // the machine's load (other jobs share these cores) over both.
    const rounds = Math.max(1, Math.min(flags.rounds, flags.policies));
    log(`2/6 irreducible and bare workflows vs callback lifecycle (and the lifecycle without its evidence writes): ${flags.policies} policies each, ${flags.concurrency} in flight, ${rounds} alternating rounds…`);
    const irreducibleRuns: LifecycleRun[] = [];
    const irreducibleCpu: CpuByProcess[] = [];
    const bareRuns: LifecycleRun[] = [];
    const happyRuns: LifecycleRun[] = [];
    const bareCpu: CpuByProcess[] = [];
    const happyCpu: CpuByProcess[] = [];
    const bareThreads: ThreadCpu[] = [];
    const happyThreads: ThreadCpu[] = [];
    const noEvidenceRuns: LifecycleRun[] = [];
    const noEvidenceCpu: CpuByProcess[] = [];
    for (let r = 0; r < rounds; r++) {
      const n = Math.floor(flags.policies / rounds) + (r < flags.policies % rounds ? 1 : 0);
      const ir = await measured(server, [bareWorker], () =>
        runLifecycle(`round ${r + 1}/${rounds} irreducible`, n, flags.concurrency, () => bareDriven(client, bareQueue, irreducibleFactory.next(), irreducible)),
      );
      irreducibleRuns.push(ir.value);
      irreducibleCpu.push(ir.cpu);
      const b = await measured(server, [bareWorker], () =>
        runLifecycle(`round ${r + 1}/${rounds} bare`, n, flags.concurrency, () => bareDriven(client, bareQueue, bareFactory.next(), shape)),
      );
      bareRuns.push(b.value);
      bareCpu.push(b.cpu);
      bareThreads.push(b.threads['worker-bare']);
      const withWrites = () =>
        measured(server!, [happyWorker], () => runLifecycle(`round ${r + 1}/${rounds} callback`, n, flags.concurrency, () => huifangDriven(happyClient, happyFactory.next())));
      const withoutWrites = () =>
        measured(server!, [noEvidenceWorker], () =>
          runLifecycle(`round ${r + 1}/${rounds} callback, no evidence writes`, n, flags.concurrency, () => huifangDriven(noEvidenceClient, noEvidenceFactory.next())),
        );
      // With and without the evidence writes take turns at going first, so neither always follows the bare run.
      const [h, e] = r % 2 === 0 ? [await withWrites(), await withoutWrites()] : await withoutWrites().then(async (without) => [await withWrites(), without]);
      happyRuns.push(h.value);
      happyCpu.push(h.cpu);
      happyThreads.push(h.threads['worker-huifang']);
      noEvidenceRuns.push(e.value);
      noEvidenceCpu.push(e.cpu);
      log(
        `  round ${r + 1}: irreducible ${rateOf(ir.value)}/s, bare ${rateOf(b.value)}/s, callback ${rateOf(h.value)}/s, callback without evidence writes ${rateOf(e.value)}/s ` +
          `(other processes on the machine: ${b.cpu.otherProcesses.cores} / ${h.cpu.otherProcesses.cores} / ${e.cpu.otherProcesses.cores} cores)`,
      );
    }
    const bare = mergeRuns(bareRuns);
    const irreducibleRun = mergeRuns(irreducibleRuns);
    const irreducibleCpuTotal = sumCpu(irreducibleCpu, irreducibleRun.elapsedMs);
    const irreducibleHistory = countHistory(await client.workflow.getHandle(irreducibleRuns[0].workflowIds[0]).fetchHistory());
    const happy = mergeRuns(happyRuns);
    const bareCpuTotal = sumCpu(bareCpu, bare.elapsedMs);
    const happyCpuTotal = sumCpu(happyCpu, happy.elapsedMs);
    const noEvidence = mergeRuns(noEvidenceRuns);
    const noEvidenceCpuTotal = sumCpu(noEvidenceCpu, noEvidence.elapsedMs);
    const evidenceWrites = evidenceWritesCost(happyCpuTotal, happy.completed, noEvidenceCpuTotal, noEvidence.completed);
    log(
      `  evidence writes: worker CPU ${evidenceWrites.workerCpuMsPerPolicy.postgres} ms/policy with PostgreSQL, ${evidenceWrites.workerCpuMsPerPolicy.none} ms without: ×${evidenceWrites.ratio}`,
    );
    const bareHistory = countHistory(await client.workflow.getHandle(bareRuns[0].workflowIds[0]).fetchHistory());
    const sameShape = (['localActivities', 'activities', 'timers', 'updates', 'upserts'] as const).every((k) => bareHistory[k] === happyCounts[k]);
    log(`  irreducible: ${irreducibleRun.policiesPerSecond} policies/s, e2e p50 ${irreducibleRun.endToEndMs.p50} ms, p99 ${irreducibleRun.endToEndMs.p99} ms; ${describeCounts(irreducibleHistory)}`);
    log(`  bare: ${bare.policiesPerSecond} policies/s, e2e p50 ${bare.endToEndMs.p50} ms, p99 ${bare.endToEndMs.p99} ms`);
    log(`  bare history: ${describeCounts(bareHistory)} — ${sameShape ? 'same counts as the happy path' : 'NOT the same counts as the recorded happy path (see README: the outcome Update can race the placeCall completion)'}`);
    log(`  callback: ${happy.policiesPerSecond} policies/s, e2e p50 ${happy.endToEndMs.p50} ms, p95 ${happy.endToEndMs.p95} ms, p99 ${happy.endToEndMs.p99} ms`);
    // Events per policy across a sample of the run (the call center's Update can race the activity's completion).
    const allHappyIds = happyRuns.flatMap((r) => r.workflowIds);
    const sampleIds = allHappyIds.filter((_, i) => i % Math.max(1, Math.floor(allHappyIds.length / 25)) === 0).slice(0, 25);
    const sampleCounts = await Promise.all(sampleIds.map(async (id) => countHistory(await client.workflow.getHandle(id).fetchHistory())));
    const sampleEvents = sampleCounts.map((c) => c.events);
    log(`  history events over ${sampleIds.length} sampled policies: min ${Math.min(...sampleEvents)}, max ${Math.max(...sampleEvents)}`);

    // --- 3. The level-1 ticket path (same worker) -----------------------------------------------
    log('3/6 one policy through a level-1 ticket, steps through the client…');
    const level1 = await driveLevel1(happyClient, happyFactory.next(LEVEL1_PHONE_SUFFIX));
    const level1Callback = countHistory(await client.workflow.getHandle(level1.callbackWorkflowId).fetchHistory());
    const level1Ticket = countHistory(await client.workflow.getHandle(level1.ticketWorkflowId).fetchHistory());
    const sleptHistories = await Promise.all(
      [`callback-${sleptCallback.policyNo}`, sleptIrreducible.workflowId].map(async (id) => {
        const handle = client.workflow.getHandle(id);
        const deadline = waveAt.getTime() + 120_000;
        while ((await handle.describe()).status.name === 'RUNNING') {
          if (Date.now() > deadline) throw new Error(`${id}: not closed 2 minutes after its slot opened`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        return countHistory(await handle.fetchHistory());
      }),
    );
    await stopChild(sleptWorker);
    const withSleep = { callback: sleptHistories[0], irreducible: sleptHistories[1] };
    log(`  with a real sleep to the slot: callback ${describeCounts(withSleep.callback)}; irreducible ${describeCounts(withSleep.irreducible)}`);
    const happyStopped = await stopChild(happyWorker);
    const bareStopped = await stopChild(bareWorker);
    await stopChild(noEvidenceWorker);
    checkCallCenter(happyStopped, 'callback');
    checkCallCenter(bareStopped, 'bare');
    log(`  level-1 path (${level1.stage}): callback ${describeCounts(level1Callback)}; ticket ${describeCounts(level1Ticket)}`);

    // --- 4. Intake over HTTP -------------------------------------------------------------------
    log(`4/6 intake API: ${flags.intake} unique contracts over HTTP, ${flags.intakeConcurrency} in flight…`);
    const intakeQueue = `bench-intake-${tag}`; // no worker polls it: intake alone is measured
    const api = await startChild(base('api', intakeQueue));
    const intakeFactory = new ContractFactory(`${tag}I`);
    const post = async (body: unknown): Promise<number> => {
      const res = await fetch(`${api.url}/v1/contracts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_TOKEN}` }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      return res.status;
    };
    await pool(Math.min(200, flags.intake), flags.intakeConcurrency, async () => void (await post(intakeFactory.next()))); // warm-up
    const intakeLatencies: number[] = [];
    const statuses: Record<string, number> = {};
    const intakeTick = progress('intake', flags.intake);
    let posted = 0;
    const intake = await measured(server, [api], async () => {
      await pool(flags.intake, flags.intakeConcurrency, async () => {
        const t = performance.now();
        let status: string;
        try {
          status = String(await post(intakeFactory.next()));
        } catch (err) {
          status = `error: ${(err as Error).message}`;
        }
        intakeLatencies.push(performance.now() - t);
        statuses[status] = (statuses[status] ?? 0) + 1;
        intakeTick(++posted);
      });
    });
    // The same number of contracts in batches (POST /v1/contracts with an array): rows start 16 at a time
    // in the API, so as many batches in flight as make the same 32 starts in flight as above.
    const batchSize = 100;
    const batchesInFlight = Math.max(1, Math.round(flags.intakeConcurrency / 16));
    const batches = Math.ceil(flags.intake / batchSize);
    let batchAccepted = 0;
    const batchTick = progress('intake in batches', batches);
    let batchesDone = 0;
    const batched = await measured(server, [api], () =>
      pool(batches, batchesInFlight, async (b) => {
        const rows = Array.from({ length: Math.min(batchSize, flags.intake - b * batchSize) }, () => intakeFactory.next());
        const res = await fetch(`${api.url}/v1/contracts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_API_TOKEN}` }, body: JSON.stringify(rows) });
        if (res.ok) batchAccepted += ((await res.json()) as { accepted: number }).accepted;
        else await res.arrayBuffer();
        batchTick(++batchesDone);
      }),
    );
    const batchRate = round1(batchAccepted / (batched.wallMs / 1000));
    log(`  intake in batches of ${batchSize} (${batchesInFlight} in flight): ${batchRate} contracts/s accepted (${batchAccepted}/${flags.intake})`);
    const apiStopped = await stopChild(api);
    const accepted = statuses['200'] ?? 0;
    const intakeRate = round1(accepted / (intake.wallMs / 1000));
    log(`  intake: ${intakeRate} contracts/s accepted (${accepted}/${flags.intake}), latency p50 ${percentiles(intakeLatencies).p50} ms, p99 ${percentiles(intakeLatencies).p99} ms`);
    // The same starts straight through the client (no HTTP, no API process): what the server itself takes.
    const directClient = new HuifangClient(client, `bench-direct-${tag}`);
    const directLatencies: number[] = [];
    const directTick = progress('direct starts', flags.intake);
    let directDone = 0;
    const direct = await measured(server, [], () =>
      pool(flags.intake, flags.intakeConcurrency, async () => {
        const t = performance.now();
        await directClient.startCallback(intakeFactory.next());
        directLatencies.push(performance.now() - t);
        directTick(++directDone);
      }),
    );
    const directRate = round1(flags.intake / (direct.wallMs / 1000));
    log(`  the same starts straight through the client, no HTTP: ${directRate} starts/s (intake reaches ${Math.round((intakeRate / directRate) * 100)}% of it, in batches ${Math.round((batchRate / directRate) * 100)}%)`);

    // --- 5. Scale: many open, sleeping policies ---------------------------------------------------
    let scale: ScaleResult | undefined;
    if (flags.skipScale) log('5/6 scale: skipped (--skip-scale)');
    else scale = await runScale(flags, server, client, base, startChild, stopChild, tag);

    // --- 6. The system of record at scale ---------------------------------------------------------
    let evidenceScale: EvidenceScaleResult | undefined;
    if (flags.skipEvidenceScale) log('6/6 the system of record at scale: skipped (--skip-evidence-scale)');
    else {
      log(`6/6 the system of record at scale: ${flags.evidenceRows.toLocaleString('en')} evidence rows seeded in SQL, then a branch-month report, stories, size…`);
      evidenceScale = await runEvidenceScale(flags.evidenceRows);
    }

    // --- Results --------------------------------------------------------------------------------
    const ratio = bare.policiesPerSecond > 0 ? Number((happy.policiesPerSecond / bare.policiesPerSecond).toFixed(2)) : NaN;
    const ratioToLimit = irreducibleRun.policiesPerSecond > 0 ? Number((happy.policiesPerSecond / irreducibleRun.policiesPerSecond).toFixed(2)) : NaN;
    const startRatio = scale && scale.checkpoints.length > 1 ? startLatencyRatio(scale) : undefined;
    const targets = [
      { id: 'lifecycle-vs-bare', what: 'callback lifecycle rate vs bare workflow rate', target: '≥ 0.9×', value: `${ratio}×`, pass: Number.isNaN(ratio) ? null : ratio >= 0.9 },
      {
        id: 'lifecycle-vs-irreducible',
        what: 'callback lifecycle rate vs the irreducible callback (the physical limit)',
        target: '≥ 0.8×',
        value: `${ratioToLimit}× (${happy.policiesPerSecond} vs ${irreducibleRun.policiesPerSecond}/s)`,
        pass: Number.isNaN(ratioToLimit) ? null : ratioToLimit >= 0.8,
      },
      { id: 'lifecycle-rate', what: 'policies/s end to end (happy path)', target: '≥ 50/s', value: `${happy.policiesPerSecond}/s`, pass: happy.policiesPerSecond >= 50 },
      {
        id: 'happy-history-real-sleep',
        what: 'history events per policy (happy path with a real sleep to its slot)',
        target: '≤ 35',
        value: `${withSleep.callback.events} (the irreducible callback: ${withSleep.irreducible.events})`,
        pass: withSleep.callback.events <= 35,
      },
      {
        id: 'happy-history',
        what: 'history events per policy (happy path)',
        target: '≤ 40',
        value: `${happyCounts.events} (sampled ${Math.min(...sampleEvents)}-${Math.max(...sampleEvents)})`,
        pass: Math.max(happyCounts.events, ...sampleEvents) <= 40,
      },
      {
        id: 'intake-vs-direct-starts',
        what: "intake API rate vs the client's own start rate (single contracts; in batches of 100)",
        target: '≥ 0.9×',
        value: `${ratioOf(intakeRate, directRate)}×; in batches ${ratioOf(batchRate, directRate)}×`,
        pass: Math.max(intakeRate, batchRate) / directRate >= 0.9,
      },
      { id: 'intake-rate', what: 'contracts/s accepted by the intake API', target: '≥ 500/s', value: `${intakeRate}/s`, pass: intakeRate >= 500 },
      startRatio
        ? {
            id: 'start-latency-at-scale',
            what: `p99 start latency (start → AWAITING_CALL) at ${startRatio.at.toLocaleString('en')} open vs 1,000 open${startRatio.at < 100_000 ? ' (target is at 100,000: run --scale 100000)' : ''}`,
            target: '≤ 2×',
            value: `${startRatio.ratio}× (${startRatio.p99At1k} → ${startRatio.p99AtMax} ms)`,
            pass: startRatio.ratio <= 2,
          }
        : { id: 'start-latency-at-scale', what: 'p99 start latency at 100k open vs 1k open', target: '≤ 2×', value: 'not measured', pass: null },
      {
        id: 'evidence-writes-cpu',
        what: "worker CPU per policy with the evidence written to PostgreSQL vs with the writes taken out (lifecycle run)",
        target: '≤ 1.10×',
        value: `${evidenceWrites.ratio}× (${evidenceWrites.workerCpuMsPerPolicy.postgres} vs ${evidenceWrites.workerCpuMsPerPolicy.none} ms)`,
        pass: Number.isNaN(evidenceWrites.ratio) ? null : evidenceWrites.ratio <= 1.1,
      },
      ...(evidenceScale?.targets ?? [
        { id: 'compliance-branch-month', what: 'branch-month compliance report at 10M evidence rows', target: '≤ 1000 ms', value: 'not measured', pass: null },
        { id: 'policy-story', what: "one policy's story at 10M evidence rows", target: '≤ 50 ms', value: 'not measured', pass: null },
      ]),
    ];

    const results = {
      benchmark: 'huifang',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine,
      temporal: {
        server:
          flags.server === 'cluster'
            ? `Temporal server ${systemInfo.serverVersion} on PostgreSQL (scripts/temporal-cluster.ts)`
            : `dev server (Temporal CLI, server ${systemInfo.serverVersion}), SQLite WAL synchronous=normal, headless`,
      },
      flags: { ...flags, out: flags.out },
      N: flags.policies,
      workerTuning: TUNING,
      workerCachedWorkflowsNote: 'maxCachedWorkflows fixed; the scale run evicts beyond it',
      happyPath: {
        recordedHistory: happyCounts,
        sampledEvents: { policies: sampleIds.length, min: Math.min(...sampleEvents), max: Math.max(...sampleEvents) },
        bareShape: shape,
        withRealSleep: withSleep,
      },
      irreducible: {
        ...irreducibleRun,
        shape: irreducible,
        history: irreducibleHistory,
        cpu: irreducibleCpuTotal,
        cpuMsPerPolicy: Object.fromEntries(Object.entries(irreducibleCpuTotal).map(([k, v]) => [k, round1(v.cpuMs / Math.max(1, irreducibleRun.completed))])),
        note: 'the bare workflow in the irreducible shape (bench/bare-shape.ts irreducibleShape): the physical limit of this machine and server',
      },
      bare: { ...bare, history: bareHistory, sameCountsAsHappyPath: sameShape, cpu: bareCpuTotal, workerMemory: memoryOf(bareStopped) },
      lifecycle: {
        ...happy,
        ratioToBare: ratio,
        ratioToIrreducible: ratioToLimit,
        cpu: happyCpuTotal,
        cpuMsPerPolicy: Object.fromEntries(Object.entries(happyCpuTotal).map(([k, v]) => [k, round1(v.cpuMs / happy.completed)])),
        bareCpuMsPerPolicy: Object.fromEntries(Object.entries(bareCpuTotal).map(([k, v]) => [k, round1(v.cpuMs / bare.completed)])),
        workerThreadsCpuMsPerPolicy: threadsPerPolicy(happyThreads, happy.completed),
        bareWorkerThreadsCpuMsPerPolicy: threadsPerPolicy(bareThreads, bare.completed),
        threadsNote: 'busiestOtherNodeThread is the workflow thread (workflow code in its V8 sandbox); mainThread runs activities, the call center and its client; sdkCoreRustThreads is the Temporal SDK core',
        workerMemory: memoryOf(happyStopped),
        callCenter: happyStopped.callCenter,
      },
      evidenceWrites: {
        ...evidenceWrites,
        withoutWrites: { policiesPerSecond: noEvidence.policiesPerSecond, endToEndMs: noEvidence.endToEndMs, completed: noEvidence.completed, failed: noEvidence.failed, cpu: noEvidenceCpuTotal },
        note: "the same lifecycle on a second worker whose EvidenceStore.putCallback/putTicket are no-ops (bench/no-evidence-store.ts): the activities still run and receive the state; rounds alternate with the real one",
      },
      level1TicketPath: { stage: level1.stage, callback: level1Callback, ticket: level1Ticket, totalEvents: level1Callback.events + level1Ticket.events },
      intake: {
        contracts: flags.intake,
        concurrency: flags.intakeConcurrency,
        accepted,
        statuses,
        wallMs: intake.wallMs,
        contractsPerSecond: intakeRate,
        latencyMs: percentiles(intakeLatencies),
        cpu: intake.cpu,
        apiMemory: memoryOf(apiStopped),
        batches: { size: batchSize, inFlight: batchesInFlight, accepted: batchAccepted, wallMs: batched.wallMs, contractsPerSecond: batchRate, cpu: batched.cpu, ratioToDirectStarts: Number((batchRate / directRate).toFixed(2)) },
        ratioToDirectStarts: Number((intakeRate / directRate).toFixed(2)),
        directClientStarts: { startsPerSecond: directRate, latencyMs: percentiles(directLatencies), cpu: direct.cpu, note: 'the same contracts started with HuifangClient.startCallback from the bench process: the server-side ceiling for intake' },
      },
      scale: scale ?? null,
      evidenceScale: evidenceScale ?? null,
      targets,
    };

    if (evidenceScale) printEvidenceScale(evidenceScale);
    printSummary(results.lifecycle, results.bare, results.irreducible, happyCounts, level1Callback, level1Ticket, results.intake, scale, targets, evidenceWrites);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const json = JSON.stringify(results, null, 2) + '\n';
    mkdirSync(resolve(flags.out, '..'), { recursive: true });
    writeFileSync(flags.out, json);
    const stamped = join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(stamped, json);
    log(`results: ${flags.out} and ${stamped}`);
    if (profileDir) {
      for (const f of readdirSync(profileDir).filter((n) => n.endsWith('.cpuprofile')).sort()) {
        const [, pid, thread] = /\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(f) ?? [];
        const text = summarizeProfile(join(profileDir, f), 30);
        const kind = thread === '0' ? 'main thread' : text.includes('workflow bundle (vm)') ? 'workflow thread' : `thread ${thread} (loader)`;
        const summary = `${roleOfPid.get(Number(pid)) ?? `pid ${pid}`}, ${kind}\n${text}`;
        writeFileSync(join(profileDir, f.replace(/\.cpuprofile$/, '.txt')), summary + '\n');
        console.log('\n' + summary.split('\n\n').slice(0, 2).join('\n'));
      }
      log(`CPU profiles and their summaries: ${profileDir}`);
    }
  } finally {
    for (const c of [...children]) await c.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await database?.release().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

const ratioOf = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(2)) : NaN);

type CpuByProcess = Record<string, { cpuMs: number; cores: number }>;
type ThreadCpu = ReturnType<typeof threadCpuDelta>;

/** What the evidence writes add to the worker's CPU per policy: the lifecycle with them over the lifecycle without. */
function evidenceWritesCost(withWrites: CpuByProcess, withCompleted: number, without: CpuByProcess, withoutCompleted: number) {
  const perPolicy = (cpu: CpuByProcess, n: number) => round1((cpu['worker-huifang']?.cpuMs ?? NaN) / Math.max(1, n));
  const postgres = perPolicy(withWrites, withCompleted);
  const none = perPolicy(without, withoutCompleted);
  return { workerCpuMsPerPolicy: { postgres, none }, ratio: Number((postgres / none).toFixed(3)) };
}

/** Worker CPU per policy by thread, added up over rounds. */
function threadsPerPolicy(parts: ThreadCpu[], policies: number): Record<keyof ThreadCpu, number> {
  const keys = ['mainThread', 'busiestOtherNodeThread', 'restOfNodeThreads', 'sdkCoreRustThreads'] as const;
  return Object.fromEntries(keys.map((k) => [k, round1(parts.reduce((a, p) => a + (p?.[k] ?? 0), 0) / Math.max(1, policies))])) as Record<keyof ThreadCpu, number>;
}

/** CPU of several measured runs added up, with the average cores over their total wall time. */
function sumCpu(parts: CpuByProcess[], wallMs: number): CpuByProcess {
  const total: CpuByProcess = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) total[k] = { cpuMs: (total[k]?.cpuMs ?? 0) + v.cpuMs, cores: 0 };
  }
  for (const v of Object.values(total)) v.cores = round1(v.cpuMs / wallMs);
  return total;
}

// --- Scale -------------------------------------------------------------------------------------

interface Checkpoint {
  open: number;
  startCallMs: Percentiles;
  toAwaitingCallMs: Percentiles;
  fill: {
    started: number;
    wallMs: number;
    startsPerSecond: number;
    startCallMs: Percentiles;
    settleMs: number;
    /** CPU per policy filled, start to asleep in AWAITING_CALL (fill and settle together). */
    cpuMsPerPolicy: Record<string, number>;
    workerThreadsCpuMsPerPolicy: Record<string, number>;
  };
  workerMemory: { rssMB: number; peakRssMB: number; heapUsedMB: number };
  serverRssMB: number;
  dbMB: number;
}

interface ScaleResult {
  target: number;
  probesPerCheckpoint: number;
  fillConcurrency: number;
  checkpoints: Checkpoint[];
  failures: number;
}

function startLatencyRatio(scale: ScaleResult) {
  const first = scale.checkpoints[0];
  const last = scale.checkpoints[scale.checkpoints.length - 1];
  return {
    at: last.open,
    p99At1k: first.toAwaitingCallMs.p99,
    p99AtMax: last.toAwaitingCallMs.p99,
    ratio: Number((last.toAwaitingCallMs.p99 / first.toAwaitingCallMs.p99).toFixed(2)),
  };
}

async function runScale(
  flags: Flags,
  server: BenchServer,
  client: Client,
  base: (role: ChildConfig['role'], taskQueue: string, over?: Partial<ChildConfig>) => ChildConfig,
  startChild: (c: ChildConfig) => Promise<BenchChild>,
  stopChild: (c: BenchChild) => Promise<ChildSample>,
  tag: string,
): Promise<ScaleResult> {
  const checkpoints = [...new Set([1000, 10_000, 100_000].filter((c) => c <= flags.scale).concat(flags.scale))].sort((a, b) => a - b);
  log(`5/6 scale: open, sleeping policies (first slot days away), start latency at ${checkpoints.map((c) => c.toLocaleString('en')).join(' / ')} open…`);
  const queue = `bench-scale-${tag}`;
  const worker = await startChild(base('worker-huifang', queue, { planMode: 'far', callCenter: 'staff' }));
  const huifang = new HuifangClient(client, queue);
  const factory = new ContractFactory(`${tag}S`);
  const fillConcurrency = 50;
  const probes = Math.max(1, flags.probes);
  const result: ScaleResult = { target: flags.scale, probesPerCheckpoint: probes, fillConcurrency, checkpoints: [], failures: 0 };
  let open = 0;

  for (const cp of checkpoints) {
    // Fill up to the checkpoint (less the probes, which are policies too), as fast as it goes.
    const fillCount = Math.max(0, cp - open - probes);
    const fillLatencies: number[] = [];
    const tick = progress(`fill to ${cp.toLocaleString('en')}`, fillCount, 5000);
    let filled = 0;
    const filling = await measured(server, [worker], async () => {
      const fillStart = performance.now();
      await pool(fillCount, fillConcurrency, async () => {
        const t = performance.now();
        try {
          await huifang.startCallback(factory.next());
          fillLatencies.push(performance.now() - t);
        } catch {
          result.failures++;
        }
        tick(++filled);
      });
      const fillWall = performance.now() - fillStart;
      open += fillCount;

      // Let every started policy reach its sleep, so the probes measure a quiet system with `open` policies.
      const settleStart = performance.now();
      const settleDeadline = Date.now() + Math.max(120_000, fillCount * 100); // at least 10 policies/s
      for (let lastLog = 0; ; ) {
        const { count } = await client.workflow.count(`TaskQueue = '${queue}' AND CallbackStage = 'AWAITING_CALL'`);
        if (count >= open) break;
        if (Date.now() > settleDeadline) {
          log(`  WARNING: only ${count}/${open} policies reached AWAITING_CALL; probing anyway`);
          break;
        }
        if (Date.now() - lastLog > 5000) {
          log(`  settling: ${count}/${open} policies asleep in AWAITING_CALL`);
          lastLog = Date.now();
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const settleMs = Math.round(performance.now() - settleStart);
      return { fillWall, settleMs };
    });
    const { fillWall, settleMs } = filling.value;
    const perFilled = (ms: number) => round1(ms / Math.max(1, fillCount));

    // Probes: start → StartWorkflowExecution answered → first workflow task done (AWAITING_CALL, asleep).
    const startCall: number[] = [];
    const toAwaiting: number[] = [];
    await pool(probes, 10, async () => {
      const contract = factory.next();
      const t = performance.now();
      try {
        await huifang.startCallback(contract);
        startCall.push(performance.now() - t);
        await waitForEvent(client, `callback-${contract.policyNo}`, isFirstSleep);
        toAwaiting.push(performance.now() - t);
      } catch {
        result.failures++;
      }
    });
    open += probes;

    const sample = await worker.sample();
    let dbBytes = 0;
    for (const f of [server.dbFile, `${server.dbFile}-wal`]) dbBytes += statSafe(f);
    const checkpoint: Checkpoint = {
      open,
      startCallMs: percentiles(startCall),
      toAwaitingCallMs: percentiles(toAwaiting),
      fill: {
        started: fillCount,
        wallMs: Math.round(fillWall),
        startsPerSecond: round1(fillCount / Math.max(0.001, fillWall / 1000)),
        startCallMs: percentiles(fillLatencies),
        settleMs,
        cpuMsPerPolicy: Object.fromEntries(Object.entries(filling.cpu).map(([k, v]) => [k, perFilled(v.cpuMs)])),
        workerThreadsCpuMsPerPolicy: Object.fromEntries(Object.entries(filling.threads['worker-huifang'] ?? {}).map(([k, v]) => [k, perFilled(v)])),
      },
      workerMemory: memoryOf(sample),
      serverRssMB: mb(processRss(server.process.pid!)),
      dbMB: mb(dbBytes),
    };
    result.checkpoints.push(checkpoint);
    log(
      `  ${open.toLocaleString('en')} open: start call p50 ${checkpoint.startCallMs.p50} / p99 ${checkpoint.startCallMs.p99} ms; ` +
        `start → AWAITING_CALL p50 ${checkpoint.toAwaitingCallMs.p50} / p99 ${checkpoint.toAwaitingCallMs.p99} ms; ` +
        `worker RSS ${checkpoint.workerMemory.rssMB} MB (peak ${checkpoint.workerMemory.peakRssMB}); server RSS ${checkpoint.serverRssMB} MB; db ${checkpoint.dbMB} MB`,
    );
  }
  await stopChild(worker);
  return result;
}

function statSafe(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// --- Printing ----------------------------------------------------------------------------------

function printSummary(
  lifecycle: {
    policiesPerSecond: number;
    endToEndMs: Percentiles;
    startCallMs: Percentiles;
    ratioToBare: number;
    ratioToIrreducible: number;
    workerMemory: ReturnType<typeof memoryOf>;
    cpuMsPerPolicy: Record<string, number>;
    bareCpuMsPerPolicy: Record<string, number>;
    workerThreadsCpuMsPerPolicy: Record<string, number>;
    bareWorkerThreadsCpuMsPerPolicy: Record<string, number>;
  },
  bare: { policiesPerSecond: number; endToEndMs: Percentiles; workerMemory: ReturnType<typeof memoryOf> },
  irreducible: { policiesPerSecond: number; endToEndMs: Percentiles; history: HistoryCounts; cpuMsPerPolicy: Record<string, number> },
  happy: HistoryCounts,
  l1Callback: HistoryCounts,
  l1Ticket: HistoryCounts,
  intake: { contractsPerSecond: number; latencyMs: Percentiles; apiMemory: ReturnType<typeof memoryOf> },
  scale: ScaleResult | undefined,
  targets: { what: string; target: string; value: string; pass: boolean | null }[],
  evidenceWrites: ReturnType<typeof evidenceWritesCost>,
): void {
  const line = (k: string, v: string) => console.log(`  ${k.padEnd(34)} ${v}`);
  console.log('\n=== huifang benchmark ===');
  line('irreducible callback (the limit)', `${irreducible.policiesPerSecond} policies/s; e2e p50/p95/p99 ${irreducible.endToEndMs.p50}/${irreducible.endToEndMs.p95}/${irreducible.endToEndMs.p99} ms; ${irreducible.history.events} events`);
  line('bare workflow', `${bare.policiesPerSecond} policies/s; e2e p50/p95/p99 ${bare.endToEndMs.p50}/${bare.endToEndMs.p95}/${bare.endToEndMs.p99} ms`);
  line('callback lifecycle (happy path)', `${lifecycle.policiesPerSecond} policies/s; e2e p50/p95/p99 ${lifecycle.endToEndMs.p50}/${lifecycle.endToEndMs.p95}/${lifecycle.endToEndMs.p99} ms`);
  line('ratio lifecycle / bare', `${lifecycle.ratioToBare}×`);
  line('ratio lifecycle / irreducible', `${lifecycle.ratioToIrreducible}×`);
  line('CPU ms per policy (lifecycle)', JSON.stringify(lifecycle.cpuMsPerPolicy));
  line('CPU ms per policy (bare)', JSON.stringify(lifecycle.bareCpuMsPerPolicy));
  line('CPU ms per policy (irreducible)', JSON.stringify(irreducible.cpuMsPerPolicy));
  line('worker CPU ms/policy by thread', `callback ${JSON.stringify(lifecycle.workerThreadsCpuMsPerPolicy)}`);
  line('', `bare     ${JSON.stringify(lifecycle.bareWorkerThreadsCpuMsPerPolicy)}`);
  line('evidence writes, worker CPU/policy', `${evidenceWrites.workerCpuMsPerPolicy.postgres} ms with PostgreSQL vs ${evidenceWrites.workerCpuMsPerPolicy.none} ms without: ×${evidenceWrites.ratio}`);
  line('history events, happy path', describeCounts(happy));
  line('history events, level-1 ticket path', `${l1Callback.events + l1Ticket.events} (callback ${l1Callback.events} + ticket ${l1Ticket.events})`);
  line('intake API', `${intake.contractsPerSecond} contracts/s; p50/p99 ${intake.latencyMs.p50}/${intake.latencyMs.p99} ms; API RSS peak ${intake.apiMemory.peakRssMB} MB`);
  line('worker RSS (lifecycle)', `${lifecycle.workerMemory.rssMB} MB at end, peak ${lifecycle.workerMemory.peakRssMB} MB (bare worker peak ${bare.workerMemory.peakRssMB} MB)`);
  for (const cp of scale?.checkpoints ?? []) {
    line(
      `scale: ${cp.open.toLocaleString('en')} open`,
      `start call p50/p99 ${cp.startCallMs.p50}/${cp.startCallMs.p99} ms; → AWAITING_CALL p50/p99 ${cp.toAwaitingCallMs.p50}/${cp.toAwaitingCallMs.p99} ms; worker RSS ${cp.workerMemory.rssMB} MB`,
    );
  }
  console.log('\n  targets:');
  for (const t of targets) {
    const mark = t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS';
    console.log(`  [${mark}] ${t.what}: ${t.value} (target ${t.target})`);
  }
  console.log('');
}

main().catch((err) => {
  console.error(`[bench] failed: ${(err as Error)?.stack ?? err}`);
  process.exit(1);
});
