/**
 * Builds a huifang worker: the callback workflows and their activities on one task queue, with the
 * encrypting data converter. Used by `npm start`, `npm run worker`, the benchmark and the tests, so
 * all of them run the same worker.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities, type ActivityDeps } from '../activities';
import { huifangDataConverter } from '../client/payload-keys';
import type { PayloadKeyring } from '../client/encryption-codec';

export interface HuifangWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  keyring: PayloadKeyring;
  deps: ActivityDeps;
  /** Activities to run instead of the real ones (tests: a failing store, a fixed answer). */
  activityOverrides?: Partial<Activities>;
  /** A pre-built bundle (benchmarks, tests); else the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createHuifangWorker(opts: HuifangWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: { ...createActivities(opts.deps), ...opts.activityOverrides },
    dataConverter: huifangDataConverter(opts.keyring, { requireEncrypted: true }),
    ...opts.tuning,
  });
}
