/**
 * `npm run drill`: huifang on the production-shaped Temporal (scripts/temporal-cluster.ts: the
 * Temporal server on PostgreSQL), with two worker processes (bench/drill-worker.ts):
 *   1. a batch of policies started; mid-flight, worker A is killed (SIGKILL, as a crashed host);
 *      worker B carries on: every policy completes, none lost, none called twice;
 *   2. a rolling deploy: a second batch begins on B (the old build); worker C starts with the next
 *      build (a workflow change behind patched()), B is stopped gracefully (SIGTERM: its tasks
 *      finish, then it leaves), a third batch starts on C; C completes everything;
 *   3. every history replays on the next build's code, the old build's runs and its own.
 * Figures: policies completed, lost, called twice, time to recover after the kill, drain of B.
 * Its cluster and database are its own (ports 7433 and 5435, or DRILL_FRONTEND_PORT and
 * DRILL_POSTGRES_PORT; data in data/drill, deleted at the end).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { CallTask } from '../call-center/call-center';
import { SimulatedDialer } from '../call-center/simulated-dialer';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { cpSync, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { HuifangClient } from '../client/huifang-client';
import { generateKeyring, writeKeyringFile } from '../client/payload-keys';
import { ensureSearchAttributes } from '../client/register-search-attributes';
import { embeddedServerUrl } from '../stores/database/database-url';
import { ensureDatabase, migrateToLatest, openDatabase, withDatabaseName } from '../stores/database/database';
import { startTemporalCluster } from '../scripts/temporal-cluster';
import { ContractFactory } from './contracts';
import { DRILL_TASK_QUEUE } from './drill-worker';

const FIRST_BATCH = Number(process.env.DRILL_POLICIES ?? 60);
const SECOND_BATCH = Math.round(FIRST_BATCH / 2);
const THIRD_BATCH = Math.round(FIRST_BATCH / 6);
const TIMEOUT_MS = 5 * 60_000;

async function main(): Promise<void> {
  // The replay's workers log every state change at INFO: the drill's own lines are what matters.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const t0 = Date.now();
  const say = (line: string) => console.log(`[drill ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${line}`);
  const dir = resolve(__dirname, '..', 'data', 'drill');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cluster = await startTemporalCluster({
    dir: join(dir, 'temporal'),
    frontendPort: Number(process.env.DRILL_FRONTEND_PORT ?? 7433),
    postgresPort: Number(process.env.DRILL_POSTGRES_PORT ?? 5435),
    persistent: false,
    say,
  });
  const workers = new Map<string, ChildProcess>();
  const closers: (() => Promise<void>)[] = [];
  try {
    const connection = await Connection.connect({ address: cluster.address });
    await ensureSearchAttributes(connection, cluster.namespace);
    // huifang's own system of record: another database on the same PostgreSQL.
    const databaseUrl = withDatabaseName(embeddedServerUrl(cluster.postgresPort), 'huifang_drill');
    await ensureDatabase(databaseUrl);
    const db = openDatabase(databaseUrl);
    await migrateToLatest(db);
    await db.destroy();
    const keyring = generateKeyring();
    const keysFile = join(dir, 'keys.json');
    writeKeyringFile(keysFile, keyring);
    const huifang = await HuifangClient.connect({ address: cluster.address, namespace: cluster.namespace, taskQueue: DRILL_TASK_QUEUE, external: true, connection: { address: cluster.address } }, keyring);

    // The call center, outside the workers as a real one is: the simulated dialer, reached over HTTP.
    const dialer = new SimulatedDialer(huifang, { delayMs: 500, recordings: new LocalFolderRecordingStore(join(dir, 'recordings')), operator: 'drill-call-center' });
    const calls = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // The dialer logs through an activity's logger: it is given one, as the worker would.
        new MockActivityEnvironment().run((task: CallTask) => dialer.placeCall(task), JSON.parse(body) as CallTask).then(
          () => res.writeHead(204).end(),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((r) => calls.listen(0, '127.0.0.1', r));
    const callCenterUrl = `http://127.0.0.1:${(calls.address() as AddressInfo).port}/calls`;
    closers.push(async () => {
      dialer.close();
      await new Promise((r) => calls.close(r));
    });

    /** A worker process; with `hold`, answered once it is built and connected, polling when told on stdin. */
    const startWorker = async (name: string, workflowsPath?: string, hold = false) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'drill-worker.ts')], {
        env: { ...process.env, ...(workflowsPath ? { DRILL_WORKFLOWS_PATH: workflowsPath } : {}), ...(hold ? { DRILL_HOLD: '1' } : {}), DRILL_CALL_CENTER_URL: callCenterUrl, DRILL_ADDRESS: cluster.address, DRILL_DATABASE_URL: databaseUrl, DRILL_KEYS_FILE: keysFile, DRILL_DIR: dir, DRILL_NAME: name },
        stdio: [hold ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      workers.set(name, child);
      let err = '';
      // Each worker's own log, kept after the drill (its cluster and data are deleted): where to look when a figure is off.
      const log = createWriteStream(join(tmpdir(), `huifang-drill-worker-${name}.log`));
      child.stderr!.on('data', (c: Buffer) => {
        err = (err + c.toString()).slice(-2000);
        log.write(c);
      });
      await new Promise<void>((ok, fail) => {
        child.stdout!.on('data', (c: Buffer) => c.toString().includes(hold ? 'bundled' : 'ready') && ok());
        child.once('exit', (code) => fail(new Error(`worker ${name} exited (${code}) before polling: ${err}`)));
      });
      say(`worker ${name} ${hold ? 'built, waiting to poll' : 'polling'} (pid ${child.pid})`);
      return child;
    };
    const ended = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

    await Promise.all([startWorker('A'), startWorker('B')]);
    const factory = new ContractFactory(`D${Date.now() % 100000}`);
    const first = Array.from({ length: FIRST_BATCH }, () => factory.next());
    await Promise.all(first.map((c) => huifang.startCallback(c)));
    say(`${first.length} policies started`);

    // Mid-flight: some calling, some waiting for the dialer's outcome or the recording check.
    await new Promise((r) => setTimeout(r, 1_500));
    const before = await countCompleted(huifang);
    const killedAt = Date.now();
    workers.get('A')!.kill('SIGKILL');
    await ended(workers.get('A')!);
    say(`worker A killed (SIGKILL) with ${before} of ${first.length} completed`);
    const recovered = await allCompleted(huifang, first.length, killedAt);
    say(`all ${first.length} completed on worker B ${((recovered - killedAt) / 1000).toFixed(1)} s after the kill`);

    // Rolling deploy: the next build (a workflow change behind patched()) starts, then the old one leaves gracefully.
    // A second batch begins on the old build (B alone), then the next build takes over mid-flight.
    const nextBuild = prepareNextBuild(dir);
    const c = await startWorker('C', nextBuild, true);
    const second = Array.from({ length: SECOND_BATCH }, () => factory.next());
    await Promise.all(second.map((contract) => huifang.startCallback(contract)));
    await new Promise((r) => setTimeout(r, 1_000));
    const doneAtSwitch = (await countCompleted(huifang)) - first.length;
    c.stdin!.write('poll\n');
    const drainStart = Date.now();
    workers.get('B')!.kill('SIGTERM');
    await ended(workers.get('B')!);
    say(`worker C (next build) polling; worker B (old build) drained and left in ${((Date.now() - drainStart) / 1000).toFixed(1)} s (SIGTERM), ${SECOND_BATCH - doneAtSwitch} of the ${SECOND_BATCH} policies it began still in flight`);
    const third = Array.from({ length: THIRD_BATCH }, () => factory.next());
    await Promise.all(third.map((c) => huifang.startCallback(c)));
    const total = first.length + second.length + third.length;
    await allCompleted(huifang, total, drainStart);
    say(`all ${total} completed; worker C (next build) alone`);

    // The evidence: each policy completed once, with one call; nothing lost.
    const policies = [...first, ...second, ...third].map((c) => c.policyNo);
    let calledTwice = 0;
    let lost = 0;
    let patchedRuns = 0;
    for (const p of policies) {
      const state = await huifang.getCallbackState(p).catch(() => undefined);
      if (state?.stageHistory.some((s) => s.note === NEXT_BUILD_NOTE)) patchedRuns++;
      if (!state || state.stage !== 'COMPLETED') lost++;
      else if (state.attempts.filter((a) => a.outcome === 'completed').length !== 1) calledTwice++;
    }
    // Every history replays on the next build's code: those begun by the old build, taken over mid-flight, and its own.
    const histories = huifang.temporal.workflow.list({ query: `TaskQueue = '${DRILL_TASK_QUEUE}'` }).intoHistories();
    const replay = await Worker.runReplayHistories({ workflowsPath: nextBuild, dataConverter: huifang.temporal.options.dataConverter }, histories);
    let replayed = 0;
    let replayFailures = 0;
    for await (const r of replay) {
      replayed++;
      if (r.error) replayFailures++;
    }
    say(`${patchedRuns} runs started on the next build took its patched path; the ${policies.length - patchedRuns} begun on the old build (${SECOND_BATCH} of them finished by the next) replay without it`);
    say(`figures: ${policies.length} policies, ${policies.length - lost} completed, ${lost} lost, ${calledTwice} called twice; ${replayed} histories replayed, ${replayFailures} failed`);
    if (lost || calledTwice || replayFailures) process.exitCode = 1;
    await connection.close();
  } finally {
    for (const child of workers.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const close of closers) await close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The patch the next build brings: a note at the start of every callback it runs from the start. */
const NEXT_BUILD_PATCH = 'drill-next-build';
const NEXT_BUILD_NOTE = 'started on the next build';

/**
 * The next build's workflow code: the current workflows and domain copied beside the drill's data,
 * with a change behind `patched()`, as a real change is deployed while callbacks are in flight.
 */
function prepareNextBuild(dir: string): string {
  const root = resolve(__dirname, '..');
  const next = join(dir, 'next-build');
  for (const folder of ['workflows', 'domain']) cpSync(join(root, folder), join(next, folder), { recursive: true });
  const file = join(next, 'workflows', 'callback.workflow.ts');
  const code = readFileSync(file, 'utf8');
  const anchor = '  registerECallbackHandlers(run);\n';
  if (!code.includes(anchor)) throw new Error(`the drill's patch point is gone from ${file}: update bench/drill.ts`);
  // Its own import: the file may not import patched() itself.
  const changed = code.replace(anchor, `${anchor}  if (nextBuildPatched('${NEXT_BUILD_PATCH}')) run.note('${NEXT_BUILD_NOTE}');\n`);
  writeFileSync(file, `import { patched as nextBuildPatched } from '@temporalio/workflow';\n${changed}`);
  return join(next, 'workflows');
}

async function countCompleted(huifang: HuifangClient): Promise<number> {
  const { count } = await huifang.temporal.workflow.count(`TaskQueue = '${DRILL_TASK_QUEUE}' AND WorkflowType = 'callbackWorkflow' AND ExecutionStatus = 'Completed'`);
  return count;
}

/** Waits until `n` callbacks of the drill completed; the instant it saw them all. */
async function allCompleted(huifang: HuifangClient, n: number, since: number): Promise<number> {
  for (;;) {
    if ((await countCompleted(huifang)) >= n) return Date.now();
    if (Date.now() - since > TIMEOUT_MS) throw new Error(`only ${await countCompleted(huifang)} of ${n} callbacks completed within ${TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
