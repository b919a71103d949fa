/**
 * Who may report or decide a waiver (免回访), and who enters a fallback's signed receipt. Plain code
 * without zod, so the callback workflow's validators use it (see plain-check.ts).
 */
import type { Actor } from './ticket';

export interface PolicyOrg {
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
}

/** Why `actor` may not report a waiver on this policy; undefined when they may. */
export function waiverReporterRejection(actor: Actor, org: PolicyOrg): string | undefined {
  if (actor.role === 'tier4') return actor.office === org.tier4Office ? undefined : `office ${actor.office ?? '(none)'} is not the tier-4 office of this policy`;
  if (actor.role === 'agent') return actor.id === org.agentCode ? undefined : `agent ${actor.id} is not the agent of this policy`;
  return `a waiver is reported by the tier-4 office or the agent, not ${actor.role}`;
}

/** Why `actor` may not decide on a waiver of this policy; undefined when they may. */
export function waiverDeciderRejection(actor: Actor, org: PolicyOrg): string | undefined {
  if (actor.role !== 'tier3') return `a waiver is accepted or rejected by the tier-3 handler, not ${actor.role}`;
  return actor.office === org.centralSubBranch ? undefined : `office ${actor.office ?? '(none)'} is not the central sub-branch of this policy`;
}

/** Letter receipts come back to the branch call center; on-site receipts to the tier-4 office. */
export function receiptEntererRejection(actor: Actor, org: PolicyOrg): string | undefined {
  if (actor.role === 'branch') return actor.office === org.branch ? undefined : `office ${actor.office ?? '(none)'} is not the branch of this policy`;
  if (actor.role === 'tier4') return actor.office === org.tier4Office ? undefined : `office ${actor.office ?? '(none)'} is not the tier-4 office of this policy`;
  return `a signed receipt is entered by the branch or the tier-4 office, not ${actor.role}`;
}

/** An unresolved case is closed by its own branch. */
export function branchDeciderRejection(actor: Actor, org: PolicyOrg): string | undefined {
  if (actor.role !== 'branch') return `an unresolved callback is closed by the branch, not ${actor.role}`;
  return actor.office === org.branch ? undefined : `office ${actor.office ?? '(none)'} is not the branch of this policy`;
}
