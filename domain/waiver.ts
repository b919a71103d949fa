/**
 * Waivers (免回访) and fallback receipts: what the tier-4 office, the agent, the tier-3 handler and the
 * branch report on a callback, and who may report what. Each message is defined once
 * (message-checks.ts): the workflow's Updates run that check, and the API checks bodies with the zod
 * schema derived from it here, so both reject the same things in the same words.
 */
import { branchDecisionCheck, fallbackReceiptCheck, waiverDecisionCheck, waiverReportCheck } from './message-checks';
import { zodOf } from './message-schemas';

export { branchDeciderRejection, receiptEntererRejection, waiverDeciderRejection, waiverReporterRejection, type PolicyOrg } from './waiver-rules';
export type { BranchDecision, FallbackReceipt, WaiverDecision, WaiverReport } from './message-checks';

export const waiverReportSchema = zodOf(waiverReportCheck);
export const waiverDecisionSchema = zodOf(waiverDecisionCheck);
export const fallbackReceiptSchema = zodOf(fallbackReceiptCheck);
export const branchDecisionSchema = zodOf(branchDecisionCheck);
