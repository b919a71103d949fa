/**
 * Starting a transfer ticket as a child of the callback workflow: its id comes from the policy and a
 * sequence number (a retried start is the same ticket), and it carries the policy's org fields as
 * search attributes, so ops can list e.g. the overdue level-1 tickets of one central sub-branch.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { ParentClosePolicy, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { Contract } from '../domain/contract';
import type { TicketInput } from '../domain/ticket';
import { ticketLevel } from '../domain/ticket-rules';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';
import * as sa from './search-attributes';
import { ticketStaticDetails, ticketStaticSummary } from './summaries';
import { ticketWorkflowId } from './ticket-messages';
import { transferTicketWorkflow } from './ticket.workflow';

export function ticketIdFor(policyNo: string, seq: number): string {
  return `${policyNo}-T${seq}`;
}

/** The search attributes a ticket starts with: its kind and stage, and the policy's org fields. */
export function ticketSearchAttributes(input: TicketInput): SearchAttributePair[] {
  return [
    { key: sa.PolicyNo, value: input.policyNo },
    { key: sa.Branch, value: input.org.branch },
    { key: sa.CentralSubBranch, value: input.org.centralSubBranch },
    { key: sa.Tier4Office, value: input.org.tier4Office },
    { key: sa.AgentCode, value: input.agentCode },
    { key: sa.TicketType, value: input.type },
    { key: sa.TicketLevel, value: ticketLevel[input.type] },
    { key: sa.TicketStage, value: 'AWAITING_DISPATCH' },
    { key: sa.Overdue, value: false },
  ];
}

export async function openTicket(
  contract: Contract,
  seq: number,
  type: TicketType,
  reasons: ReasonCode[],
  finding: string,
): Promise<ChildWorkflowHandle<typeof transferTicketWorkflow>> {
  const input: TicketInput = {
    ticketId: ticketIdFor(contract.policyNo, seq),
    policyNo: contract.policyNo,
    type,
    reasons,
    org: contract.org,
    agentCode: contract.agent.code,
    finding,
  };
  return startChild(transferTicketWorkflow, {
    workflowId: ticketWorkflowId(input.ticketId),
    args: [input],
    // A callback that is closed or cancelled takes its open tickets with it, visibly.
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    typedSearchAttributes: ticketSearchAttributes(input),
    // What the Web UI shows on the child's start event and in the list of runs.
    staticSummary: ticketStaticSummary(input),
    staticDetails: ticketStaticDetails(input),
  });
}
