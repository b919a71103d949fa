/**
 * What a workflow checks of its input before it does anything. The API and the CLI check every
 * contract fully (domain/contract.ts); a workflow may still be started another way (the Temporal
 * frontend, a script), so each checks, without zod (see plain-check.ts for why not in workflows),
 * the fields it relies on, and fails at once naming the first one that is wrong.
 */
import { CHANNELS, PRODUCT_TYPES, TICKET_TYPES } from './vocabulary';

type Rule = [path: string, ok: (v: unknown) => boolean, want: string];

const text = (max: number) => (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= max;
const code = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/.test(v);
const localDate = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);
const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

function at(input: unknown, path: string): unknown {
  let value = input;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function firstRejection(what: string, input: unknown, rules: readonly Rule[]): string | undefined {
  if (input === null || typeof input !== 'object') return `${what}: must be an object`;
  for (const [path, ok, want] of rules) if (!ok(at(input, path))) return `${what}.${path}: ${want}`;
  return undefined;
}

const CONTRACT_RULES: readonly Rule[] = [
  ['policyNo', code, 'must be a policy number (letters, digits, dashes)'],
  ['channel', oneOf(CHANNELS), `must be one of ${CHANNELS.join(', ')}`],
  ['productType', oneOf(PRODUCT_TYPES), `must be one of ${PRODUCT_TYPES.join(', ')}`],
  ['termMonths', positiveInt, 'must be a whole number of months'],
  ['regionCode', (v) => typeof v === 'string' && /^\d{6}$/.test(v), 'must be a 6-digit region code'],
  ['issuedOn', localDate, 'must be a date YYYY-MM-DD'],
  ['receiptSignedOn', localDate, 'must be a date YYYY-MM-DD'],
  ['org.branch', code, 'must be an office code'],
  ['org.centralSubBranch', code, 'must be an office code'],
  ['org.tier4Office', code, 'must be an office code'],
  ['agent.code', code, 'must be an agent code'],
  ['policyholder.name', text(100), 'must be a name'],
  ['policyholder.phone', (v) => v === undefined || text(20)(v), 'must be a phone number, or left out'],
  ['policyholder.idNumber', text(40), 'must be an ID number'],
];

/** Why the callback workflow's contract is not one it can run (undefined when it is). */
export function contractInputRejection(contract: unknown): string | undefined {
  return firstRejection('contract', contract, CONTRACT_RULES);
}

const TICKET_RULES: readonly Rule[] = [
  ['ticketId', text(64), 'must be a ticket id'],
  ['policyNo', code, 'must be a policy number'],
  ['type', oneOf(TICKET_TYPES), `must be one of ${TICKET_TYPES.join(', ')}`],
  ['reasons', (v) => Array.isArray(v) && v.length > 0 && v.every((r) => typeof r === 'string'), 'must be a non-empty list of reason codes'],
  ['org.branch', code, 'must be an office code'],
  ['org.centralSubBranch', code, 'must be an office code'],
  ['org.tier4Office', code, 'must be an office code'],
  ['agentCode', code, 'must be an agent code'],
  ['finding', (v) => typeof v === 'string', 'must be text'],
];

/** Why a ticket workflow's input is not one it can run (undefined when it is). */
export function ticketInputRejection(input: unknown): string | undefined {
  return firstRejection('ticket', input, TICKET_RULES);
}
