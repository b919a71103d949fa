/**
 * The document activities of the transfer flows: the day's agent transfer register
 * (《业务人员转办单明细簿》, .xlsx) of a central sub-branch and the printable transfer order (转办单,
 * HTML) of one ticket, rendered by documents/ and written to the document store (stores/), and the
 * check that a scanned document is in the store.
 *
 * Documents never carry a phone number: a corrected number shows as "更正电话已提供", and numbers
 * written into free text are masked.
 */
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_TIME_ZONE, type LocalDate } from '../domain/local-time';
import type { TicketState } from '../domain/ticket';
import type { ReasonLabels } from '../documents/format';
import { renderTransferOrderHtml } from '../documents/transfer-order-html';
import { buildTransferRegister } from '../documents/transfer-register';
import { transferOrderPath, transferRegisterPath } from '../stores/document-paths';
import { DocumentPathRejected, readCitedDocument, type DocumentStore } from '../stores/document-store';
import { contentRejection } from '../domain/scanned-documents';

export interface DocumentActivityDeps {
  store: DocumentStore;
  labels: ReasonLabels;
  /** Defaults to Asia/Shanghai. */
  timeZone?: string;
}

export function createDocumentActivities({ store, labels, timeZone = DEFAULT_TIME_ZONE }: DocumentActivityDeps) {
  return {
    /** The register of `centralSubBranch` for `date`, from the tickets given (others are left out). */
    async writeTransferRegister({ centralSubBranch, date, tickets }: { centralSubBranch: string; date: LocalDate; tickets: TicketState[] }): Promise<{ path: string }> {
      return rejectDefinitely(async () => {
        const path = transferRegisterPath(centralSubBranch, date);
        const content = await buildTransferRegister(tickets, { centralSubBranch, date, labels, timeZone });
        return { path: await store.save(path, content) };
      });
    },

    /** A scanned document (waiver statement, receipt) is in the store, a file whose content is its type: a definite "no" otherwise. */
    async checkDocument({ path }: { path: string }): Promise<{ sizeBytes: number }> {
      return rejectDefinitely(async () => {
        const content = await readCitedDocument(store, path);
        const wrong = contentRejection(path, content);
        if (wrong) throw new DocumentPathRejected(`document '${path}': ${wrong}`);
        return { sizeBytes: content.length };
      });
    },

    /** The printable order of one ticket. */
    async writeTransferOrder({ ticket, policyholderMasked }: { ticket: TicketState; policyholderMasked?: string }): Promise<{ path: string }> {
      return rejectDefinitely(async () => {
        const path = transferOrderPath(ticket.ticketId);
        const html = renderTransferOrderHtml(ticket, { labels, policyholderMasked, timeZone });
        return { path: await store.save(path, html) };
      });
    },
  };
}

async function rejectDefinitely<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DocumentPathRejected || err instanceof RangeError) {
      throw ApplicationFailure.nonRetryable(err.message, 'DocumentRejected');
    }
    throw err; // storage unavailable: retried by the activity's retry policy
  }
}
