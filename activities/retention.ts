/**
 * The I/O of the daily retention purge (workflows/retention-purge.workflow.ts): one batch of
 * policies past their legal period crypto-shredded (stores/retention.ts), as of the purge's local day.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Settings } from '../config/settings';
import { localDateOf, type LocalDate } from '../domain/local-time';
import type { DocumentStore } from '../stores/document-store';
import { fallbackDocumentPath, scannedDocumentPath, transferOrderPath, eSignaturePath } from '../stores/document-paths';
import type { EvidenceStore } from '../stores/evidence-store';
import type { RecordingStore } from '../stores/recording-store';
import { shredExpired } from '../stores/retention';

export interface RetentionPurgeBatch {
  /** The purge's day: evidence kept until before it is shredded. */
  today: LocalDate;
  /** Policies shredded by this batch (which ones, and what was removed: retention_actions). */
  shredded: number;
  /** The batch was full: run another. */
  more: boolean;
}

/** How far ahead of this machine's clock a scheduled time may be (clocks differ a little), never a day. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface RetentionDeps {
  settings: Settings;
  evidence: EvidenceStore;
  recordings: RecordingStore;
  documents: DocumentStore;
}

export function createRetentionActivities({ settings, evidence, recordings, documents }: RetentionDeps) {
  /** The policy's own files: its recordings, scanned statements and receipts, letter or visit, transfer orders. */
  const removeFiles = async (policyNo: string): Promise<string[]> => {
    const [recorded, tickets] = await Promise.all([
      evidence.db.selectFrom('recordings').select('reference').where('policy_no', '=', policyNo).execute(),
      evidence.db.selectFrom('tickets').select('ticket_id').where('policy_no', '=', policyNo).execute(),
    ]);
    const removed: string[] = [];
    for (const { reference } of recorded) if (await recordings.remove(reference)) removed.push(`recordings/${reference}`);
    const paths = [
      scannedDocumentPath('statements', policyNo, '').replace(/\/$/, ''),
      scannedDocumentPath('receipts', policyNo, '').replace(/\/$/, ''),
      fallbackDocumentPath('letter', policyNo),
      fallbackDocumentPath('onsite', policyNo),
      eSignaturePath(policyNo),
      ...tickets.map((t) => transferOrderPath(t.ticket_id)),
    ];
    for (const path of paths) if (await documents.remove(path)) removed.push(`documents/${path}`);
    return removed;
  };

  return {
    /** `at`: the scheduled time of the purge; its local date is the day the periods are judged by. */
    async shredExpiredPersonalData({ at, runId }: { at: string; runId: string }): Promise<RetentionPurgeBatch> {
      const when = new Date(at);
      if (Number.isNaN(when.getTime())) throw ApplicationFailure.nonRetryable(`at must be an ISO instant, not '${at}'`, 'BadInput');
      // Shredding is for good: never judged by a day that has not come yet.
      if (when.getTime() > Date.now() + CLOCK_SKEW_MS) throw ApplicationFailure.nonRetryable(`at ${at} is in the future: the purge never runs ahead of the calendar`, 'BadInput');
      const today = localDateOf(when, settings.timeZone);
      const batch = await shredExpired(evidence.db, { today, runId, batch: settings.retention.purgeBatch, removeFiles });
      return { today, shredded: batch.shredded.length, more: batch.more };
    },
  };
}
