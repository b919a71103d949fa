/**
 * The retention purge: once a policy's evidence is past its legal period (policies.evidence_kept_until,
 * domain/retention.ts), its personal data is crypto-shredded. The policy's data key and its
 * personal_data row are deleted, and the other ciphertext under that key (the number dialled, the
 * receipt's signer, a ticket's corrected phone) is set to null; a retention_actions row says what
 * was removed, when, and by which purge run. One transaction per policy: a policy is shredded and
 * recorded together, or not at all.
 *
 * The rest of the evidence (attempts, answers, stages, decisions, tickets' steps) names no person
 * and stays, anonymous, for the statistics. Idempotent: a policy with nothing left to remove is not
 * selected again and gets no second record; two purges at once each take the policy's row lock.
 */
import { sql } from 'kysely';
import { isValidLocalDate, type LocalDate } from '../domain/local-time';
import type { EvidenceDb } from './database/database';

export const SHRED_ACTION = 'crypto-shred';

export interface ShredOptions {
  /** Evidence kept until a day before this one is past its period (the purge's local date). */
  today: LocalDate;
  /** Who did it, recorded on each row (the purge workflow's id). */
  runId: string;
  /** At most this many policies. */
  batch: number;
  /** When (default: now). */
  at?: Date;
  /**
   * Removes the policy's files (recordings, scanned statements and receipts, letters, orders) before
   * its rows are shredded, and says which it removed (recorded with the rest, as recordings/… and documents/…). Files first: a purge
   * stopped in between finds the policy again and removes what is left.
   */
  removeFiles?: (policyNo: string) => Promise<string[]>;
}

export interface ShreddedPolicy {
  policyNo: string;
  keptUntil: LocalDate;
  /** What was removed, as table.column (policy_keys: the data key itself). */
  removed: string[];
}

export interface ShredBatch {
  shredded: ShreddedPolicy[];
  /** The batch was full: more policies may be waiting. */
  more: boolean;
}

const PERSONAL_COLUMNS = ['holder_name', 'holder_phone', 'holder_id_number', 'agent_name', 'agent_phone'] as const;

/** Shreds up to `batch` policies past their period whose personal data is still there, oldest period first. */
export async function shredExpired(db: EvidenceDb, { today, runId, batch, at = new Date(), removeFiles }: ShredOptions): Promise<ShredBatch> {
  if (typeof today !== 'string' || !isValidLocalDate(today)) throw new RangeError(`today must be a YYYY-MM-DD date, not '${today}'`);
  if (typeof runId !== 'string' || runId.length === 0) throw new RangeError('runId must name the purge run');
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive whole number, not ${batch}`);
  const candidates = await db
    .selectFrom('policies as p')
    .select('p.policy_no')
    .where('p.evidence_kept_until', '<', today)
    .where(({ or, exists, selectFrom }) =>
      or([
        exists(selectFrom('policy_keys as k').select(sql`1`.as('x')).whereRef('k.policy_no', '=', 'p.policy_no')),
        exists(selectFrom('personal_data as d').select(sql`1`.as('x')).whereRef('d.policy_no', '=', 'p.policy_no')),
        exists(selectFrom('call_attempts as a').select(sql`1`.as('x')).whereRef('a.policy_no', '=', 'p.policy_no').where('a.number_dialled', 'is not', null)),
        exists(selectFrom('receipts as r').select(sql`1`.as('x')).whereRef('r.policy_no', '=', 'p.policy_no').where('r.signed_by', 'is not', null)),
        exists(selectFrom('tickets as t').select(sql`1`.as('x')).whereRef('t.policy_no', '=', 'p.policy_no').where('t.corrected_phone', 'is not', null)),
      ]),
    )
    .orderBy('p.evidence_kept_until')
    .orderBy('p.policy_no')
    .limit(batch)
    .execute();
  const shredded: ShreddedPolicy[] = [];
  for (const { policy_no } of candidates) {
    const files = removeFiles ? await removeFiles(policy_no) : [];
    const done = await shredPolicy(db, policy_no, today, runId, at, files);
    if (done) shredded.push(done);
  }
  return { shredded, more: candidates.length === batch };
}

async function shredPolicy(db: EvidenceDb, policyNo: string, today: LocalDate, runId: string, at: Date, files: string[]): Promise<ShreddedPolicy | undefined> {
  return db.transaction().execute(async (trx) => {
    // The row lock: a concurrent purge (or a late evidence write) waits for this one, then finds nothing.
    const policy = await trx.selectFrom('policies').select('evidence_kept_until').where('policy_no', '=', policyNo).forUpdate().executeTakeFirst();
    const keptUntil = policy?.evidence_kept_until;
    if (!keptUntil || keptUntil >= today) return undefined;

    const removed: string[] = [...files];
    const key = await trx.deleteFrom('policy_keys').where('policy_no', '=', policyNo).returning('policy_no').executeTakeFirst();
    if (key) removed.push('policy_keys');
    const personal = await trx.deleteFrom('personal_data').where('policy_no', '=', policyNo).returningAll().executeTakeFirst();
    if (personal) for (const column of PERSONAL_COLUMNS) if (personal[column] !== null) removed.push(`personal_data.${column}`);
    const dialled = await trx.updateTable('call_attempts').set({ number_dialled: null }).where('policy_no', '=', policyNo).where('number_dialled', 'is not', null).returning('attempt_no').execute();
    if (dialled.length > 0) removed.push('call_attempts.number_dialled');
    const signer = await trx.updateTable('receipts').set({ signed_by: null }).where('policy_no', '=', policyNo).where('signed_by', 'is not', null).returning('policy_no').execute();
    if (signer.length > 0) removed.push('receipts.signed_by');
    const corrected = await trx.updateTable('tickets').set({ corrected_phone: null }).where('policy_no', '=', policyNo).where('corrected_phone', 'is not', null).returning('ticket_id').execute();
    if (corrected.length > 0) removed.push('tickets.corrected_phone');
    if (removed.length === 0) return undefined; // another purge got here first

    await trx
      .insertInto('retention_actions')
      .values({ policy_no: policyNo, action: SHRED_ACTION, kept_until: keptUntil, removed, at: at.toISOString(), run_id: runId })
      .execute();
    return { policyNo, keptUntil, removed };
  });
}
