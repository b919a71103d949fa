/**
 * Real Temporal servers for tests, from the project's own toolchain (never the SDK's download):
 * the Java time-skipping test server for day-scale timers, the CLI dev server where visibility
 * (search attributes, lists) or Updates with real time are needed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadSettings, type Settings } from '../../config/settings';
import { LocalFolderRecordingStore } from '../../activities/recording-store';
import type { CallCenter } from '../../activities/call-center';
import { LogNotifier, type Mailer } from '../../activities/notifier';
import { LocalFolderDocumentStore } from '../../activities/documents';
import { LocalFolderProjectionStore } from '../../activities/projection';
import { TemporalFallbackQuota } from '../../client/fallback-quota-gateway';
import { generateKeyring, huifangDataConverter } from '../../client/payload-keys';
import type { PayloadKeyring } from '../../client/encryption-codec';
import { HuifangClient } from '../../client/huifang-client';
import { createHuifangWorker, WORKFLOWS_PATH } from '../../workers/create-worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { toolchainPaths } from '../../scripts/toolchain-paths';
import { ensureSearchAttributes } from '../../client/register-search-attributes';

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
  return env;
}

export async function startDevServer(keyring: PayloadKeyring): Promise<TestWorkflowEnvironment> {
  quietRuntime();
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
  /** The projection the workflows write (compliance figures, daily lists read it). */
  projection: LocalFolderProjectionStore;
  /** Where documents (registers, orders, letters) are written. */
  documents: LocalFolderDocumentStore;
  taskQueue: string;
  /** Every notification the workflows sent (the log transport keeps them). */
  notifier: LogNotifier;
  /** Runs `fn` with a worker polling, then shuts the worker down. `bundle`: other workflow code (an earlier version). */
  withWorker<T>(fn: (worker: Worker) => Promise<T>, callCenter?: CallCenter, bundle?: WorkflowBundleWithSourceMap): Promise<T>;
}

let queueSeq = 0;

export async function createHarness(
  env: TestWorkflowEnvironment,
  keyring: PayloadKeyring,
  options: {
    settings?: Settings;
    callCenter?: CallCenter;
    /** Mail with attachments (the exemption list): an SmtpNotifier to the local SMTP server, say. */
    mailer?: Mailer;
    /**
     * Keep workflows cached in the worker (as in production). Only for files whose workflows never
     * outlive one `withWorker` with work pending: the Java test server never times out a stopped
     * worker's sticky queue. Needed where Update handlers run local activities: with an uncached
     * worker we saw the local activity report to an evicted run ("Tried to complete untracked local
     * activity") and the workflow task time out, 10 s each time.
     */
    workflowCache?: boolean;
  } = {},
): Promise<TestHarness> {
  const settings = options.settings ?? loadSettings();
  const recordingsDir = mkdtempSync(join(tmpdir(), 'huifang-recordings-'));
  const outputDir = mkdtempSync(join(tmpdir(), 'huifang-output-'));
  const taskQueue = `test-${process.pid}-${++queueSeq}`;
  const huifang = new HuifangClient(env.client, taskQueue);
  const defaultCallCenter: CallCenter = options.callCenter ?? { placeCall: async () => undefined };
  const notifier = new LogNotifier(true);
  const projection = new LocalFolderProjectionStore(mkdtempSync(join(tmpdir(), 'huifang-projection-')));
  const documents = new LocalFolderDocumentStore(outputDir);
  return {
    env,
    huifang,
    settings,
    keyring,
    recordingsDir,
    projection,
    documents,
    taskQueue,
    notifier,
    async withWorker(fn, callCenter = defaultCallCenter, bundle) {
      const worker = await createHuifangWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        keyring,
        workflowBundle: bundle ?? (await workflowBundle()),
        deps: { settings, callCenter, notifier, recordings: new LocalFolderRecordingStore(recordingsDir), documents, projection, fallbackQuota: new TemporalFallbackQuota(env.client, taskQueue), mailer: options.mailer },
        // No workflow cache: every task replays the history from the start (non-determinism shows up in
        // every test), and no sticky queue ties a workflow to a stopped worker (the Java test server
        // never times those out, so a restarted worker would not get the workflow back).
        tuning: options.workflowCache ? {} : { maxCachedWorkflows: 0 },
      });
      return worker.runUntil(fn(worker));
    },
  };
}

export { generateKeyring };
