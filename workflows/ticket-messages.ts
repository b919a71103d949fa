/** Messages of the transfer-ticket workflow, shared by the workflow and every client. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TicketStep, TicketState } from '../domain/ticket';

export const getTicketState = defineQuery<TicketState>('getTicketState');

/** One routing step (dispatch, hand to agent, sign, reply, collect, archive); rejected with the reason, ticket unchanged. */
export const advanceTicket = defineUpdate<TicketState, [TicketStep]>('advanceTicket');

export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`;
}
