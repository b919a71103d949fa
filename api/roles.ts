/**
 * Who calls the API: one principal per token, `{ role, id, office? }`. The roles are the callers of
 * the business (the issuance system, the branch call center, the tier-3 handler, tier-4 staff, the
 * agent) plus ops. The acting actor of every business step is derived from the principal, never
 * taken on trust from a body.
 */
import { z } from 'zod';
import type { Actor, ActorRole } from '../domain/ticket';

export const ROLES = ['issuance', 'call-center', 'tier3', 'tier4', 'agent', 'ops'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that belong to an office: the branch code, the central sub-branch, the tier-4 office. */
export const OFFICE_BOUND_ROLES = ['call-center', 'tier3', 'tier4'] as const satisfies readonly Role[];

const code = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be letters, digits and dashes');

export const principalSchema = z
  .object({
    role: z.enum(ROLES),
    /** Staff id, the agent's code for an agent, the system's name for a machine client. */
    id: code,
    office: code.max(32).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const bound = (OFFICE_BOUND_ROLES as readonly Role[]).includes(p.role);
    if (bound && !p.office) ctx.addIssue({ code: 'custom', path: ['office'], message: `a ${p.role} principal needs its office` });
    if (!bound && p.office) ctx.addIssue({ code: 'custom', path: ['office'], message: `a ${p.role} principal has no office` });
  });
export type Principal = z.infer<typeof principalSchema>;

/** The domain's actor role for a principal: the call center acts as the branch; issuance and ops never act. */
const ACTOR_ROLE: Partial<Record<Role, ActorRole>> = { 'call-center': 'branch', tier3: 'tier3', tier4: 'tier4', agent: 'agent' };

export function actorOf(principal: Principal): Actor | undefined {
  const role = ACTOR_ROLE[principal.role];
  if (!role) return undefined;
  return principal.office ? { role, id: principal.id, office: principal.office } : { role, id: principal.id };
}
