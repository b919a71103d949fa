/**
 * The state of one policy's callback, as the `getCallbackState` query answers it and the API serves
 * it. Plain data, shared by workflow, client, API and CLI.
 */
import type { CallbackDecision } from './callback-rules';
import type { CallOutcome, CallOutcomeReport } from './call-outcome';
import type { CalendarGap, PlannedSlot } from './call-plan';
import type { CoolingOffPeriod } from './cooling-off';
import type { ActorRef, FallbackKind, FallbackRecord, WaiverRecord } from './callback-record';
import type { ReasonCode, TicketType } from './transfer-reasons';

export const CALLBACK_STAGES = [
  'ASSESSING', // deciding whether a callback is needed
  'NOT_REQUIRED', // closed: no rule requires a callback (or not sampled)
  'AWAITING_E_CALLBACK', // a single-use link is out by SMS: waiting for the policyholder to complete the e-callback
  'AWAITING_CALL', // sleeping until the next planned attempt
  'CALLING', // an attempt is out with the call center, waiting for its outcome
  'AWAITING_RECORDING', // completed call with clean answers; waiting for the recording upload
  'PROBLEM_FOUND', // the answers revealed problems that stay unresolved (transfer loop exhausted)
  'AWAITING_TICKET', // a transfer ticket is out: waiting for the agent's reply or its archiving
  'UNREACHABLE', // the phone cannot reach or complete the callback, corrected numbers included
  'AWAITING_RECEIPT', // a letter or on-site callback is out: waiting for the policyholder's signed receipt
  'UNRESOLVED', // open, with the branch: a deadline passed or the loop bound was reached; the branch closes it
  'CLOSED_BY_BRANCH', // closed by the branch with its recorded decision (not a completed callback)
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
  /**
   * Set while the plan stops before a year the working-day calendar does not have yet: the slots
   * cover the days before it; then the callback waits for the year's file (waitingFor).
   */
  calendarMissing?: CalendarGap & { since: string; recheckHours: number };
  /** What the callback waits for when it is neither a person's step nor a planned slot. */
  waitingFor?: CalendarYearWait;
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
  completedBy?: 'phone' | 'e-callback' | FallbackKind;
  /** The e-callback, when the callback started that way. */
  eCallback?: ECallbackRecord;
  /** Set when the case went up to the branch (UNRESOLVED): why, and what would still end it. */
  escalation?: Escalation;
  /** A refused call closes once its recording is verified, as a completed call does. */
  refusal?: { at: string; note?: string };
  /** The branch's decision that closed an unresolved case. */
  branchDecision?: { reason: string; by: ActorRef; at: string };
  /** Reminders sent because a deadline passed (who, when, about what). */
  reminders?: { to: string; at: string; about: string }[];
  stageHistory: StageChange[];
  closedAt?: string;
}

/** The known days' calls are done; the rest of the plan needs next year's working-day calendar. */
export interface CalendarYearWait {
  kind: 'calendar-year';
  year: number;
  /** The file the operator adds (config/calendar/cn-YYYY.json). */
  file: string;
  since: string;
  /** When the callback looks for the file again (every calendarYear.recheckHours, config/deadlines.json). */
  nextCheckAt: string;
  /** Looks so far that found it still missing. */
  checks: number;
}

export const ESCALATION_CAUSES = [
  'fallback-refused', // the region forbids letter and visit, or the office's cap is reached
  'receipt', // no signed receipt in time
  'receipt-problems', // the receipt's answers need the agent and a confirmation the branch must arrange
  'recording', // no recording uploaded in time
  'level-1', // level-1 problems still there after the last allowed ticket, or no reply in time
  'level-2-tickets', // level-2 tickets not archived in time
] as const;
export type EscalationCause = (typeof ESCALATION_CAUSES)[number];

export interface Escalation {
  to: 'branch';
  at: string;
  reason: string;
  cause: EscalationCause;
}

/** What the workflow returns when it ends: the state, less the plan. */
export type CallbackSummary = Omit<CallbackState, 'plan'>;

/** The e-callback stage: the links sent, its deadline, and how it ended. */
export interface ECallbackRecord {
  /** Why the callback started this way (the policyholder's choice, the configuration). */
  reason: string;
  links: { linkId: string; sentAt: string; expiresAt: string }[];
  /** When the phone takes over if it is not completed. */
  deadline: string;
  completedAt?: string;
  /** The answers given on the page (the questionnaire's ids). */
  answers?: Record<string, 'yes' | 'no' | 'unclear'>;
  /** The signature's image in the document store, and its SHA-256. */
  signature?: { ref: string; sha256: string };
  /** Why it ended without being completed. */
  endedWithout?: 'asked-for-a-call' | 'identity-locked' | 'deadline' | 'no-phone-number';
}

/** The policyholder's completed e-callback, as the page's API reports it to the workflow. */
export interface ECallbackCompletion {
  linkId: string;
  answers: Record<string, 'yes' | 'no' | 'unclear'>;
  signature: { ref: string; sha256: string };
}

/** The e-callback ended without answers: the policyholder asked for a call, or the identity check locked the link. */
export interface ECallbackEnd {
  linkId: string;
  why: 'asked-for-a-call' | 'identity-locked';
}
