/**
 * Letter (信函回访) and on-site (上门回访) callbacks: only where phone truly cannot reach or complete the
 * callback, only where the regional regulator allows it, and together at most a share (15% by the
 * deck) of callbacks per office per month. Past the cap the case goes up to the branch rather than
 * silently exceeding it.
 */
import { z } from 'zod';
import type { FallbackKind } from './callback-record';

import { FALLBACK_KINDS } from './fallback-quota';

export { decideQuota, FALLBACK_KINDS, quotaWorkflowId, type QuotaCount, type QuotaDecision } from './fallback-quota';

const kinds = z.array(z.enum(FALLBACK_KINDS)).refine((k) => new Set(k).size === k.length, 'lists a kind twice');

export const fallbackConfigSchema = z
  .object({
    /** Letter + on-site callbacks may not exceed this share of the office's callbacks in a month (the deck: 0.15). */
    maxShare: z.number().min(0).max(1),
    /** Which kinds are allowed where no regional rule says otherwise, in order of preference. */
    defaultAllowed: kinds,
    /** Regional rules, by administrative-division prefix; the longest matching prefix wins. */
    regions: z.array(
      z
        .object({
          regionPrefix: z.string().regex(/^\d{2,6}$/, 'must be 2-6 digits of an administrative division code'),
          allowed: kinds,
          /** The regulator or document that says so, for the record. */
          authority: z.string().min(1),
        })
        .strict(),
    ),
    /** No further phone round is started when the cooling-off period ends sooner than this. */
    minHoursForPhoneRound: z.number().min(0).max(24 * 30),
    /** How long to wait for the signed receipt before the case goes to the branch. */
    receiptWaitDays: z.number().int().min(1).max(365),
  })
  .strict();
export type FallbackConfig = z.infer<typeof fallbackConfigSchema>;

export interface FallbackPermission {
  /** Allowed kinds, preferred first; empty when the region forbids both. */
  allowed: FallbackKind[];
  /** Which rule decided: a region prefix and its authority, or the default. */
  source: string;
}

export function fallbackPermission(regionCode: string, config: FallbackConfig): FallbackPermission {
  const rule = config.regions
    .filter((r) => regionCode.startsWith(r.regionPrefix))
    .sort((a, b) => b.regionPrefix.length - a.regionPrefix.length)[0];
  if (!rule) return { allowed: [...config.defaultAllowed], source: 'default' };
  return { allowed: [...rule.allowed], source: `region ${rule.regionPrefix} (${rule.authority})` };
}
