/**
 * Where each document lives in the document store (stores/document-store.ts), relative to it:
 *
 *   registers/<centralSubBranch>/<YYYY-MM-DD>.xlsx      the day's agent transfer register
 *   orders/<ticketId>.html                              a ticket's printable transfer order
 *   letters/<policyNo>.html, visits/<policyNo>.html     a letter or on-site callback's questionnaire
 *   registers/<letter|onsite>/<tier4Office>/<YYYY-MM>.xlsx   an office's monthly letter / on-site register
 *   exemption-lists/<centralSubBranch>/<date>.xlsx      the 08:30 exemption list (and .sent.json once mailed)
 *   <statements|receipts>/<policyNo>/<file>             scanned documents, uploaded through the API
 */
import type { FallbackKind } from '../domain/callback-record';
import { isValidLocalDate, type LocalDate } from '../domain/local-time';
import { DocumentPathRejected } from './document-store';

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

export function fallbackDocumentPath(kind: FallbackKind, policyNo: string): string {
  return `${kind === 'letter' ? 'letters' : 'visits'}/${policyNo}.html`;
}

export function fallbackRegisterPath(tier4Office: string, month: string, kind: FallbackKind): string {
  return `registers/${kind}/${tier4Office}/${month}.xlsx`;
}

export function exemptionListPath(centralSubBranch: string, date: LocalDate, suffix: 'xlsx' | 'sent.json'): string {
  return `exemption-lists/${centralSubBranch}/${date}.${suffix}`;
}

/** A scanned waiver statement or signed receipt (the API checks the parts: api/document-params.ts). */
export function scannedDocumentPath(kind: 'statements' | 'receipts', policyNo: string, name: string): string {
  return `${kind}/${policyNo}/${name}`;
}

/** The signature the policyholder drew on the e-callback page for link `linkId` (its folder: omit `linkId`). */
export function eSignaturePath(policyNo: string, linkId?: string): string {
  return linkId ? `e-signatures/${policyNo}/${linkId}.png` : `e-signatures/${policyNo}`;
}
