/**
 * An office's monthly letter/on-site count and whether one more fallback stays within the cap. Plain
 * code without zod, so the quota workflow uses it (see plain-check.ts).
 */
import type { FallbackKind } from './callback-record';

export const FALLBACK_KINDS = ['letter', 'onsite'] as const satisfies readonly FallbackKind[];

/** The office's count for one month: callbacks needing a call, and the fallbacks already granted. */
export interface QuotaCount {
  office: string;
  /** YYYY-MM, local time. */
  month: string;
  callbacks: number;
  fallbacks: number;
  maxShare: number;
}

export interface QuotaDecision extends QuotaCount {
  granted: boolean;
  /** When refused: why, in words. */
  refusal?: string;
}

export interface ReserveFallbackRequest {
  office: string;
  /** YYYY-MM (local): the month the callback started in. */
  month: string;
  policyNo: string;
  kind: FallbackKind;
  maxShare: number;
}

/**
 * Reserves one place under an office's monthly cap; the same policy asking again gets the same answer
 * (the `reserveFallback` activity asks it; client/fallback-quota-gateway.ts is the Temporal one).
 */
export interface FallbackQuotaGateway {
  reserve(request: ReserveFallbackRequest): Promise<QuotaDecision>;
}

/** Whether one more fallback keeps the office within the cap (counted with the new one). */
export function decideQuota(count: QuotaCount): QuotaDecision {
  const share = count.callbacks === 0 ? 1 : (count.fallbacks + 1) / count.callbacks;
  if (share <= count.maxShare + 1e-9) return { ...count, granted: true, fallbacks: count.fallbacks + 1 };
  return {
    ...count,
    granted: false,
    refusal:
      `office ${count.office} would reach ${count.fallbacks + 1} letter/on-site callbacks of ${count.callbacks} in ${count.month} ` +
      `(${(share * 100).toFixed(1)}%), above the cap of ${(count.maxShare * 100).toFixed(0)}%`,
  };
}

export function quotaWorkflowId(office: string, month: string): string {
  return `fallback-quota-${office}-${month}`;
}
