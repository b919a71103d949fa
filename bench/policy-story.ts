/**
 * One policy's story as the bench reads it until EvidenceStore.story(policyNo) lands: the latest
 * state (EvidenceStore.callbackState) and the evidence rows of the policy (attempts, answers, stage
 * changes, its tickets and their steps), each table read by its policy number (the primary keys and
 * indexes a real story query uses). bench/evidence-scale.ts calls it through `storyOf`, one line.
 */
import type { EvidenceStore } from '../stores/evidence-store';

export async function benchStory(store: EvidenceStore, policyNo: string) {
  const db = store.db;
  const [latest, attempts, answers, stages, tickets, steps] = await Promise.all([
    store.callbackState(policyNo),
    db.selectFrom('call_attempts').selectAll().where('policy_no', '=', policyNo).orderBy('attempt_no').execute(),
    db.selectFrom('answers').selectAll().where('policy_no', '=', policyNo).execute(),
    db.selectFrom('stage_changes').selectAll().where('policy_no', '=', policyNo).orderBy('seq').execute(),
    db.selectFrom('tickets').select(['ticket_id', 'type', 'stage', 'opened_at', 'closed_at', 'record']).where('policy_no', '=', policyNo).execute(),
    db
      .selectFrom('ticket_steps')
      .innerJoin('tickets', 'tickets.ticket_id', 'ticket_steps.ticket_id')
      .selectAll('ticket_steps')
      .where('tickets.policy_no', '=', policyNo)
      .orderBy('ticket_steps.ticket_id')
      .orderBy('ticket_steps.seq')
      .execute(),
  ]);
  return latest && { ...latest, attempts, answers, stages, tickets, steps };
}
