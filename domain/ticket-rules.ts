/**
 * Who may take each step of a transfer ticket, in which stage, and why a step is refused. Plain code
 * without zod, so the ticket workflow's validator uses it as the API's pre-check does.
 */
import type { TicketState, TicketStep, TicketStepName } from './ticket';
import type { TicketType } from './transfer-reasons';
import type { ActorRole, TicketStage } from './vocabulary';

/**
 * The steps of each ticket type, in order: the deck's three flows. A failed callback only needs the
 * customer's correct number from the agent: its flow has no register signature (the agent transfer
 * register, with the agent's signature, is the level-1 and level-2 flows').
 */
export const TICKET_FLOWS: Record<TicketType, readonly TicketStepName[]> = {
  'failed-callback': ['dispatch', 'hand-to-agent', 'reply'],
  'level-1': ['dispatch', 'hand-to-agent', 'sign-receipt', 'reply'],
  'level-2': ['dispatch', 'hand-to-agent', 'sign-receipt', 'reply', 'collect', 'archive'],
};

/** Who takes each step, and the stage it leads to when it is not its flow's last (then CLOSED). */
export const STEP_RULES: Record<TicketStepName, { to: TicketStage; role: ActorRole }> = {
  dispatch: { to: 'DISPATCHED', role: 'tier3' },
  'hand-to-agent': { to: 'WITH_AGENT', role: 'tier4' },
  'sign-receipt': { to: 'SIGNED', role: 'agent' },
  reply: { to: 'REPLIED', role: 'agent' },
  collect: { to: 'COLLECTED', role: 'tier4' },
  archive: { to: 'CLOSED', role: 'tier3' },
};

export const ticketLevel: Record<TicketType, number> = { 'failed-callback': 0, 'level-1': 1, 'level-2': 2 };

/** The stage in which a ticket of `type` takes `step` (undefined: not a step of its flow). */
export function stageBefore(type: TicketType, step: TicketStepName): TicketStage | undefined {
  const flow = TICKET_FLOWS[type];
  const i = flow.indexOf(step);
  if (i < 0) return undefined;
  return i === 0 ? 'AWAITING_DISPATCH' : STEP_RULES[flow[i - 1]].to;
}

/** The stage after `step`: CLOSED after the last step of the type's flow. */
export function stageAfter(type: TicketType, step: TicketStepName): TicketStage {
  return TICKET_FLOWS[type].at(-1) === step ? 'CLOSED' : STEP_RULES[step].to;
}

/** The step a ticket of `type` waits for in `stage`, and who takes it (undefined when closed). */
export function nextStep(type: TicketType, stage: TicketStage): { step: TicketStepName; role: ActorRole } | undefined {
  const step = TICKET_FLOWS[type].find((s) => stageBefore(type, s) === stage);
  return step && { step, role: STEP_RULES[step].role };
}

/**
 * Why a step is not allowed, in words; undefined when it is. Pure, so the Update validator and the
 * API's pre-check say the same thing.
 */
export function stepRejection(state: Pick<TicketState, 'stage' | 'type' | 'org' | 'agentCode' | 'ticketId'>, step: TicketStep): string | undefined {
  const rule = STEP_RULES[step.step];
  if (state.stage === 'CLOSED') return `ticket ${state.ticketId} is closed`;
  const from = stageBefore(state.type, step.step);
  if (!from) {
    if (step.step === 'collect' || step.step === 'archive') return `'${step.step}' is a level-2 step; ticket ${state.ticketId} is ${state.type}`;
    return `'${step.step}' is not a step of a ${state.type} ticket: the agent replies with the corrected phone number, without signing the register`;
  }
  if (state.stage !== from) return `'${step.step}' is not possible in stage ${state.stage} (it follows ${from})`;
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
