/**
 * Waivers (免回访) and fallback receipts: what the tier-4 office, the agent, the tier-3 handler and the
 * branch report on a callback, and who may report what. The same schemas check the API body and the
 * workflow's Updates, so both reject the same things in the same words.
 */
import { z } from 'zod';
import { ANSWERS } from './answers';
import { isoInstant } from './call-outcome';
import { REASON_CODES } from './vocabulary';
import { DOCUMENT_REF } from './patterns';
import { actorSchema } from './ticket';

export { branchDeciderRejection, receiptEntererRejection, waiverDeciderRejection, waiverReporterRejection, type PolicyOrg } from './waiver-rules';

/** A path in the document store where the scanned document was uploaded. */
const documentRef = z
  .string()
  .min(1)
  .max(256)
  .regex(DOCUMENT_REF.pattern, DOCUMENT_REF.message)
  .refine((s) => !s.split('/').includes('..'), DOCUMENT_REF.dotDotMessage);

export const waiverReportSchema = z
  .object({
    /** The policyholder's signed waiver statement (回访放弃声明), scanned. */
    statementRef: documentRef,
    actor: actorSchema,
    note: z.string().max(1000).optional(),
  })
  .strict();
export type WaiverReport = z.infer<typeof waiverReportSchema>;

export const waiverDecisionSchema = z
  .object({
    accepted: z.boolean(),
    actor: actorSchema,
    /** Required when rejecting: the reporter must know what to fix. */
    reason: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .refine((d) => d.accepted || d.reason !== undefined, { path: ['reason'], message: 'a rejection must give a reason' });
export type WaiverDecision = z.infer<typeof waiverDecisionSchema>;

export const fallbackReceiptSchema = z
  .object({
    /** The scanned receipt (回执) signed by the policyholder. */
    receiptRef: documentRef,
    /** Who signed, as written on the receipt (the policyholder's name stays in the document). */
    signedBy: z.enum(['policyholder']),
    signedAt: isoInstant,
    /** The answers to the printed questionnaire, as the policyholder ticked them. */
    answers: z.record(z.string(), z.enum(ANSWERS)),
    /** Problems the policyholder wrote in beyond the questionnaire. */
    reportedProblems: z.array(z.enum(REASON_CODES)).optional(),
    actor: actorSchema,
  })
  .strict();
export type FallbackReceipt = z.infer<typeof fallbackReceiptSchema>;

/** The branch closes a case that went up to it (UNRESOLVED), with what it decided and why. */
export const branchDecisionSchema = z
  .object({
    /** What the branch did about it, in words (e.g. 已上门核实并由客户签署确认书). */
    reason: z.string().trim().min(1).max(2000),
    actor: actorSchema,
  })
  .strict();
export type BranchDecision = z.infer<typeof branchDecisionSchema>;
