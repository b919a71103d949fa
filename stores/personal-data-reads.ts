/**
 * The log of personal-data reads (PIPL: who saw a policyholder's name and number, when, and why):
 * written before the data is handed out, so a read that cannot be logged is not served. Refusals
 * are logged too. The log names people and policies, never the personal data itself.
 */
import { sql } from 'kysely';
import type { EvidenceDb } from './database/database';

export type ReadOutcome = 'served' | 'refused';

export interface PersonalDataRead {
  username: string;
  role: string;
  office?: string;
  policyNo: string;
  /** Which personal data (e.g. policyholder.name, policyholder.phone). */
  fields: readonly string[];
  /** The route or command it was read through. */
  route: string;
  requestId?: string;
  outcome: ReadOutcome;
  /** Why it was refused. */
  reason?: string;
}

export interface LoggedRead extends PersonalDataRead {
  at: string;
}

export interface ReadFilter {
  policyNo?: string;
  username?: string;
  /** ISO instant: reads at or after it. */
  since?: string;
  limit?: number;
}

export class PersonalDataReads {
  constructor(private readonly db: EvidenceDb) {}

  async log(read: PersonalDataRead): Promise<void> {
    await this.db
      .insertInto('personal_data_reads')
      .values({
        username: read.username,
        role: read.role,
        office: read.office ?? null,
        policy_no: read.policyNo,
        fields: sql`${[...read.fields]}::text[]`,
        route: read.route,
        request_id: read.requestId ?? null,
        outcome: read.outcome,
        reason: read.reason ?? null,
      })
      .execute();
  }

  /** How many reads `username` was served since `since` (for the per-user limit). */
  async servedSince(username: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('personal_data_reads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', username)
      .where('outcome', '=', 'served')
      .where('at', '>=', since.toISOString())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The log, newest first. */
  async list(filter: ReadFilter = {}): Promise<LoggedRead[]> {
    let q = this.db.selectFrom('personal_data_reads').selectAll();
    if (filter.policyNo) q = q.where('policy_no', '=', filter.policyNo);
    if (filter.username) q = q.where('username', '=', filter.username);
    if (filter.since) q = q.where('at', '>=', filter.since);
    const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 500).execute();
    return rows.map((r) => ({
      at: r.at,
      username: r.username,
      role: r.role,
      ...(r.office ? { office: r.office } : {}),
      policyNo: r.policy_no,
      fields: r.fields,
      route: r.route,
      ...(r.request_id ? { requestId: r.request_id } : {}),
      outcome: r.outcome as ReadOutcome,
      ...(r.reason ? { reason: r.reason } : {}),
    }));
  }
}
