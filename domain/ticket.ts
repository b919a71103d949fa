/**
 * Transfer tickets (转办单): how a problem found on the phone travels branch call center → tier-3
 * handler → tier-4 office → agent and back, step by step, each step with who and when.
 *
 *   failed-callback:  dispatch → hand-to-agent → reply (the corrected number)           → closed
 *   level-1:          dispatch → hand-to-agent → sign-receipt → reply                    → closed
 *   level-2:          dispatch → hand-to-agent → sign-receipt → reply → collect → archive → closed
 *
 * Every step has its deadlines (domain/waits.ts TICKET_WAITS): whoever owes it is reminded, then the
 * ticket goes up (tier-3, the branch), and the branch is reminded until the step is taken.
 */
import { z } from 'zod';
import { isValidLocalTime } from './local-time';
import { actorCheck, ticketStepCheck, type Actor, type TicketStep } from './message-checks';
import { zodOf } from './message-schemas';
import type { ReasonCode, TicketType } from './transfer-reasons';
import type { ActorRole, TicketStage } from './vocabulary';

export { ACTOR_ROLES, TICKET_STAGES, type ActorRole, type TicketStage } from './vocabulary';
export { nextStep, stageAfter, stageBefore, STEP_RULES, stepRejection, TICKET_FLOWS, ticketLevel } from './ticket-rules';
export type { Actor, TicketStep } from './message-checks';

/** The actor and the steps are defined once (message-checks.ts); the API checks with these, derived from them. */
export const actorSchema = zodOf(actorCheck);
export const ticketStepSchema = zodOf(ticketStepCheck);
export type TicketStepName = TicketStep['step'];

export interface TicketOrg {
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
}

export interface TicketInput {
  ticketId: string;
  policyNo: string;
  type: TicketType;
  reasons: ReasonCode[];
  org: TicketOrg;
  agentCode: string;
  /** What the branch found, for the order (e.g. "wrong-number on attempts 1-3"). */
  finding: string;
}

export interface RecordedStep {
  step: TicketStepName;
  actor: Actor;
  at: string;
  note?: string;
  late: boolean;
}

/** Someone told that a step is late: whom (role and office or agent code), when, and which step. */
export interface TicketNotice {
  role: ActorRole;
  code: string;
  at: string;
  /** The step that was awaited. */
  about: TicketStepName;
}

/** The ticket gone up: to the tier-3 handler (reply overdue) or to the branch. */
export interface Escalation extends Omit<TicketNotice, 'role'> {
  to: 'tier3' | 'branch';
}

export interface TicketState extends TicketInput {
  stage: TicketStage;
  createdAt: string;
  steps: RecordedStep[];
  /** The reply's deadlines, set at dispatch. */
  dueAt?: string;
  remindAt?: string;
  /** The agent and the tier-4 office were reminded of the reply (at remindAt). */
  reminded: boolean;
  /** The reply is past its due time (the deck's 2 working days). */
  overdue: boolean;
  /** Every reminder sent because a step was late (dispatch, reply, collect, archive, and the branch's). */
  reminders: TicketNotice[];
  escalations: Escalation[];
  reply?: { correctedPhone?: string; actionTaken?: string; at: string; late: boolean };
  closedAt?: string;
}

/** The agent's answer, handed back to the callback workflow. */
export type TicketResult = Pick<TicketState, 'ticketId' | 'type' | 'reply' | 'overdue' | 'closedAt'>;

const localTime = z.string().refine(isValidLocalTime, 'must be a wall-clock time written HH:mm');

export const ticketsConfigSchema = z
  .object({
    /** The reply is due this many working days after dispatch (the deck: 2). */
    replyDueWorkingDays: z.number().int().min(1).max(30),
    /** Local time on the due day at which the reply is due ("24:00": the end of the day). */
    dueAtLocalTime: localTime,
    /** Local time on the due day at which the reminder goes out. */
    remindAtLocalTime: localTime,
    /** Working days after the due time at which an overdue ticket goes up to the branch. */
    escalateToBranchAfterWorkingDays: z.number().int().min(0).max(30),
    /** How many failed-callback tickets (corrected numbers) before the policy stays unreachable. */
    maxFailedCallbackTickets: z.number().int().min(1).max(20),
    /** How many level-1 rounds (reply, confirming call) before it goes to the branch as unresolved. */
    maxLevel1Tickets: z.number().int().min(1).max(20),
  })
  .strict();
export type TicketsConfig = z.infer<typeof ticketsConfigSchema>;
