/**
 * Worker-restart tests: a worker with an identity of its own on a harness's task queue, and who did
 * what in a history. The harness's shared worker (temporal-env.ts) and every worker in one process
 * otherwise carry the same identity (`<pid>@<host>`), so a history could not tell two of them apart.
 */
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Notifier } from '../../notifications/notifier';
import { LocalFolderRecordingStore } from '../../stores/recording-store';
import { TemporalFallbackQuota } from '../../client/fallback-quota-gateway';
import { huifangDataConverter } from '../../client/payload-keys';
import { workflowBundle, type TestHarness } from './temporal-env';

const { EventType } = temporal.api.enums.v1;

export interface NamedWorkerOptions {
  /**
   * Keep workflows cached (sticky). A worker that hands its runs over to another must not: on the
   * Java test server a stopped worker's sticky tasks never go back to the shared queue.
   */
  cached: boolean;
  /** Where this worker's notifications go (default: the harness's notifier). */
  notifier?: Notifier;
}

/**
 * Runs `fn` with a worker of identity `identity` polling `h`'s task queue, and stops the worker
 * (graceful shutdown) when `fn` ends; resolves once it has stopped. Built from the same pieces as the
 * harness's own workers (workers/create-worker.ts), with an identity. Nothing else may poll the
 * queue meanwhile: give the harness's shared worker nothing to do on it (or use a harness of its own).
 */
export async function withNamedWorker<T>(h: TestHarness, identity: string, opts: NamedWorkerOptions, fn: (worker: Worker) => Promise<T>): Promise<{ result: T; worker: Worker }> {
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace ?? 'default',
    taskQueue: h.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      settings: h.settings,
      callCenter: { placeCall: async () => undefined },
      notifier: opts.notifier ?? h.notifier,
      recordings: new LocalFolderRecordingStore(h.recordingsDir),
      documents: h.documents,
      evidence: h.evidence,
      fallbackQuota: new TemporalFallbackQuota(h.env.client, h.taskQueue),
    }),
    dataConverter: huifangDataConverter(h.keyring, { requireEncrypted: true }),
    identity,
    ...(opts.cached ? {} : { maxCachedWorkflows: 0 }),
  });
  const result = await worker.runUntil(fn(worker));
  return { result, worker };
}

export interface WorkerEvent {
  index: number;
  type: string;
  identity: string;
}

/** The events of a history that name the worker which handled them: workflow tasks and activity tasks. */
export function workerEvents(history: temporal.api.history.v1.IHistory): WorkerEvent[] {
  return (history.events ?? []).flatMap((e, index) => {
    const identity =
      e.workflowTaskStartedEventAttributes?.identity ??
      e.workflowTaskCompletedEventAttributes?.identity ??
      e.activityTaskStartedEventAttributes?.identity ??
      e.activityTaskCompletedEventAttributes?.identity;
    return identity == null ? [] : [{ index, type: EventType[e.eventType ?? 0], identity }];
  });
}
