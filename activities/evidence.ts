/** The workflows' writes to the system of record (domain/callback-record.ts; the store: stores/evidence-store.ts). */
import type { CallbackEvidence, CallbackRecord, TicketEvidence, TicketRecord } from '../domain/callback-record';
import type { EvidenceStore } from '../stores/evidence-store';

export function createEvidenceActivities(store: EvidenceStore) {
  return {
    /** Idempotent: one transaction, applied only when its revision is newer than the stored one. */
    async recordCallback(evidence: CallbackEvidence | CallbackRecord): Promise<void> {
      await store.putCallback(evidence);
    },
    async recordTicket(evidence: TicketEvidence | TicketRecord): Promise<void> {
      await store.putTicket(evidence);
    },
  };
}
