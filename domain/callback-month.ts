/**
 * The one month a policy counts in: the month (local) its receipt was signed, the day its
 * cooling-off period began; for a record without that date, the month its callback started. The
 * fallback cap's office-month (stores/evidence-queries.ts countOfficeMonth, over the
 * policies.callback_month column), the sampling draw's scope (domain/sampling.ts) and every report's
 * period (domain/compliance.ts) use this one definition, so the share the cap allowed is the share
 * the report shows.
 */
import type { CallbackRecord } from './callback-record';
import { localDateOf, type LocalDate } from './local-time';

/** The business date that places a policy in a period: the receipt's signing day, else the local day its callback started. */
export function callbackDateOf(record: Pick<CallbackRecord, 'receiptSignedOn' | 'startedAt'>, timeZone: string): LocalDate {
  return record.receiptSignedOn ?? localDateOf(new Date(record.startedAt), timeZone);
}

/** YYYY-MM of callbackDateOf. */
export function callbackMonthOf(record: Pick<CallbackRecord, 'receiptSignedOn' | 'startedAt'>, timeZone: string): string {
  return callbackDateOf(record, timeZone).slice(0, 7);
}
