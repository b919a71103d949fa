/**
 * The text patterns, and their words, shared by the zod schemas (API bodies) and the workflows'
 * plain checks (domain/message-checks.ts), so both accept the same strings and say the same thing.
 */

/** Mainland mobile numbers, or a landline with area code (0xx-xxxxxxxx). */
export const PHONE = {
  pattern: /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/,
  message: 'must be a mainland mobile number (11 digits) or a landline with area code',
};

/** A path in the document store where a scanned document was uploaded. */
export const DOCUMENT_REF = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/,
  message: 'must be a document path (letters, digits, . _ - /)',
  dotDotMessage: 'must not contain ..',
};

export const RECORDING_REFERENCE = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,199}$/,
  message: 'must be a storage key of letters, digits, dots, dashes, underscores and slashes',
  dotDotMessage: "must not contain '..'",
};

export const CHECKSUM = { pattern: /^sha256:[0-9a-f]{64}$/, message: "must be 'sha256:' followed by 64 lower-case hex digits" };

export const ISO_INSTANT_MESSAGE = 'must be an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00+08:00';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** What zod's `z.iso.datetime({ offset: true })` accepts: seconds required, a real calendar date, Z or ±HH:MM. */
export function isIsoInstant(s: string): boolean {
  const m = INSTANT.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}
