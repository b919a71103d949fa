/**
 * The one month a policy counts in: the month (local) its receipt was signed, the day its
 * cooling-off period began; for a record without that date, the month its callback started. The
 * fallback cap's office-month and every report's period use this one definition, so the share the
 * cap allowed is the share the report shows.
 */
import type { CallbackRecord } from './callback-record';
import { localMonthOf } from './local-time';

export function callbackMonthOf(record: Pick<CallbackRecord, 'receiptSignedOn' | 'startedAt'>, timeZone: string): string {
  return record.receiptSignedOn ? record.receiptSignedOn.slice(0, 7) : localMonthOf(new Date(record.startedAt), timeZone);
}
