/** Transfer tickets of one callback: each a child workflow, its outcome kept in the policy's state. */
import type { TicketRef } from '../../domain/callback-state';
import type { TicketResult } from '../../domain/ticket';
import type { ReasonCode, TicketType } from '../../domain/transfer-reasons';
import type { CallbackWaitId } from '../../domain/waits';
import { nowIso } from '../clock';
import { openTicket, ticketIdFor } from '../open-ticket';
import { waitUntil } from '../waits';
import type { CallbackRun } from './run';

/** An open ticket: its reference in the state, and its result once it closes. */
export interface OpenTicket {
  ref: TicketRef;
  result?: TicketResult;
  /** Closed, or ended otherwise (cancelled with the callback). */
  settled: boolean;
  closed: Promise<TicketResult>;
}

/** Opens a ticket (a child workflow); its outcome is written into the policy's state when it closes. */
export async function startTicket(run: CallbackRun, type: TicketType, reasons: ReasonCode[], finding: string): Promise<OpenTicket> {
  const { state, policyNo } = run;
  const seq = state.tickets.length + 1;
  const ref: TicketRef = { ticketId: ticketIdFor(policyNo, seq), type, reasons, openedAt: nowIso() };
  state.tickets.push(ref);
  if (type !== 'level-2') run.setStage('AWAITING_TICKET', `${type} ticket ${ref.ticketId}: ${reasons.join(', ')}`);
  const handle = await openTicket(run.contract, seq, type, reasons, finding);
  const ticket: OpenTicket = { ref, settled: false, closed: undefined as unknown as Promise<TicketResult> };
  run.tickets.push(ticket);
  ticket.closed = handle.result().then((result) => {
    ticket.result = result;
    ref.closedAt = result.closedAt;
    ref.overdue = result.overdue;
    if (result.reply) {
      const { correctedPhone, ...rest } = result.reply;
      ref.reply = { ...rest, correctedPhoneGiven: correctedPhone !== undefined };
    }
    return result;
  });
  // Whatever way it ends; its failure (a cancellation with a waiver) is the waiver's to report, not this promise's.
  ticket.closed.then(
    () => (ticket.settled = true),
    () => (ticket.settled = true),
  );
  return ticket;
}

/** Waits for the tickets to close, until `deadline`; true if they all did. The tickets go on either way. */
export function awaitTickets(wait: CallbackWaitId, tickets: readonly OpenTicket[], deadline: string, summary: string): Promise<boolean> {
  return waitUntil(wait, () => tickets.every((t) => t.result !== undefined), deadline, summary);
}

/** What the call found, for the ticket (the reason's words are added by the order and the pages). */
export function findingOf(run: CallbackRun): string {
  const last = run.state.attempts.at(-1);
  const online = run.state.eCallback?.completedAt;
  if (online && !(last?.recordedAt && last.recordedAt > online)) return `e-callback (${online}): completed`;
  return last ? `attempt ${last.attemptNo} (${last.slot.start}): ${last.outcome}` : 'no phone number on file';
}
