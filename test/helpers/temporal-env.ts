/**
 * Real Temporal servers for tests, from the project's own toolchain (never the SDK's download):
 * the Java time-skipping test server for day-scale timers, the CLI dev server where visibility
 * (search attributes, lists) or Updates with real time are needed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { History } from '@temporalio/common/lib/proto-utils';
import { msToTs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Settings } from '../../config/settings';
import { SimulatedSmsGateway } from '../../notifications/sms-gateway';
import { LocalFolderRecordingStore } from '../../stores/recording-store';
import type { Activities } from '../../activities';
import type { CallCenter } from '../../call-center/call-center';
import { LogNotifier, type Mailer } from '../../notifications/notifier';
import { LocalFolderDocumentStore } from '../../stores/document-store';
import type { EvidenceStore } from '../../stores/evidence-store';
import { createTestDatabase, type TestDatabase } from './test-database';
import { TemporalFallbackQuota } from '../../client/fallback-quota-gateway';
import { generateKeyring, huifangDataConverter } from '../../client/payload-keys';
import type { PayloadKeyring } from '../../client/encryption-codec';
import { HuifangClient } from '../../client/huifang-client';
import { createHuifangWorker, WORKFLOWS_PATH } from '../../workers/create-worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { toolchainPaths } from '../../scripts/toolchain-paths';
import { ensureSearchAttributes } from '../../client/register-search-attributes';
import { advanceTo } from './clock';
import { historyToJSON } from './history-json';
import { testSettings } from './test-calendar';
import { requestedStartAt, useServerClock } from './test-clock';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function startTimeSkippingServer(keyring: PayloadKeyring): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await retryServerStart(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: toolchainPaths().testServer }, extraArgs: ['--enable-time-skipping'] },
      client: { dataConverter: huifangDataConverter(keyring) },
    }),
  );
  // The test server knows no custom search attributes until they are registered, like a real cluster.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  // The server starts unlocked and would skip ahead whenever it is idle: lock it, so time moves only
  // through env.sleep() and while awaiting a workflow result, and tests can stop just before an instant.
  await env.connection.testService!.lockTimeSkipping({});
  // HUIFANG_TEST_START_AT: run the file as if on another day or hour (see test-clock.ts).
  const startAt = requestedStartAt();
  if (startAt) await advanceTo(env, startAt);
  useServerClock(new Date(await env.currentTimeMs()));
  return env;
}

export async function startDevServer(keyring: PayloadKeyring): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  // The dev server runs on real time: its tests are dated from it.
  useServerClock(new Date());
  return retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: toolchainPaths().temporalCli },
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
      },
      client: { dataConverter: huifangDataConverter(keyring) },
    }),
  );
}

/**
 * The SDK gives a starting server a fixed 5 s to accept connections (sdk-core ephemeral_server). A JVM
 * starting on a busy 2-core machine can take longer; that says nothing about our code, so start again.
 */
async function retryServerStart<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String(err))) throw err;
      console.warn(`test server did not start in time (attempt ${attempt} of ${attempts}); starting it again`);
    }
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundle the workflows once per test file (the slow part of starting a worker). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

export interface TestHarness {
  env: TestWorkflowEnvironment;
  huifang: HuifangClient;
  settings: Settings;
  keyring: PayloadKeyring;
  recordingsDir: string;
  /** The system of record the workflows write (a database of this harness's own). */
  evidence: EvidenceStore;
  database: TestDatabase;
  /** Where documents (registers, orders, letters) are written. */
  documents: LocalFolderDocumentStore;
  taskQueue: string;
  /** Every notification the workflows sent (the log transport keeps them). */
  notifier: LogNotifier;
  /** Every text message the workflows sent (e-callback links): read the link there. */
  sms: SimulatedSmsGateway;
  /**
   * Runs `fn` with the harness's worker polling (started on first use, then kept: see `sharedWorker`
   * below), its calls handed to `callCenter`. `bundle`: other workflow code (an earlier version), run
   * on a worker of its own that stops with `fn`.
   */
  withWorker<T>(fn: (worker: Worker) => Promise<T>, callCenter?: CallCenter, bundle?: WorkflowBundleWithSourceMap): Promise<T>;
  /** Stops the worker (a test that needs nobody polling); the next `withWorker` starts a new one. */
  stopWorker(): Promise<void>;
}

/**
 * Every workflow a test ran on the harness's queue replays on the current code, from its history
 * alone, as a worker does after a restart or an eviction. A live run does not replay while it stays
 * cached, so a history the code cannot replay (a patch marker the replay does not reach, say) would
 * otherwise show only under load, when a sticky task times out, as a query or a workflow task failing
 * with a nondeterminism error. Throws naming the workflows that do not replay.
 */
export async function replayEveryHistory(h: Pick<TestHarness, 'env' | 'taskQueue' | 'keyring'>): Promise<number> {
  const failures: string[] = [];
  let replayed = 0;
  const replay = { workflowBundle: await workflowBundle(), dataConverter: huifangDataConverter(h.keyring) };
  const histories: { workflowId: string; history: History }[] = [];
  for await (const one of historiesOn(h.env, h.taskQueue)) histories.push(one);
  for await (const result of Worker.runReplayHistories(replay, histories)) {
    replayed++;
    if (!result.error) continue;
    // Kept for whoever investigates: replay it alone with Worker.runReplayHistory.
    const file = join(tmpdir(), `huifang-unreplayable-${result.workflowId}.json`);
    writeFileSync(file, historyToJSON(histories.find((x) => x.workflowId === result.workflowId)!.history));
    failures.push(`${result.workflowId} (history in ${file}): ${result.error.message}`);
  }
  if (failures.length) throw new Error(`${failures.length} of ${replayed} histories on ${h.taskQueue} do not replay on the current workflow code:\n${failures.join('\n')}`);
  console.log(`${replayed} histories on ${h.taskQueue} replay on the current workflow code`);
  return replayed;
}

/**
 * The histories of every run on `taskQueue`, open and closed. Through the older list calls, which
 * the Java time-skipping server implements (it has no ListWorkflowExecutions) as well as the dev server.
 */
async function* historiesOn(env: TestWorkflowEnvironment, taskQueue: string): AsyncIterable<{ workflowId: string; history: History }> {
  const service = env.client.workflowService;
  const namespace = env.namespace ?? 'default';
  const runs: { workflowId: string; runId: string }[] = [];
  const startTimeFilter = { earliestTime: msToTs(0), latestTime: msToTs(Date.now() + 100 * 365 * 86_400_000) };
  type Request = { nextPageToken?: Uint8Array };
  type Page = { executions?: temporal.api.workflow.v1.IWorkflowExecutionInfo[] | null; nextPageToken?: Uint8Array | null };
  const lists: ((r: Request) => Promise<Page>)[] = [
    (r) => service.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1000, startTimeFilter, ...r }),
    (r) => service.listClosedWorkflowExecutions({ namespace, maximumPageSize: 1000, startTimeFilter, ...r }),
  ];
  for (const list of lists) {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await list({ nextPageToken });
      for (const e of page.executions ?? []) runs.push({ workflowId: e.execution!.workflowId!, runId: e.execution!.runId! });
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
  // The time-skipping server's listing has no task queue: the history's first event names it.
  for (const run of runs) {
    const history = await env.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    if (history.events?.[0]?.workflowExecutionStartedEventAttributes?.taskQueue?.name !== taskQueue) continue;
    // A run no worker has completed a task of has made no decision to replay (the replayer would run
    // its first activation as new work, and schedule its local activities on a worker without any).
    if (!history.events?.some((e) => e.workflowTaskCompletedEventAttributes)) continue;
    yield { workflowId: run.workflowId, history };
  }
}

let queueSeq = 0;
const harnessesOf = new WeakMap<TestWorkflowEnvironment, TestHarness[]>();

/**
 * Stops every harness's worker on `env`, then the server: a worker must not outlive its connection.
 * First every history the file made replays on the current workflow code (see replayEveryHistory).
 */
export async function stopServer(env: TestWorkflowEnvironment | undefined): Promise<void> {
  if (!env) return;
  const harnesses = harnessesOf.get(env) ?? [];
  for (const h of harnesses) await h.stopWorker();
  try {
    for (const h of harnesses) await replayEveryHistory(h);
  } finally {
    await env.teardown();
  }
  for (const h of harnessesOf.get(env) ?? []) await h.database.drop();
}

export async function createHarness(
  env: TestWorkflowEnvironment,
  keyring: PayloadKeyring,
  options: {
    /** Default: `testSettings` around the server's clock (no call before the day after tomorrow). */
    settings?: Settings;
    callCenter?: CallCenter;
    /** Mail with attachments (the exemption list): an SmtpNotifier to the local SMTP server, say. */
    mailer?: Mailer;
    /** Activities to run instead of the real ones. */
    activities?: Partial<Activities>;
  } = {},
): Promise<TestHarness> {
  const settings = options.settings ?? testSettings(new Date(await env.currentTimeMs()));
  const recordingsDir = mkdtempSync(join(tmpdir(), 'huifang-recordings-'));
  const outputDir = mkdtempSync(join(tmpdir(), 'huifang-output-'));
  const taskQueue = `test-${process.pid}-${++queueSeq}`;
  const huifang = new HuifangClient(env.client, taskQueue);
  const defaultCallCenter: CallCenter = options.callCenter ?? { placeCall: async () => undefined };
  const notifier = new LogNotifier(true);
  const sms = new SimulatedSmsGateway();
  const database = await createTestDatabase(keyring);
  const evidence = database.store;
  const documents = new LocalFolderDocumentStore(outputDir);
  // The call center of the `withWorker` in progress (the shared worker outlives each one).
  let callCenter = defaultCallCenter;
  const switchingCallCenter: CallCenter = { placeCall: (task) => callCenter.placeCall(task) };

  const newWorker = async (bundle: WorkflowBundleWithSourceMap, center: CallCenter, tuning: { maxCachedWorkflows?: number }) =>
    createHuifangWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      keyring,
      workflowBundle: bundle,
      deps: { settings, callCenter: center, notifier, recordings: new LocalFolderRecordingStore(recordingsDir), documents, evidence, fallbackQuota: new TemporalFallbackQuota(env.client, taskQueue), mailer: options.mailer, sms },
      activityOverrides: options.activities,
      tuning,
    });

  /**
   * One worker, with a workflow cache, polling from the first `withWorker` until `stopWorker`.
   * - With a cache: a worker without one (maxCachedWorkflows 0) replays for every query, and a query
   *   arriving while a local activity runs evicts the run under it ("Tried to complete untracked local
   *   activity", an sdk-core error); the workflow task then times out, 10 s of nothing, and on the
   *   time-skipping server the skips waiting behind it failed.
   * - Kept running: a cached workflow is sticky to its worker's own queue, and the Java test server
   *   never moves a sticky task back to the shared queue when that worker stops (no sticky timeout,
   *   ShutdownWorker is a no-op there): a stopped worker would strand every workflow it had cached.
   */
  let shared: Promise<{ worker: Worker; run: Promise<void>; stopped: Promise<never> }> | undefined;
  const sharedWorker = () =>
    (shared ??= (async () => {
      const worker = await newWorker(await workflowBundle(), switchingCallCenter, {});
      const run = worker.run();
      const stopped = run.then(() => {
        throw new Error(`the worker on ${taskQueue} stopped while a test was using it`);
      });
      stopped.catch(() => undefined); // read by the withWorker in progress, if any
      return { worker, run, stopped };
    })());

  const harness: TestHarness = {
    env,
    huifang,
    settings,
    keyring,
    recordingsDir,
    evidence,
    database,
    documents,
    taskQueue,
    sms,
    notifier,
    async withWorker(fn, center = defaultCallCenter, bundle) {
      if (bundle) {
        if (shared) throw new Error('a worker on other workflow code would share the task queue with the running worker: stopWorker() first');
        // No cache: its runs are taken over by the next worker mid-flight (see above for why that needs it).
        const worker = await newWorker(bundle, center, { maxCachedWorkflows: 0 });
        return worker.runUntil(fn(worker));
      }
      const { worker, stopped } = await sharedWorker();
      callCenter = center;
      try {
        return await Promise.race([fn(worker), stopped]);
      } finally {
        callCenter = defaultCallCenter;
      }
    },
    async stopWorker() {
      const starting = shared;
      if (!starting) return;
      shared = undefined;
      const { worker, run } = await starting;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch((err) => console.warn(`worker on ${taskQueue} ended with: ${err}`));
    },
  };
  harnessesOf.set(env, [...(harnessesOf.get(env) ?? []), harness]);
  return harness;
}

export { generateKeyring };
