/**
 * Starting a transfer ticket as a child of the callback workflow: its id comes from the policy and a
 * sequence number (a retried start is the same ticket), and it carries the policy's org fields as
 * search attributes, so ops can list e.g. the overdue level-1 tickets of one central sub-branch.
 */
import { ParentClosePolicy, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { Contract } from '../domain/contract';
import { ticketLevel, type TicketInput } from '../domain/ticket';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';
import * as sa from './search-attributes';
import { ticketWorkflowId } from './ticket-messages';
import { transferTicketWorkflow } from './ticket.workflow';

export function ticketIdFor(policyNo: string, seq: number): string {
  return `${policyNo}-T${seq}`;
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
    typedSearchAttributes: [
      { key: sa.PolicyNo, value: contract.policyNo },
      { key: sa.Branch, value: contract.org.branch },
      { key: sa.CentralSubBranch, value: contract.org.centralSubBranch },
      { key: sa.Tier4Office, value: contract.org.tier4Office },
      { key: sa.AgentCode, value: contract.agent.code },
      { key: sa.TicketType, value: type },
      { key: sa.TicketLevel, value: ticketLevel[type] },
      { key: sa.TicketStage, value: 'AWAITING_DISPATCH' },
      { key: sa.Overdue, value: false },
    ],
  });
}
