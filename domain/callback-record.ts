/**
 * The projection: one plain record per policy and one per transfer ticket, written by the workflows
 * (through an activity) at each milestone and read by the compliance figures, the fallback cap, the
 * 08:30 exemption list and the registers. It holds no personal data: org codes, dates and outcomes
 * only. Each write carries a revision that only grows within a run, so a retried older write never
 * replaces a newer one.
 */
import type { Answer } from './answers';
import type { ActorRole, TicketState } from './ticket';
import type { CallbackStage, CallbackState } from './callback-state';
import type { Contract } from './contract';
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
  /** Absent when the region allows neither kind. */
  kind?: FallbackKind;
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
  receipt?: { reference: string; signedBy: string; signedAt: string; enteredAt: string; answers: Record<string, Answer>; reportedProblems?: ReasonCode[] };
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
  /** The contract's business dates (local): they place a policy in a reporting period for good. */
  issuedOn?: string;
  receiptSignedOn?: string;
  /** When the callback workflow started: the policy entered the callback process. */
  startedAt: string;
  required: boolean;
  /** The rule that applied and its effective ratio (absent when none applied): the sampled share's denominator. */
  ruleId?: string;
  ratio?: number;
  decisionReason: string;
  coolingOffEndsAt?: string;
  stage: CallbackStage;
  /** The first call whose outcome was 'completed', if any (its answers may still have needed the agent). */
  completedCallAt?: string;
  /**
   * The call the callback was completed on, once it was completed by phone: the last call whose
   * outcome was 'completed' (the confirming call when the first call's answers needed the agent).
   * The compliance figures count it against the cooling-off end.
   */
  successfulCallAt?: string;
  /** How the callback was done, once it was. */
  completedBy?: 'phone' | 'e-callback' | FallbackKind;
  attemptsMade: number;
  fallback?: FallbackRecord;
  waiver?: WaiverRecord;
  ticketIds: string[];
  /** When the case went up to the branch as unresolved, if it did. */
  escalatedAt?: string;
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

/**
 * What a callback workflow writes to the system of record at each milestone: its row, its whole state
 * (attempts, answers, recording, waivers, fallback, escalation, stage history) and the contract (its
 * personal data is encrypted by the store). Each write is complete, so a retried or late one is a no-op.
 */
export interface CallbackEvidence {
  record: CallbackRecord;
  state: CallbackState;
  contract: Contract;
}

/** What a ticket workflow writes at each step: its row and its state (steps, reminders, reply). */
export interface TicketEvidence {
  record: TicketRecord;
  state: TicketState;
}

export function callbackEvidenceOf(contract: Contract, state: CallbackState, written: { startedAt: string; revision: number; at: string }): CallbackEvidence {
  return { record: callbackRecordOf(contract, state, written), state, contract };
}

export function ticketEvidenceOf(state: TicketState, written: { revision: number; at: string }): TicketEvidence {
  return { record: ticketRecordOf(state, written), state };
}

/** The projection row of a policy, from its workflow's state (no personal data is copied). */
export function callbackRecordOf(contract: Contract, state: CallbackState, written: { startedAt: string; revision: number; at: string }): CallbackRecord {
  const { startedAt, revision, at } = written;
  const completedCalls = state.attempts.filter((a) => a.outcome === 'completed');
  return {
    policyNo: contract.policyNo,
    channel: contract.channel,
    productType: contract.productType,
    regionCode: contract.regionCode,
    branch: contract.org.branch,
    centralSubBranch: contract.org.centralSubBranch,
    tier4Office: contract.org.tier4Office,
    agentCode: contract.agent.code,
    issuedOn: contract.issuedOn,
    receiptSignedOn: contract.receiptSignedOn,
    startedAt,
    required: state.decision?.required ?? false,
    ruleId: state.decision?.ruleId ?? undefined,
    ratio: state.decision?.ruleId ? state.decision.ratio : undefined,
    decisionReason: state.decision?.reason ?? '',
    coolingOffEndsAt: state.coolingOff?.endsAt,
    stage: state.stage,
    completedCallAt: completedCalls[0]?.recordedAt,
    successfulCallAt: state.completedBy === 'phone' ? completedCalls.at(-1)?.recordedAt : undefined,
    completedBy: state.completedBy,
    attemptsMade: state.attemptsMade,
    fallback: state.fallback,
    waiver: state.waiver,
    ticketIds: state.tickets.map((t) => t.ticketId),
    escalatedAt: state.escalation?.at,
    closedAt: state.closedAt,
    revision,
    updatedAt: at,
  };
}

/** The projection row of a ticket, from its workflow's state. */
export function ticketRecordOf(state: TicketState, written: { revision: number; at: string }): TicketRecord {
  return {
    ticketId: state.ticketId,
    policyNo: state.policyNo,
    type: state.type,
    reasons: state.reasons,
    branch: state.org.branch,
    centralSubBranch: state.org.centralSubBranch,
    tier4Office: state.org.tier4Office,
    agentCode: state.agentCode,
    openedAt: state.createdAt,
    dispatchedAt: state.steps.find((s) => s.step === 'dispatch')?.at,
    dueAt: state.dueAt,
    repliedAt: state.reply?.at,
    replyLate: state.reply?.late,
    overdue: state.overdue,
    closedAt: state.closedAt,
    revision: written.revision,
    updatedAt: written.at,
  };
}
