/**
 * Waivers (免回访) and fallback receipts: what the tier-4 office, the agent, the tier-3 handler and the
 * branch report on a callback, and who may report what. The same schemas check the API body and the
 * workflow's Updates, so both reject the same things in the same words.
 */
import { z } from 'zod';
import { isoInstant } from './call-outcome';
import { actorSchema } from './ticket';

/** A path in the document store where the scanned document was uploaded. */
const documentRef = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, 'must be a document path (letters, digits, . _ - /)')
  .refine((s) => !s.split('/').includes('..'), 'must not contain ..');

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
    actor: actorSchema,
  })
  .strict();
export type FallbackReceipt = z.infer<typeof fallbackReceiptSchema>;

export interface PolicyOrg {
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
}

/** Why `actor` may not report a waiver on this policy; undefined when they may. */
export function waiverReporterRejection(actor: WaiverReport['actor'], org: PolicyOrg): string | undefined {
  if (actor.role === 'tier4') return actor.office === org.tier4Office ? undefined : `office ${actor.office ?? '(none)'} is not the tier-4 office of this policy`;
  if (actor.role === 'agent') return actor.id === org.agentCode ? undefined : `agent ${actor.id} is not the agent of this policy`;
  return `a waiver is reported by the tier-4 office or the agent, not ${actor.role}`;
}

/** Why `actor` may not decide on a waiver of this policy; undefined when they may. */
export function waiverDeciderRejection(actor: WaiverDecision['actor'], org: PolicyOrg): string | undefined {
  if (actor.role !== 'tier3') return `a waiver is accepted or rejected by the tier-3 handler, not ${actor.role}`;
  return actor.office === org.centralSubBranch ? undefined : `office ${actor.office ?? '(none)'} is not the central sub-branch of this policy`;
}

/** Letter receipts come back to the branch call center; on-site receipts to the tier-4 office. */
export function receiptEntererRejection(actor: FallbackReceipt['actor'], org: PolicyOrg): string | undefined {
  if (actor.role === 'branch') return actor.office === org.branch ? undefined : `office ${actor.office ?? '(none)'} is not the branch of this policy`;
  if (actor.role === 'tier4') return actor.office === org.tier4Office ? undefined : `office ${actor.office ?? '(none)'} is not the tier-4 office of this policy`;
  return `a signed receipt is entered by the branch or the tier-4 office, not ${actor.role}`;
}
