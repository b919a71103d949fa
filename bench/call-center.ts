/**
 * The benchmark's call center, local to the bench: like call-center/simulated-dialer.ts with no delay
 * (the outcome is reported on the next turn of the event loop after `placeCall` returns), it reports
 * the outcome through the huifang client (the real `recordCallOutcome` Update), stores the
 * recording and uploads it (the real `recordingUploaded` Update and `verifyRecording` activity).
 *
 *   phone …06, first attempt: "the signature is not mine" (a level-1 ticket), later attempts clean
 *   anything else: a clean call, every question answered 'yes'
 */
import { Semaphore } from 'async-mutex';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isEarlyOutcome, type CallCenter, type CallTask } from '../call-center/call-center';
import type { LocalFolderRecordingStore } from '../stores/recording-store';
import type { OutcomeTarget } from '../call-center/simulated-dialer';
import { RequestRejectedError } from '../domain/errors';
import type { CallOutcomeReport } from '../domain/call-outcome';
import { LEVEL1_PHONE_SUFFIX } from './contracts';

export interface CallCenterStats {
  placed: number;
  reported: number;
  uploaded: number;
  failures: number;
  /** Deliveries tried again after a transient error (no worker, server restarting). */
  retries: number;
  /** Outcomes reported before the workflow knew the attempt (see `delivered`), kept and sent again. */
  earlyOutcomes?: number;
  lastError?: string;
}

export const BENCH_OPERATOR = 'bench-dialer';

export function benchOutcome(task: CallTask, now = new Date()): CallOutcomeReport {
  const answers: Record<string, 'yes' | 'no'> = Object.fromEntries(task.questionIds.map((id) => [id, 'yes' as const]));
  if (task.phone.endsWith(LEVEL1_PHONE_SUFFIX) && task.attemptNo === 1) answers['signed-in-person'] = 'no';
  return {
    attemptId: task.attemptId,
    outcome: 'completed',
    operator: BENCH_OPERATOR,
    calledAt: now.toISOString(),
    answers,
    recordingRef: `recordings/${task.attemptId}.wav`,
  };
}

export class BenchCallCenter implements CallCenter {
  readonly stats: CallCenterStats = { placed: 0, reported: 0, uploaded: 0, failures: 0, retries: 0 };
  /** How often each attempt was handed over (`placeCall`); it is dialled on the first only. */
  readonly placedByAttempt = new Map<string, number>();

  /** Calls in progress at once, as a call center's seats (unbounded when not given: the lifecycle runs bound them by policies in flight). */
  private readonly seats?: Semaphore;

  constructor(
    private readonly target: OutcomeTarget,
    private readonly recordings: LocalFolderRecordingStore,
    seats?: number,
  ) {
    if (seats) this.seats = new Semaphore(seats);
  }

  async placeCall(task: CallTask): Promise<void> {
    this.stats.placed++;
    const handedOver = (this.placedByAttempt.get(task.attemptId) ?? 0) + 1;
    this.placedByAttempt.set(task.attemptId, handedOver);
    // placeCall runs at least once: a workflow task lost with the server retries its local
    // activities. The attempt id is the idempotency key: an attempt is dialled once.
    if (handedOver > 1) return;
    setTimeout(() => void (this.seats ? this.seats.runExclusive(() => this.report(task)) : this.report(task)), 0);
  }

  private async report(task: CallTask): Promise<void> {
    try {
      const report = benchOutcome(task);
      const ack = await this.delivered(() => this.target.recordCallOutcome(task.policyNo, report));
      this.stats.reported++;
      if (ack.stage !== 'AWAITING_RECORDING') return;
      const audio = Buffer.from(`RIFF bench callback recording ${task.attemptId} ${report.calledAt}`);
      const path = this.recordings.pathOf(report.recordingRef!);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, audio);
      const checksum = `sha256:${createHash('sha256').update(audio).digest('hex')}`;
      // One delivery id for every sending: a repeat while the first is verified gets its answer.
      await this.delivered(() => this.target.uploadRecording(task.policyNo, { reference: report.recordingRef!, checksum, uploadedBy: BENCH_OPERATOR }, task.attemptId));
      this.stats.uploaded++;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = `${task.attemptId}: ${(err as Error).message}`;
    }
  }

  /**
   * As a dialler's outbox would: a transient failure (no worker, the server restarting, storage down
   * past the Update's own retries) is tried again; a rejection by the workflow is final, but one.
   * `placeCall` is a local activity: the task reaches the call center before the workflow task that
   * made the attempt is on the server. If that workflow task is lost (the server restarting), its
   * retry keeps the local activity's result and does not call again, and until it completes the
   * workflow does not know the attempt: an outcome reported meanwhile is rejected as unknown. The
   * dialler keeps it and tries again.
   */
  private async delivered<T>(send: () => Promise<T>, deadline = Date.now() + 10 * 60_000): Promise<T> {
    for (;;) {
      try {
        return await send();
      } catch (err) {
        const early = isEarlyOutcome(err);
        if (err instanceof RequestRejectedError && !early && !/could not be checked/.test(err.message)) throw err;
        if (Date.now() > deadline) throw err;
        if (early) this.stats.earlyOutcomes = (this.stats.earlyOutcomes ?? 0) + 1;
        this.stats.retries++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
