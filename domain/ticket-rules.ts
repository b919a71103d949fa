/**
 * Who may take each step of a transfer ticket, in which stage, and why a step is refused. Plain code
 * without zod, so the ticket workflow's validator uses it as the API's pre-check does.
 */
import type { TicketState, TicketStep, TicketStepName } from './ticket';
import type { TicketType } from './transfer-reasons';
import type { ActorRole, TicketStage } from './vocabulary';

/** Who may take each step, and in which stage. */
export const STEP_RULES: Record<TicketStepName, { from: TicketStage; to: TicketStage; role: ActorRole }> = {
  dispatch: { from: 'AWAITING_DISPATCH', to: 'DISPATCHED', role: 'tier3' },
  'hand-to-agent': { from: 'DISPATCHED', to: 'WITH_AGENT', role: 'tier4' },
  'sign-receipt': { from: 'WITH_AGENT', to: 'SIGNED', role: 'agent' },
  reply: { from: 'SIGNED', to: 'REPLIED', role: 'agent' },
  collect: { from: 'REPLIED', to: 'COLLECTED', role: 'tier4' },
  archive: { from: 'COLLECTED', to: 'CLOSED', role: 'tier3' },
};

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
