/**
 * What the compliance figures read in SQL (stores/evidence-queries.ts): the call a phone callback
 * was completed on (CallbackRecord.successfulCallAt, counted against the cooling-off end), and an
 * index for a branch's tickets by opening time (the central sub-branch's and tier-4 office's exist).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('policies').addColumn('successful_call_at', 'timestamptz').execute();
  // Rows written before: the last completed call of each callback completed by phone, from its attempts.
  await sql`
    update policies p set successful_call_at = (
      select max(a.recorded_at) from call_attempts a where a.policy_no = p.policy_no and a.outcome = 'completed'
    ) where p.completed_by = 'phone'`.execute(db);
  await db.schema.createIndex('tickets_branch_opened').on('tickets').columns(['branch', 'opened_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_branch_opened').ifExists().execute();
  await db.schema.alterTable('policies').dropColumn('successful_call_at').execute();
}
