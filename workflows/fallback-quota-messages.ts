/** The messages of an office's monthly fallback quota, shared by the workflow and its clients. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FallbackKind } from '../domain/callback-record';
import type { QuotaCount, QuotaDecision } from '../domain/fallback';

/** Carries nothing: lets a client start the quota with signal-with-start when it is not running yet. */
export const openFallbackQuota = defineSignal('openFallbackQuota');

/** One more letter/on-site callback for `policyNo`: granted while the share stays within the cap. */
export const reserveFallbackPlace = defineUpdate<QuotaDecision, [{ policyNo: string; kind: FallbackKind }]>('reserveFallbackPlace');

export interface QuotaSnapshot extends QuotaCount {
  granted: { policyNo: string; kind?: FallbackKind }[];
  /** When `callbacks` was last counted. */
  countedAt?: string;
}

export const getFallbackQuota = defineQuery<QuotaSnapshot>('getFallbackQuota');
