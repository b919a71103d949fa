/**
 * How long a policy's callback evidence is kept: the regulation wants recordings and evidence kept
 * at least 5 years after the contract ends for terms up to one year, 10 years for longer terms
 * (config/retention.json holds the numbers). Pure: the same contract always gives the same date.
 */
import { addMonths, addYears, formatISO } from 'date-fns';
import { z } from 'zod';

export const retentionConfigSchema = z
  .object({
    /** Terms up to this many months keep the short period. */
    shortTermMaxMonths: z.number().int().positive(),
    shortTermYears: z.number().int().positive(),
    longTermYears: z.number().int().positive(),
    /** How long Temporal keeps a closed workflow's history (the namespace's retention, set by `npm start`). */
    historyRetentionDays: z.number().int().min(1).max(3650),
    /** When the daily purge runs (local time, HH:mm) and at most how many policies one run shreds. */
    purgeAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a wall-clock time written HH:mm'),
    purgeBatch: z.number().int().positive(),
  })
  .strict();
export type RetentionConfig = z.infer<typeof retentionConfigSchema>;

/** The contract's last day: issued on + term (local dates, YYYY-MM-DD). */
export function contractEndsOn(issuedOn: string, termMonths: number): string {
  return formatISO(addMonths(localDay(issuedOn), termMonths), { representation: 'date' });
}

/** The last day the evidence must be kept. */
export function evidenceKeptUntil(issuedOn: string, termMonths: number, config: RetentionConfig): string {
  const years = termMonths <= config.shortTermMaxMonths ? config.shortTermYears : config.longTermYears;
  return formatISO(addYears(localDay(contractEndsOn(issuedOn, termMonths)), years), { representation: 'date' });
}

function localDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d);
}
