/**
 * Who receives mail (config/directory.json): the addresses of each office's staff per role — the
 * branch call center, the tier-3 problem-case handler, the tier-4 admin staff — and of each agent,
 * by agent code. Where nobody is listed for a recipient the mail goes to `fallback` (ops), with the
 * reason logged and written into the message, so a gap in the directory is seen and fixed rather
 * than a notification silently dropped.
 *
 * Only staff work addresses live here; policyholders are never mailed.
 */
import { z } from 'zod';
import { ACTOR_ROLES, type ActorRole } from './ticket';
import type { Recipient } from './notification';

export const STAFF_DIRECTORY_FILE = 'directory.json';

/** Roles that belong to an office; agents are listed by agent code under `agents`. */
export const OFFICE_ROLES = ['branch', 'tier3', 'tier4'] as const satisfies readonly ActorRole[];
export type OfficeRole = (typeof OFFICE_ROLES)[number];

const addresses = z.array(z.email('must be an email address')).min(1, 'list at least one address');
const officeCode = z.string().min(1).max(32);
const agentCode = z.string().min(1).max(64);

export const staffDirectorySchema = z
  .object({
    /** Office code (branch, central sub-branch, tier-4 office) → role → addresses. */
    offices: z.record(
      officeCode,
      z
        .object({ branch: addresses.optional(), tier3: addresses.optional(), tier4: addresses.optional() })
        .strict(),
    ),
    /** Agent code → addresses. */
    agents: z.record(agentCode, addresses),
    /** Where mail goes when nobody is listed for its recipient (ops). */
    fallback: addresses,
  })
  .strict();
export type StaffDirectory = z.infer<typeof staffDirectorySchema>;

export interface ResolvedRecipients {
  to: string[];
  /** Set when `to` is the fallback: why nobody listed was found. */
  fallbackReason?: string;
}

/** The addresses for a recipient, or the fallback with the reason; never an empty list. */
export function resolveRecipients(recipient: Recipient, directory: StaffDirectory): ResolvedRecipients {
  const listed = listedFor(recipient, directory);
  if (listed.length > 0) return { to: [...listed] };
  const where = recipient.role === 'agent' ? `agents.${recipient.code}` : `offices.${recipient.code}.${recipient.role}`;
  return {
    to: [...directory.fallback],
    fallbackReason: `no address listed for ${recipient.role} ${recipient.code} (${where} in ${STAFF_DIRECTORY_FILE})`,
  };
}

export type DirectoryWarn = (message: string, meta: Record<string, unknown>) => void;

const consoleWarn: DirectoryWarn = (message, meta) => console.warn(`[huifang] ${message}`, meta);

/**
 * The addresses that receive mail for `recipient`: those listed for its role and office (or agent
 * code), else the directory's fallback, logging why through `warn`.
 */
export function recipientsFor(recipient: Recipient, directory: StaffDirectory, warn: DirectoryWarn = consoleWarn): string[] {
  const { to, fallbackReason } = resolveRecipients(recipient, directory);
  if (fallbackReason) warn(`mail falls back to ${to.join(', ')}: ${fallbackReason}`, { role: recipient.role, code: recipient.code });
  return to;
}

function listedFor({ role, code }: Recipient, directory: StaffDirectory): readonly string[] {
  if (!(ACTOR_ROLES as readonly string[]).includes(role)) return [];
  if (role === 'agent') return Object.hasOwn(directory.agents, code) ? directory.agents[code] : [];
  const office = Object.hasOwn(directory.offices, code) ? directory.offices[code] : undefined;
  return office?.[role] ?? [];
}
