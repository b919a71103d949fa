/**
 * One transfer ticket (转办单), a child of the policy's callback workflow, as the deck routes it:
 *
 *   dispatch (tier-3) → hand to the agent (tier-4) → [sign the register] → reply (agent)
 *     → level-2: collect (tier-4) → archive (tier-3)
 *
 * Each step arrives as the `advanceTicket` Update, checked against the ticket (right stage, right
 * office or agent, required fields) before anything changes. Every wait for a step has deadlines on
 * the working-day calendar and an action when they pass (domain/waits.ts TICKET_WAITS): whoever owes
 * the step is reminded, then the ticket goes up, last to the branch, which is reminded until the step
 * is taken. A late step is still taken, and a late reply marked late. Each stage is a module of
 * workflows/ticket/ working on one `TicketRun`.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { TicketInput, TicketResult } from '../domain/ticket';
import { ticketInputRejection } from '../domain/workflow-inputs';
import { awaitDispatch } from './ticket/dispatch';
import { registerTicketHandlers } from './ticket/handlers';
import { awaitLevel2Step } from './ticket/level-2';
import { awaitReply } from './ticket/reply';
import { TicketRun } from './ticket/run';

export async function transferTicketWorkflow(input: TicketInput): Promise<TicketResult> {
  // Started another way than by a callback (the frontend, a script): refused at once, naming the field.
  const wrong = ticketInputRejection(input);
  if (wrong) throw ApplicationFailure.nonRetryable(wrong, 'InvalidWorkflowInput');
  const run = new TicketRun(input);
  registerTicketHandlers(run);
  await run.open();
  await awaitDispatch(run);
  await awaitReply(run);
  if (input.type === 'level-2') {
    await awaitLevel2Step(run, 'collect');
    await awaitLevel2Step(run, 'archive');
  }
  return run.finish();
}
