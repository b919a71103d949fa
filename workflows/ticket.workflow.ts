/**
 * One transfer ticket (转办单), a child of the policy's callback workflow. Each routing step arrives as
 * the `advanceTicket` Update and is checked against the ticket (right stage, right office or agent,
 * required fields) before anything changes. Deadlines are durable timers on the working-day calendar:
 * a reminder on the due day, overdue and escalated to the tier-3 handler at the due time, escalated to
 * the branch later; a late reply is still accepted and marked late.
 */
import { condition, log, patched, proxyActivities, proxyLocalActivities, setCurrentDetails, setHandler, upsertSearchAttributes, allHandlersFinished } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Notification, Recipient } from '../activities/notifier';
import { ticketRecordOf } from '../domain/callback-record';
import type { TicketInput, TicketStep, TicketResult, TicketState } from '../domain/ticket';
import { STEP_RULES, stepRejection } from '../domain/ticket-rules';
// Plain checks, not zod: the bundle's modules run again for every workflow (domain/plain-check.ts).
import { ticketStepCheck } from '../domain/message-checks';
import { checkOrThrow } from '../domain/plain-check';
import { msUntil, nowIso } from './clock';
import * as sa from './search-attributes';
import { ticketCurrentDetails, ticketTimerSummary } from './summaries';
import { advanceTicket, getTicketState } from './ticket-messages';

const { ticketDeadlines, recordTicket } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
const { notify, writeTransferOrder } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // SMTP can be down for a while: keep trying, nothing is lost.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

/** Tickets started before this change wrote no projection rows; they finish as they began. */
export const TICKET_PROJECTION_PATCH = 'ticket-projection-v1';

export async function transferTicketWorkflow(input: TicketInput): Promise<TicketResult> {
  const projected = patched(TICKET_PROJECTION_PATCH);
  const state: TicketState = {
    ...input,
    stage: 'AWAITING_DISPATCH',
    createdAt: nowIso(),
    steps: [],
    reminded: false,
    overdue: false,
    escalations: [],
  };

  let escalateToBranchAt: string | undefined;
  // Dispatch awaits an activity: a second step arriving meanwhile must not interleave with it.
  let stepInProgress = false;
  const publish = () => {
    upsertSearchAttributes([
      { key: sa.TicketStage, value: state.stage },
      { key: sa.Overdue, value: state.overdue },
      { key: sa.TicketDueAt, value: state.dueAt ? new Date(state.dueAt) : null },
    ]);
    setCurrentDetails(ticketCurrentDetails(state));
    log.info(`ticket ${state.ticketId} ${state.stage}${state.overdue ? ' (overdue)' : ''}`, { policyNo: state.policyNo, ticketId: state.ticketId, stage: state.stage });
  };
  setCurrentDetails(ticketCurrentDetails(state));

  setHandler(getTicketState, () => state);
  setHandler(
    advanceTicket,
    async (raw) => {
      stepInProgress = true;
      try {
        return await recordStep(checkOrThrow(ticketStepCheck, raw));
      } finally {
        stepInProgress = false;
      }
    },
    {
      validator: (raw) => {
        const step = checkOrThrow(ticketStepCheck, raw);
        if (stepInProgress) throw new Error(`another step is being recorded on ticket ${state.ticketId}; try again`);
        const why = stepRejection(state, step);
        if (why) throw new Error(why);
      },
    },
  );

  async function recordStep(step: TicketStep): Promise<TicketState> {
    const at = nowIso();
    const late = state.dueAt !== undefined && at > state.dueAt;
    if (step.step === 'dispatch') {
      // Deadlines count from the dispatch, on the calendar: computed before the step is recorded.
      const deadlines = await ticketDeadlines.executeWithOptions({ summary: `${state.ticketId} · dispatch · reply deadline on the working-day calendar` }, [{ dispatchedAt: at }]);
      Object.assign(state, { dueAt: deadlines.dueAt, remindAt: deadlines.remindAt });
      escalateToBranchAt = deadlines.escalateToBranchAt;
    }
    state.steps.push({ step: step.step, actor: step.actor, at, note: step.note, late });
    if (step.step === 'reply') state.reply = { correctedPhone: step.correctedPhone, actionTaken: step.actionTaken, at, late };
    const done = step.step === 'archive' || (step.step === 'reply' && state.type !== 'level-2');
    state.stage = done ? 'CLOSED' : STEP_RULES[step.step].to;
    if (done) state.closedAt = at;
    publish();
    project();
    return state;
  }

  const message = (kind: Notification['kind'], to: Recipient, subject: string): Notification => ({
    kind,
    to,
    subject: `[${state.type}] ${state.ticketId} ${subject}`,
    body: `保单 ${state.policyNo} 转办单 ${state.ticketId}（${state.reasons.join(', ')}）: ${subject}. ${state.finding}`,
    policyNo: state.policyNo,
    ticketId: state.ticketId,
    sentAt: nowIso(),
  });
  const tier3: Recipient = { role: 'tier3', code: state.org.centralSubBranch };
  const replied = () => state.reply !== undefined;
  // Sent in the background: a slow mail server must not push the next deadline back.
  const sending: Promise<void>[] = [];
  const send = (n: Notification) => void sending.push(notify.executeWithOptions({ summary: `${state.ticketId} · notify ${n.to.role} ${n.to.code}: ${n.kind}` }, [n]));
  // The compliance figures' row of this ticket, rewritten at each change (in the background, like mail).
  let revision = 0;
  function project(): void {
    if (projected) {
      const row = ticketRecordOf(state, { revision: ++revision, at: nowIso() });
      sending.push(recordTicket.executeWithOptions({ summary: `${state.ticketId} · ${state.stage} · projection row, revision ${revision}` }, [row]));
    }
  }
  project();

  send(message('ticket-created', tier3, 'new transfer order to dispatch'));
  // The printable order (转办单) in the output folder: now for the tier-3 handler to print, again when closed.
  const writeOrder = () =>
    sending.push(writeTransferOrder.executeWithOptions({ summary: `${state.ticketId} · ${state.stage} · write the printable transfer order` }, [{ ticket: { ...state } }]).then(() => undefined));
  writeOrder();
  await condition(() => state.stage !== 'AWAITING_DISPATCH');

  // The reply's deadlines, each a durable timer that the reply cancels.
  if (!(await condition(replied, msUntil(state.remindAt!), { summary: ticketTimerSummary(state.ticketId, state.stage, 'reminder to the agent and the tier-4 office at', state.remindAt!) }))) {
    state.reminded = true;
    send(message('ticket-reminder', { role: 'agent', code: state.agentCode }, `reply due by ${state.dueAt}`));
    send(message('ticket-reminder', { role: 'tier4', code: state.org.tier4Office }, `reply due by ${state.dueAt}`));
  }
  if (!replied() && !(await condition(replied, msUntil(state.dueAt!), { summary: ticketTimerSummary(state.ticketId, state.stage, 'reply due (then overdue, to the tier-3 handler) at', state.dueAt!) }))) {
    state.overdue = true;
    state.escalations.push({ to: 'tier3', at: nowIso() });
    publish();
    project();
    send(message('ticket-overdue', tier3, `overdue since ${state.dueAt}`));
  }
  if (!replied() && !(await condition(replied, msUntil(escalateToBranchAt!), { summary: ticketTimerSummary(state.ticketId, state.stage, 'still unanswered: escalation to the branch at', escalateToBranchAt!) }))) {
    state.escalations.push({ to: 'branch', at: nowIso() });
    send(message('ticket-escalated', { role: 'branch', code: state.org.branch }, `still unanswered, overdue since ${state.dueAt}`));
  }
  await condition(() => state.stage === 'CLOSED');
  writeOrder();
  await Promise.all(sending);
  await condition(allHandlersFinished);
  return { ticketId: state.ticketId, type: state.type, reply: state.reply, overdue: state.overdue, closedAt: state.closedAt };
}

