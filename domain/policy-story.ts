/**
 * A policy's whole story as the system of record keeps it (stores/evidence-store.ts `story`): the
 * business fields and the decision, where it stands, every attempt, answer, recording, stage change,
 * waiver, fallback, escalation, notice, and each ticket with its steps. What the API, `huifang show`
 * and the pages show of a policy whose workflow history Temporal no longer has.
 *
 * No personal data: attempts say where the number came from (`phoneSource`), never the number; a
 * receipt says when it was signed, not by whom; a ticket only that a corrected number was given.
 */
import type { ActorRef } from './callback-record';

export interface StoryAttempt {
  attemptNo: number;
  attemptId: string;
  slotStart?: string;
  slotEnd?: string;
  placedAt?: string;
  outcome?: string;
  recordedAt?: string;
  operator?: string;
  /** 'contract', or the ticket whose reply gave the number dialled. */
  phoneSource?: string;
  note?: string;
}

export interface StoryAnswer {
  /** 'attempt-<n>' for a call's questionnaire, 'receipt' for a letter or visit's. */
  source: string;
  questionId: string;
  answer: string;
  answeredAt?: string;
}

export interface StoryRecording {
  reference: string;
  checksum: string;
  sizeBytes: number;
  uploadedBy?: string;
  verifiedAt: string;
}

export interface StoryWaiver {
  reportedAt: string;
  statementRef: string;
  reportedBy: ActorRef;
  note?: string;
  accepted?: boolean;
  decidedBy?: ActorRef;
  decidedAt?: string;
  decisionReason?: string;
}

export interface StoryFallback {
  kind?: string;
  trigger: string;
  requestedAt: string;
  granted: boolean;
  refusal?: string;
  shareAtDecision?: { fallbacks: number; callbacks: number; cap: number };
  documentRef?: string;
  /** The signed receipt (who signed it stays encrypted in the store). */
  receipt?: { reference: string; signedAt: string; enteredAt: string; reportedProblems?: string[] };
}

export interface StoryTicketStep {
  step: string;
  actor: ActorRef;
  at: string;
  note?: string;
  late: boolean;
}

export interface StoryTicket {
  ticketId: string;
  type: string;
  reasons: string[];
  stage?: string;
  openedAt: string;
  dispatchedAt?: string;
  dueAt?: string;
  repliedAt?: string;
  replyLate?: boolean;
  overdue: boolean;
  closedAt?: string;
  /** A failed-callback ticket's reply gave a number (kept encrypted, never shown here). */
  correctedPhoneGiven: boolean;
  steps: StoryTicketStep[];
}

export interface PolicyStory {
  policyNo: string;
  channel: string;
  productCode?: string;
  productType: string;
  termMonths?: number;
  regionCode: string;
  org: { branch: string; centralSubBranch: string; tier4Office: string; agentCode: string };
  issuedOn?: string;
  receiptSignedOn?: string;
  /** The month the policy counts in (domain/callback-month.ts). */
  callbackMonth: string;
  startedAt: string;
  decision: { required: boolean; ruleId?: string; ratio?: number; sampleValue?: number; reason: string };
  stage: string;
  coolingOffEndsAt?: string;
  attemptsMade: number;
  completedCallAt?: string;
  completedBy?: string;
  completedAt?: string;
  escalatedAt?: string;
  closedAt?: string;
  /** The last day the evidence must be kept (domain/retention.ts). */
  evidenceKeptUntil?: string;
  /** When the workflow last wrote the policy's evidence. */
  updatedAt: string;
  attempts: StoryAttempt[];
  answers: StoryAnswer[];
  recordings: StoryRecording[];
  stageChanges: { stage: string; at: string; note?: string }[];
  waivers: StoryWaiver[];
  fallback?: StoryFallback;
  escalations: { at: string; cause: string; escalatedTo: string; reason: string }[];
  branchDecision?: { reason: string; decidedBy: ActorRef; at: string };
  /** Reminders and notices sent about the policy or one of its tickets (subject: the policy number or the ticket id). */
  notifications: { subject: string; sentTo: string; at: string; about: string }[];
  tickets: StoryTicket[];
}
