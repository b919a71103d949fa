/**
 * Transfer tickets (转办单): how a problem found on the phone travels branch call center → tier-3
 * handler → tier-4 office → agent and back, step by step, each step with who and when.
 *
 *   failed-callback / level-1:  dispatch → hand-to-agent → sign-receipt → reply          → closed
 *   level-2:                    dispatch → hand-to-agent → sign-receipt → reply → collect → archive → closed
 */
import { z } from 'zod';
import { phoneSchema } from './contract';
import { isValidLocalTime } from './local-time';
import type { ReasonCode, TicketType } from './transfer-reasons';

export const TICKET_STAGES = ['AWAITING_DISPATCH', 'DISPATCHED', 'WITH_AGENT', 'SIGNED', 'REPLIED', 'COLLECTED', 'CLOSED'] as const;
export type TicketStage = (typeof TICKET_STAGES)[number];

export const ACTOR_ROLES = ['branch', 'tier3', 'tier4', 'agent'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const actorSchema = z
  .object({
    role: z.enum(ACTOR_ROLES),
    /** Staff id, or the agent's code for an agent. */
    id: z.string().min(1).max(64),
    /** The actor's office code (tier-3: central sub-branch; tier-4: tier-4 office; branch: branch). */
    office: z.string().min(1).max(32).optional(),
  })
  .strict();
export type Actor = z.infer<typeof actorSchema>;

const base = { actor: actorSchema, note: z.string().max(1000).optional() };

export const ticketStepSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('dispatch'), ...base }).strict(),
  z.object({ step: z.literal('hand-to-agent'), ...base }).strict(),
  z.object({ step: z.literal('sign-receipt'), ...base }).strict(),
  z
    .object({
      step: z.literal('reply'),
      ...base,
      /** Failed callback: the customer's corrected phone number. */
      correctedPhone: phoneSchema.optional(),
      /** Level-1 / level-2: what the agent did, in words. */
      actionTaken: z.string().trim().min(1).max(2000).optional(),
    })
    .strict(),
  z.object({ step: z.literal('collect'), ...base }).strict(),
  z.object({ step: z.literal('archive'), ...base }).strict(),
]);
export type TicketStep = z.infer<typeof ticketStepSchema>;
export type TicketStepName = TicketStep['step'];

/** Who may take each step, and in which stage. */
export const STEP_RULES: Record<TicketStepName, { from: TicketStage; to: TicketStage; role: ActorRole }> = {
  dispatch: { from: 'AWAITING_DISPATCH', to: 'DISPATCHED', role: 'tier3' },
  'hand-to-agent': { from: 'DISPATCHED', to: 'WITH_AGENT', role: 'tier4' },
  'sign-receipt': { from: 'WITH_AGENT', to: 'SIGNED', role: 'agent' },
  reply: { from: 'SIGNED', to: 'REPLIED', role: 'agent' },
  collect: { from: 'REPLIED', to: 'COLLECTED', role: 'tier4' },
  archive: { from: 'COLLECTED', to: 'CLOSED', role: 'tier3' },
};

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

export interface Escalation {
  to: 'tier3' | 'branch';
  at: string;
}

export interface TicketState extends TicketInput {
  stage: TicketStage;
  createdAt: string;
  steps: RecordedStep[];
  dueAt?: string;
  remindAt?: string;
  reminded: boolean;
  overdue: boolean;
  escalations: Escalation[];
  reply?: { correctedPhone?: string; actionTaken?: string; at: string; late: boolean };
  closedAt?: string;
}

/** The agent's answer, handed back to the callback workflow. */
export type TicketResult = Pick<TicketState, 'ticketId' | 'type' | 'reply' | 'overdue' | 'closedAt'>;

export const ticketLevel: Record<TicketType, number> = { 'failed-callback': 0, 'level-1': 1, 'level-2': 2 };

/**
 * Why a step is not allowed, in words; undefined when it is. Pure, so the Update validator and the
 * API's pre-check say the same thing.
 */
export function stepRejection(state: Pick<TicketState, 'stage' | 'type' | 'org' | 'agentCode' | 'ticketId'>, step: TicketStep): string | undefined {
  const rule = STEP_RULES[step.step];
  if (state.stage === 'CLOSED') return `ticket ${state.ticketId} is closed`;
  if ((step.step === 'collect' || step.step === 'archive') && state.type !== 'level-2') {
    return `'${step.step}' is a level-2 step; ticket ${state.ticketId} is ${state.type}`;
  }
  if (state.stage !== rule.from) return `'${step.step}' is not possible in stage ${state.stage} (it follows ${rule.from})`;
  if (step.actor.role !== rule.role) return `'${step.step}' is taken by ${rule.role}, not ${step.actor.role}`;
  if (rule.role === 'agent' && step.actor.id !== state.agentCode) return `agent ${step.actor.id} is not the agent of ticket ${state.ticketId}`;
  if (rule.role === 'tier4' && step.actor.office !== state.org.tier4Office) {
    return `office ${step.actor.office ?? '(none)'} is not the tier-4 office of ticket ${state.ticketId}`;
  }
  if (rule.role === 'tier3' && step.actor.office !== state.org.centralSubBranch) {
    return `office ${step.actor.office ?? '(none)'} is not the central sub-branch of ticket ${state.ticketId}`;
  }
  if (step.step === 'reply') {
    if (state.type === 'failed-callback' && !step.correctedPhone) return 'a failed-callback reply must give the corrected phone number (correctedPhone)';
    if (state.type !== 'failed-callback' && !step.actionTaken) return `a ${state.type} reply must say what was done (actionTaken)`;
  }
  return undefined;
}

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
