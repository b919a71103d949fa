/**
 * The ticket's messages: the state query and the `advanceTicket` Update. The validator turns a step
 * down with the ticket unchanged and the reason in words (domain/ticket-rules.ts, as the API's
 * pre-check); the handler records it with who and when.
 */
import { setHandler } from '@temporalio/workflow';
import type { TicketState, TicketStep } from '../../domain/ticket';
import { stageAfter, stepRejection } from '../../domain/ticket-rules';
// Plain checks, not zod: the bundle's modules run again for every workflow (domain/plain-check.ts).
import { ticketStepCheck } from '../../domain/message-checks';
import { checkOrThrow } from '../../domain/plain-check';
import { nowIso } from '../clock';
import { advanceTicket, getTicketState } from '../ticket-messages';
import { ticketDeadlines } from './activities';
import type { TicketRun } from './run';

export function registerTicketHandlers(run: TicketRun): void {
  const { state } = run;
  setHandler(getTicketState, () => state);
  setHandler(
    advanceTicket,
    async (raw) => {
      run.stepInProgress = true;
      try {
        return await recordStep(run, checkOrThrow(ticketStepCheck, raw));
      } finally {
        run.stepInProgress = false;
      }
    },
    {
      validator: (raw) => {
        const step = checkOrThrow(ticketStepCheck, raw);
        if (run.stepInProgress) throw new Error(`another step is being recorded on ticket ${state.ticketId}; try again`);
        const why = stepRejection(state, step);
        if (why) throw new Error(why);
      },
    },
  );
}

async function recordStep(run: TicketRun, step: TicketStep): Promise<TicketState> {
  const { state } = run;
  const at = nowIso();
  const late = state.dueAt !== undefined && at > state.dueAt;
  if (step.step === 'dispatch') {
    // The reply's deadlines count from the dispatch, on the calendar: computed before the step is recorded.
    const deadlines = await ticketDeadlines.executeWithOptions({ summary: `${state.ticketId} · dispatch · reply deadline on the working-day calendar` }, [{ dispatchedAt: at }]);
    Object.assign(state, { dueAt: deadlines.dueAt, remindAt: deadlines.remindAt });
    run.escalateToBranchAt = deadlines.escalateToBranchAt;
  }
  state.steps.push({ step: step.step, actor: step.actor, at, note: step.note, late });
  if (step.step === 'reply') state.reply = { correctedPhone: step.correctedPhone, actionTaken: step.actionTaken, at, late };
  state.stage = stageAfter(state.type, step.step);
  if (state.stage === 'CLOSED') state.closedAt = at;
  run.publish();
  run.project();
  return state;
}
