/**
 * The projection: one plain record per policy and one per transfer ticket, written by the workflows
 * (through an activity) at each milestone and read by the compliance figures, the fallback cap, the
 * 08:30 exemption list and the registers. It holds no personal data: org codes, dates and outcomes
 * only. Each write carries a revision that only grows within a run, so a retried older write never
 * replaces a newer one.
 */
import type { ActorRole } from './ticket';
import type { CallbackStage } from './callback-state';
import type { ReasonCode, TicketType } from './transfer-reasons';

export type FallbackKind = 'letter' | 'onsite';

/** Who reported or decided something: a role, a staff id (or agent code), and the office acted for. */
export interface ActorRef {
  role: ActorRole;
  id: string;
  office?: string;
}

/** A waiver (免回访): the policyholder's signed statement, reported by tier-4 or the agent, checked by tier-3. */
export interface WaiverRecord {
  statementRef: string;
  reportedBy: ActorRef;
  reportedAt: string;
  note?: string;
  decision?: { accepted: boolean; by: ActorRef; at: string; reason?: string };
}

/** A letter or on-site callback: granted under the cap, or refused (region, cap) and escalated. */
export interface FallbackRecord {
  kind: FallbackKind;
  /** Why phone could not do it (the last unreachable reason, or the cooling-off end too close). */
  trigger: string;
  requestedAt: string;
  granted: boolean;
  /** When refused: why, in words (region forbids it; the office's share would pass the cap). */
  refusal?: string;
  /** The office's share when the request was decided (fallbacks / callbacks this month). */
  shareAtDecision?: { fallbacks: number; callbacks: number; cap: number };
  /** The letter document, or the visit task sent to the tier-4 office. */
  documentRef?: string;
  receipt?: { reference: string; signedBy: string; signedAt: string; enteredAt: string };
}

export interface CallbackRecord {
  policyNo: string;
  channel: string;
  productType: string;
  regionCode: string;
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  /** When the callback workflow started: the policy entered the callback process. */
  startedAt: string;
  required: boolean;
  decisionReason: string;
  coolingOffEndsAt?: string;
  stage: CallbackStage;
  /** The first call whose outcome was 'completed', if any. */
  completedCallAt?: string;
  /** How the callback was done, once it was. */
  completedBy?: 'phone' | FallbackKind;
  attemptsMade: number;
  fallback?: FallbackRecord;
  waiver?: WaiverRecord;
  ticketIds: string[];
  closedAt?: string;
  revision: number;
  updatedAt: string;
}

export interface TicketRecord {
  ticketId: string;
  policyNo: string;
  type: TicketType;
  reasons: ReasonCode[];
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  openedAt: string;
  dispatchedAt?: string;
  dueAt?: string;
  repliedAt?: string;
  replyLate?: boolean;
  overdue: boolean;
  closedAt?: string;
  revision: number;
  updatedAt: string;
}
