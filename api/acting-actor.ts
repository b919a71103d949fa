/**
 * Nobody acts as someone else: the actor of a step, waiver, receipt or outcome is the caller. A body
 * may leave it out (the token fills it in) or repeat it; one that names anybody else is a 403.
 */
import type { Actor } from '../domain/ticket';
import { HttpError } from './errors';
import { actorOf, type Principal } from './roles';

export function actingActor(p: Principal, given: Partial<Actor> | undefined): Actor {
  const actor = actorOf(p);
  if (!actor) throw new HttpError(403, `a ${p.role} token takes no part in callbacks or tickets; sign in as the staff member who acts`);
  if (given) {
    for (const field of ['role', 'id', 'office'] as const) {
      if (given[field] !== actor[field]) {
        throw new HttpError(403, `actor.${field} is ${given[field] ?? '(none)'}, but this token acts as ${describe(actor)}`);
      }
    }
  }
  return actor;
}

/** The same for a body field holding the caller's staff id (`operator`, `uploadedBy`). */
export function actingId(p: Principal, given: string | undefined, field: string): string {
  if (given !== undefined && given !== p.id) throw new HttpError(403, `${field} is ${given}, but this token is ${p.role} ${p.id}`);
  return p.id;
}

function describe(a: Actor): string {
  return `${a.role} ${a.id}${a.office ? ` of ${a.office}` : ''}`;
}
