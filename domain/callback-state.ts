/**
 * The state of one policy's callback, as the `getCallbackState` query answers it and the API serves
 * it. Plain data, shared by workflow, client, API and CLI.
 */
import type { CallbackDecision } from './callback-rules';
import type { CallOutcome, CallOutcomeReport } from './call-outcome';
import type { PlannedSlot } from './call-plan';
import type { CoolingOffPeriod } from './cooling-off';
import type { FallbackKind, FallbackRecord, WaiverRecord } from './callback-record';
import type { ReasonCode, TicketType } from './transfer-reasons';

export const CALLBACK_STAGES = [
  'ASSESSING', // deciding whether a callback is needed
  'NOT_REQUIRED', // closed: no rule requires a callback (or not sampled)
  'AWAITING_CALL', // sleeping until the next planned attempt
  'CALLING', // an attempt is out with the call center, waiting for its outcome
  'AWAITING_RECORDING', // completed call with clean answers; waiting for the recording upload
  'PROBLEM_FOUND', // the answers revealed problems that stay unresolved (transfer loop exhausted)
  'AWAITING_TICKET', // a transfer ticket is out: waiting for the agent's reply or its archiving
  'UNREACHABLE', // the phone cannot reach or complete the callback, corrected numbers included
  'AWAITING_RECEIPT', // a letter or on-site callback is out: waiting for the policyholder's signed receipt
  'WAIVED', // closed: the policyholder signed a waiver and the tier-3 handler accepted it
  'REFUSED', // closed: the policyholder refused the callback (a legitimate exclusion)
  'COMPLETED', // closed: recording uploaded and verified
] as const;
export type CallbackStage = (typeof CALLBACK_STAGES)[number];

export interface QuestionView {
  id: string;
  text: string;
}

export interface CallAttempt {
  attemptId: string;
  attemptNo: number;
  slot: PlannedSlot;
  /** When the task went out to the call center. */
  placedAt?: string;
  /** 'not-made' when the slot ended without an outcome. */
  outcome?: CallOutcome | 'not-made';
  report?: CallOutcomeReport;
  recordedAt?: string;
}

export interface Problem {
  reason: ReasonCode;
  ticketType: TicketType;
}

export interface TicketRef {
  ticketId: string;
  type: TicketType;
  reasons: ReasonCode[];
  openedAt: string;
  closedAt?: string;
  /** What the agent answered (a corrected number is not repeated here: it is personal data). */
  reply?: { actionTaken?: string; correctedPhoneGiven: boolean; at: string; late: boolean };
  overdue?: boolean;
}

export interface RecordingRef {
  reference: string;
  checksum: string;
  uploadedBy: string;
  verifiedAt: string;
  sizeBytes: number;
}

export interface StageChange {
  stage: CallbackStage;
  at: string;
  note?: string;
}

export interface CallbackState {
  policyNo: string;
  stage: CallbackStage;
  decision?: CallbackDecision;
  coolingOff?: CoolingOffPeriod;
  questions?: QuestionView[];
  /** Remaining planned slots, soonest first. */
  plan: PlannedSlot[];
  nextAttemptAt?: string;
  attempts: CallAttempt[];
  /** Attempts with an outcome recorded (not-made ones excluded). */
  attemptsMade: number;
  problems: Problem[];
  tickets: TicketRef[];
  unreachableReason?: ReasonCode;
  /** 'contract', or the ticket whose reply gave the number now dialled. */
  phoneSource: string;
  recording?: RecordingRef;
  /** The letter or on-site callback, granted or refused. */
  fallback?: FallbackRecord;
  waiver?: WaiverRecord;
  /** Earlier waivers of this policy, rejected by the tier-3 handler. */
  rejectedWaivers?: WaiverRecord[];
  /** How the callback was done, once it was. */
  completedBy?: 'phone' | FallbackKind;
  /** Set when the case went up to the branch (fallback refused, no receipt): why. */
  escalation?: { to: 'branch'; at: string; reason: string };
  stageHistory: StageChange[];
  closedAt?: string;
}

/** What the workflow returns when it ends: the state, less the plan. */
export type CallbackSummary = Omit<CallbackState, 'plan'>;
