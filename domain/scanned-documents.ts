/**
 * Scanned documents (a waiver statement, a signed receipt): what a reference to one may name, what
 * its content must be, and how many a policy may hold. A waiver or receipt cites its own policy's
 * document of its own kind: citing another policy's statement, a transfer order or a folder would
 * let a mandatory callback be closed on somebody else's paper.
 *
 * References: `<statements|receipts>/<policyNo>/<name>`; an upload never replaces one: a second
 * upload of a name is kept beside it as `<stem>.v2.<ext>`, and so on, so what a decision cited
 * stays what it was.
 */
export const SCANNED_KINDS = ['statements', 'receipts'] as const;
export type ScannedKind = (typeof SCANNED_KINDS)[number];

export type DocumentType = 'pdf' | 'jpeg' | 'png';

/** A file name as uploaded: a stem and the extension of its type. */
export const UPLOAD_NAME = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(pdf|jpg|jpeg|png)$/, message: 'must be a file name ending .pdf, .jpg or .png' };
/** A stored file name: the uploaded one, or a later version of it. */
const STORED_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\.v[1-9][0-9]{0,3})?\.(pdf|jpg|jpeg|png)$/;

const TYPE_OF_EXTENSION: Readonly<Record<string, DocumentType>> = { pdf: 'pdf', jpg: 'jpeg', jpeg: 'jpeg', png: 'png' };
export const CONTENT_TYPE_OF: Readonly<Record<DocumentType, string>> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

/** The type a file name says it is. */
export function typeOfName(name: string): DocumentType | undefined {
  return TYPE_OF_EXTENSION[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
}

/** The type the content is, by its first bytes (the name and the sender's Content-Type can lie). */
export function sniffDocumentType(content: Uint8Array): DocumentType | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => content[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'pdf'; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  return undefined;
}

/** Why the content does not fit the name (undefined when it does). */
export function contentRejection(name: string, content: Uint8Array): string | undefined {
  const named = typeOfName(name);
  const actual = sniffDocumentType(content);
  if (!actual) return `the content is not a PDF, JPEG or PNG file`;
  if (actual !== named) return `the content is a ${actual.toUpperCase()} file, not the ${String(named).toUpperCase()} its name '${name}' says`;
  return undefined;
}

/** Why `ref` is not a document of `kind` of policy `policyNo` (undefined when it is). */
export function scannedRefRejection(kind: ScannedKind, policyNo: string, ref: string): string | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || parts[0] !== kind || parts[1] !== policyNo || !STORED_NAME.test(parts[2])) {
    return `must be a document uploaded for policy ${policyNo} as ${kind} (${kind}/${policyNo}/<file>.pdf|.jpg|.png), not '${ref}'`;
  }
  return undefined;
}

/** The name of version `version` of an uploaded name (1 is the name itself). */
export function versionName(name: string, version: number): string {
  if (version <= 1) return name;
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.v${version}${name.slice(dot)}`;
}

/** How many scanned documents of one kind a policy may hold, and how much. */
export interface ScannedDocumentLimits {
  maxFilesPerPolicy: number;
  maxBytesPerPolicy: number;
}

export const DEFAULT_SCANNED_DOCUMENT_LIMITS: ScannedDocumentLimits = { maxFilesPerPolicy: 20, maxBytesPerPolicy: 50 * 1024 * 1024 };

/** Why one more file of `size` bytes is over the limits, given what the policy holds (undefined when it fits). */
export function quotaRejection(held: readonly { sizeBytes: number }[], size: number, limits: ScannedDocumentLimits): string | undefined {
  if (held.length + 1 > limits.maxFilesPerPolicy) return `the policy already holds ${held.length} of at most ${limits.maxFilesPerPolicy} files of this kind`;
  const total = held.reduce((sum, f) => sum + f.sizeBytes, 0);
  if (total + size > limits.maxBytesPerPolicy) return `the policy's files of this kind would reach ${total + size} bytes, over its ${limits.maxBytesPerPolicy}`;
  return undefined;
}
