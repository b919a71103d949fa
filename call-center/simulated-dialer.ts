/**
 * A simulated telephone network behind the `CallCenter` interface, for demo runs and tests. It never
 * dials anything: after a realistic delay it reports an outcome chosen deterministically by the
 * number's last two digits (and the attempt number), as a real dialer integration would report one.
 *
 *   …00 wrong number      …01 not in service     …02 suspended       …03 never answers
 *   …04 busy on the first attempt, then a clean call                 …05 refuses the callback
 *   …06 says the signature is not theirs (level-1)                   …07 contract not received (level-2)
 *   …08 "call me back in two hours" on the first attempt, then clean
 *   …09 left to a person: nothing is reported, the call stays out for the call-center page until its slot ends
 *   anything else: a clean call
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { log } from '@temporalio/activity';
import type { CallOutcomeReport, RecordingUpload } from '../domain/call-outcome';
import type { CallbackStage } from '../domain/callback-state';
import { isEarlyOutcome, type CallCenter, type CallTask } from './call-center';
import type { LocalFolderRecordingStore } from '../stores/recording-store';

/** Where the dialer reports to: the huifang client in practice. */
export interface OutcomeTarget {
  recordCallOutcome(policyNo: string, report: CallOutcomeReport): Promise<{ stage: CallbackStage }>;
  /** `deliveryId`: the same for every sending of one upload (HuifangClient.uploadRecording). */
  uploadRecording(policyNo: string, upload: RecordingUpload, deliveryId?: string): Promise<unknown>;
}

export interface SimulatedDialerOptions {
  /** How long a simulated call takes before its outcome is reported. */
  delayMs: number;
  operator?: string;
  /** When set, a clean call's recording is written here and uploaded, as the call-center system would. */
  recordings?: LocalFolderRecordingStore;
}

/** How many attempt ids the dialer remembers to dial each once (older ones are long past their slot). */
const REMEMBERED_ATTEMPTS = 100_000;
/** An outcome the workflow did not know the attempt of yet (see CallCenter.placeCall): tries and spacing. */
const EARLY_OUTCOME_RETRIES = 10;
const EARLY_OUTCOME_RETRY_MS = 2_000;

export class SimulatedDialer implements CallCenter {
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly reporting = new Set<Promise<void>>();
  /** Attempt ids already dialled, oldest first: a repeated hand-over is not dialled again. */
  private readonly dialled = new Set<string>();

  constructor(
    private readonly target: OutcomeTarget,
    private readonly options: SimulatedDialerOptions,
  ) {}

  async placeCall(task: CallTask): Promise<void> {
    if (this.dialled.has(task.attemptId)) {
      log.info('call task handed over again; already dialled', { policyNo: task.policyNo, attemptId: task.attemptId });
      return;
    }
    this.dialled.add(task.attemptId);
    if (this.dialled.size > REMEMBERED_ATTEMPTS) this.dialled.delete(this.dialled.values().next().value!);
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      const report = simulatedOutcome(task, new Date(), this.options.operator ?? 'simulated-dialer');
      if (!report) return; // left to a person: the page reports the outcome, or the slot ends as not made
      const delivery = this.report(task, report)
        .catch((err) => log.warn('simulated dialer could not deliver an outcome', { attemptId: task.attemptId, error: String(err) }))
        .finally(() => this.reporting.delete(delivery));
      this.reporting.add(delivery);
    }, this.options.delayMs);
    this.pending.add(timer);
  }

  private async report(task: CallTask, report: CallOutcomeReport): Promise<void> {
    const ack = await this.deliver(task, report);
    const store = this.options.recordings;
    if (!store || ack.stage !== 'AWAITING_RECORDING' || !report.recordingRef) return;
    const upload = await storeStandInRecording(store, report.recordingRef, `${task.attemptId} ${report.calledAt}`, this.options.operator ?? 'simulated-dialer');
    await this.target.uploadRecording(task.policyNo, upload, task.attemptId);
  }

  /** Reports the outcome, again a little later while the workflow does not know the attempt yet. */
  private async deliver(task: CallTask, report: CallOutcomeReport): Promise<{ stage: CallbackStage }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.target.recordCallOutcome(task.policyNo, report);
      } catch (err) {
        if (!isEarlyOutcome(err) || attempt >= EARLY_OUTCOME_RETRIES) throw err;
        await new Promise((resolve) => setTimeout(resolve, EARLY_OUTCOME_RETRY_MS));
      }
    }
  }

  /** Stops outstanding simulated calls (worker shutdown). */
  close(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  /** Resolves once the outcomes already being reported are delivered (call while the worker still runs). */
  async drain(): Promise<void> {
    await Promise.all([...this.reporting]);
  }
}

/** The last two digits of a number the simulated dialer leaves to a person at the call-center page. */
export const PERSON_TAKES_THE_CALL = '09';

/** The outcome the simulated network gives `task` at `now`; undefined when nobody answers. */
export function simulatedOutcome(task: CallTask, now: Date, operator: string): CallOutcomeReport | undefined {
  const base = { attemptId: task.attemptId, operator, calledAt: now.toISOString() };
  const clean = (): CallOutcomeReport => ({
    ...base,
    outcome: 'completed',
    answers: Object.fromEntries(task.questionIds.map((id) => [id, 'yes' as const])),
    recordingRef: `recordings/${task.attemptId}.wav`,
  });
  const first = task.attemptNo === 1;
  switch (task.phone.slice(-2)) {
    case '00':
      return { ...base, outcome: 'wrong-number' };
    case '01':
      return { ...base, outcome: 'not-in-service' };
    case '02':
      return { ...base, outcome: 'suspended' };
    case '03':
      return { ...base, outcome: 'no-answer' };
    case '04':
      return first ? { ...base, outcome: 'busy' } : clean();
    case '05':
      // A refusal is on tape too: its recording closes the callback as REFUSED.
      return { ...base, outcome: 'refused', note: '客户表示不需要回访', recordingRef: `recordings/${task.attemptId}.wav` };
    case '06': {
      const r = clean();
      return { ...r, answers: { ...r.answers, 'signed-in-person': 'no' } };
    }
    case '07': {
      const r = clean();
      return { ...r, answers: { ...r.answers, 'contract-received': 'no' } };
    }
    case '08':
      return first ? { ...base, outcome: 'callback-later', callBackAt: new Date(now.getTime() + 2 * 3_600_000).toISOString() } : clean();
    case PERSON_TAKES_THE_CALL:
      return undefined;
    default:
      return clean();
  }
}

/** A stand-in recording: a few bytes unique to `label`, stored and checksummed like a real one. */
export async function storeStandInRecording(store: LocalFolderRecordingStore, reference: string, label: string, uploadedBy: string): Promise<RecordingUpload> {
  const audio = Buffer.from(`RIFF simulated callback recording ${label}`);
  const path = store.pathOf(reference);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, audio);
  return { reference, checksum: `sha256:${createHash('sha256').update(audio).digest('hex')}`, uploadedBy };
}
