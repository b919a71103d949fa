/**
 * Typed search attributes: what ops staff filter on in the Web UI and the API lists with.
 * Business keys and stages only, never personal data (names, phone numbers, ID numbers).
 * Registered on the server by `client/register-search-attributes.ts` (and `npm start`).
 */
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { Contract } from '../domain/contract';

export const PolicyNo = defineSearchAttributeKey('PolicyNo', 'KEYWORD');
export const Channel = defineSearchAttributeKey('Channel', 'KEYWORD');
export const ProductType = defineSearchAttributeKey('ProductType', 'KEYWORD');
export const Branch = defineSearchAttributeKey('Branch', 'KEYWORD');
export const CentralSubBranch = defineSearchAttributeKey('CentralSubBranch', 'KEYWORD');
export const Tier4Office = defineSearchAttributeKey('Tier4Office', 'KEYWORD');
export const AgentCode = defineSearchAttributeKey('AgentCode', 'KEYWORD');
export const CallbackStage = defineSearchAttributeKey('CallbackStage', 'KEYWORD');
export const CoolingOffEnd = defineSearchAttributeKey('CoolingOffEnd', 'DATETIME');
export const NextAttemptAt = defineSearchAttributeKey('NextAttemptAt', 'DATETIME');
export const AttemptCount = defineSearchAttributeKey('AttemptCount', 'INT');
/** True while the callback waits for next year's working-day calendar file (its known days' calls done). */
export const AwaitingCalendar = defineSearchAttributeKey('AwaitingCalendar', 'BOOL');

// Tickets (transfer-ticket workflows carry the policy's org fields above too).
export const TicketType = defineSearchAttributeKey('TicketType', 'KEYWORD');
export const TicketLevel = defineSearchAttributeKey('TicketLevel', 'INT');
export const TicketStage = defineSearchAttributeKey('TicketStage', 'KEYWORD');
export const TicketDueAt = defineSearchAttributeKey('TicketDueAt', 'DATETIME');
export const Overdue = defineSearchAttributeKey('Overdue', 'BOOL');

export const ALL_SEARCH_ATTRIBUTES = [
  PolicyNo,
  Channel,
  ProductType,
  Branch,
  CentralSubBranch,
  Tier4Office,
  AgentCode,
  CallbackStage,
  CoolingOffEnd,
  NextAttemptAt,
  AttemptCount,
  AwaitingCalendar,
  TicketType,
  TicketLevel,
  TicketStage,
  TicketDueAt,
  Overdue,
];


/** The search attributes a callback starts with: its business keys and org, before the first stage. */
export function callbackStartAttributes(contract: Contract): SearchAttributePair[] {
  return [
    { key: PolicyNo, value: contract.policyNo },
    { key: Channel, value: contract.channel },
    { key: ProductType, value: contract.productType },
    { key: Branch, value: contract.org.branch },
    { key: CentralSubBranch, value: contract.org.centralSubBranch },
    { key: Tier4Office, value: contract.org.tier4Office },
    { key: AgentCode, value: contract.agent.code },
    { key: CallbackStage, value: 'ASSESSING' },
  ];
}
