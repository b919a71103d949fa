/** Transfer tickets of one callback: each a child workflow, its outcome kept in the policy's state. */
import type { TicketRef } from '../../domain/callback-state';
import type { TicketResult } from '../../domain/ticket';
import type { ReasonCode, TicketType } from '../../domain/transfer-reasons';
import { nowIso } from '../clock';
import { openTicket, ticketIdFor } from '../open-ticket';
import type { CallbackRun } from './run';

/** Opens a ticket, waits for it to close, and keeps its outcome in the policy's state. */
export async function runTicket(run: CallbackRun, type: TicketType, reasons: ReasonCode[]): Promise<TicketResult> {
  const { state, policyNo } = run;
  const seq = state.tickets.length + 1;
  const ref: TicketRef = { ticketId: ticketIdFor(policyNo, seq), type, reasons, openedAt: nowIso() };
  state.tickets.push(ref);
  if (type !== 'level-2') run.setStage('AWAITING_TICKET', `${type} ticket ${ref.ticketId}: ${reasons.join(', ')}`);
  const lastAttempt = state.attempts.at(-1);
  const finding = lastAttempt ? `attempt ${lastAttempt.attemptNo} (${lastAttempt.slot.start}): ${lastAttempt.outcome}` : 'no phone number on file';
  const handle = await openTicket(run.contract, seq, type, reasons, finding);
  const result = await handle.result();
  ref.closedAt = result.closedAt;
  ref.overdue = result.overdue;
  if (result.reply) {
    const { correctedPhone, ...rest } = result.reply;
    ref.reply = { ...rest, correctedPhoneGiven: correctedPhone !== undefined };
  }
  return result;
}
