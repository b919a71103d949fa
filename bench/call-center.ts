/**
 * The benchmark's call center, local to the bench: like activities/simulated-dialer.ts with no delay
 * (the outcome is reported on the next turn of the event loop after `placeCall` returns), it reports
 * the outcome through the huifang client (the real `recordCallOutcome` Update), stores the
 * recording and uploads it (the real `recordingUploaded` Update and `verifyRecording` activity).
 *
 *   phone …06, first attempt: "the signature is not mine" (a level-1 ticket), later attempts clean
 *   anything else: a clean call, every question answered 'yes'
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CallCenter, CallTask } from '../activities/call-center';
import type { LocalFolderRecordingStore } from '../activities/recording-store';
import type { OutcomeTarget } from '../activities/simulated-dialer';
import type { CallOutcomeReport } from '../domain/call-outcome';
import { LEVEL1_PHONE_SUFFIX } from './contracts';

export interface CallCenterStats {
  placed: number;
  reported: number;
  uploaded: number;
  failures: number;
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
  readonly stats: CallCenterStats = { placed: 0, reported: 0, uploaded: 0, failures: 0 };

  constructor(
    private readonly target: OutcomeTarget,
    private readonly recordings: LocalFolderRecordingStore,
  ) {}

  async placeCall(task: CallTask): Promise<void> {
    this.stats.placed++;
    setTimeout(() => void this.report(task), 0);
  }

  private async report(task: CallTask): Promise<void> {
    try {
      const report = benchOutcome(task);
      const ack = await this.target.recordCallOutcome(task.policyNo, report);
      this.stats.reported++;
      if (ack.stage !== 'AWAITING_RECORDING') return;
      const audio = Buffer.from(`RIFF bench callback recording ${task.attemptId} ${report.calledAt}`);
      const path = this.recordings.pathOf(report.recordingRef!);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, audio);
      const checksum = `sha256:${createHash('sha256').update(audio).digest('hex')}`;
      await this.target.uploadRecording(task.policyNo, { reference: report.recordingRef!, checksum, uploadedBy: BENCH_OPERATOR });
      this.stats.uploaded++;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = `${task.attemptId}: ${(err as Error).message}`;
    }
  }
}
