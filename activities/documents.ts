/**
 * Documents of the transfer flows: the day's agent transfer register (《业务人员转办单明细簿》, .xlsx)
 * of a central sub-branch and the printable transfer order (转办单, HTML) of one ticket, written to a
 * document store. A local folder by default; another store (object storage, a file share)
 * implements `DocumentStore`.
 *
 *   registers/<centralSubBranch>/<YYYY-MM-DD>.xlsx
 *   orders/<ticketId>.html
 *
 * Documents never carry a phone number: a corrected number shows as "更正电话已提供", and numbers
 * written into free text are masked.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_TIME_ZONE, isValidLocalDate, type LocalDate } from '../domain/local-time';
import type { TicketState } from '../domain/ticket';
import { REASON_CODES, type TransferReasonsConfig } from '../domain/transfer-reasons';
import type { ReasonLabels } from './documents/format';
import { buildTransferRegister } from './documents/transfer-register';
import { renderTransferOrderHtml } from './documents/transfer-order-html';

export { buildTransferRegister, registerTickets, REGISTER_COLUMNS, REGISTER_HEADER_ROW, REGISTER_SHEET_NAME, REGISTER_TITLE } from './documents/transfer-register';
export type { TransferRegisterOptions } from './documents/transfer-register';
export { renderTransferOrderHtml, escapeHtml } from './documents/transfer-order-html';
export type { TransferOrderOptions } from './documents/transfer-order-html';
export { CORRECTED_PHONE_TEXT, TICKET_TYPE_LABELS, redactPhones, type ReasonLabels } from './documents/format';

export interface DocumentStore {
  /** Writes (or replaces) the document at `path` (relative to the store); returns where it now is. */
  save(path: string, content: Buffer | string): Promise<string>;
  read(path: string): Promise<Buffer>;
}

/** A definite "no" (a path outside the store, an unusable name): retrying will not help. */
export class DocumentPathRejected extends Error {}

export class LocalFolderDocumentStore implements DocumentStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of `path` inside the root; rejects anything that would leave it. */
  pathOf(path: string): string {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new DocumentPathRejected(`document path '${path}' is not usable`);
    const full = resolve(this.root, path);
    if (!full.startsWith(this.root + sep)) throw new DocumentPathRejected(`document path '${path}' leaves the document folder`);
    return full;
  }

  async save(path: string, content: Buffer | string): Promise<string> {
    const full = this.pathOf(path);
    await mkdir(dirname(full), { recursive: true });
    // Write beside, then rename: a reader (or a retried activity) never sees half a file.
    const temp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, content);
      await rename(temp, full);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return full;
  }

  async read(path: string): Promise<Buffer> {
    return readFile(this.pathOf(path));
  }
}

/** The Chinese label of every reason code, from the transfer-reasons configuration. */
export function reasonLabelsOf(config: TransferReasonsConfig): ReasonLabels {
  return Object.fromEntries(REASON_CODES.map((code) => [code, config.reasons[code]?.label ?? code])) as ReasonLabels;
}

const SEGMENT_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

function segment(value: string, what: string): string {
  if (!SEGMENT_RE.test(value)) throw new DocumentPathRejected(`${what} '${value}' is not usable in a document path (letters, digits and dashes)`);
  return value;
}

export function transferRegisterPath(centralSubBranch: string, date: LocalDate): string {
  if (!isValidLocalDate(date)) throw new DocumentPathRejected(`date '${date}' is not a YYYY-MM-DD date`);
  return `registers/${segment(centralSubBranch, 'central sub-branch')}/${date}.xlsx`;
}

export function transferOrderPath(ticketId: string): string {
  return `orders/${segment(ticketId, 'ticket id')}.html`;
}

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

    /** A scanned document (waiver statement, receipt) is in the store: a definite "no" when it is not. */
    async checkDocument({ path }: { path: string }): Promise<{ sizeBytes: number }> {
      return rejectDefinitely(async () => {
        try {
          return { sizeBytes: (await store.read(path)).length };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DocumentPathRejected(`document '${path}' is not in the document store; upload it first`);
          throw err;
        }
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
