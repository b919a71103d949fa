/**
 * The e-callback links and their evidence (migration 0004). A link's token is 256 random bits sent
 * only in the SMS; the database keeps its SHA-256, so a copy of the database opens no link. The one-time
 * code and the page's session are kept the same way. Every step on the page is an event row: what was
 * shown, what was answered, when.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { EvidenceDb } from './database/database';

export interface LinkRow {
  linkId: string;
  policyNo: string;
  sentAt: string;
  expiresAt: string;
  tries: number;
  codeHash?: string;
  codeExpiresAt?: string;
  sessionExpiresAt?: string;
  usedAt?: string;
  lockedAt?: string;
}

export interface ECallbackEvent {
  at: string;
  linkId: string;
  event: string;
  detail?: Record<string, unknown>;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const opt = (v: unknown) => (v === null || v === undefined ? undefined : new Date(v as string).toISOString());

/** A secret for a URL fragment or a header: 256 random bits. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** A one-time code of `digits` digits. */
export const newCode = (digits: number): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');

export class ECallbackLinks {
  constructor(private readonly db: EvidenceDb) {}

  /**
   * Issues link `linkId` (the workflow's own id for it) with a fresh token; issued again (a retried
   * send), it gets a new token and the earlier one stops working. Answers the token, for the SMS only.
   */
  async issue(policyNo: string, linkId: string, sentAt: string, expiresAt: string): Promise<string> {
    const token = newSecret();
    await this.db
      .insertInto('e_callback_links')
      .values({ link_id: linkId, policy_no: policyNo, token_hash: hash(token), sent_at: sentAt, expires_at: expiresAt })
      .onConflict((oc) => oc.column('link_id').doUpdateSet({ token_hash: hash(token), sent_at: sentAt, expires_at: expiresAt }))
      .execute();
    await this.event(policyNo, linkId, 'link-sent', { expiresAt });
    return token;
  }

  async byToken(token: string): Promise<LinkRow | undefined> {
    return this.rowWhere('token_hash', hash(token));
  }

  async bySession(session: string): Promise<LinkRow | undefined> {
    const row = await this.rowWhere('session_hash', hash(session));
    return row?.sessionExpiresAt && Date.parse(row.sessionExpiresAt) > Date.now() ? row : undefined;
  }

  /** The policy's links, newest first (a new link makes the older ones void). */
  async latestOf(policyNo: string): Promise<LinkRow | undefined> {
    const r = await this.db.selectFrom('e_callback_links').selectAll().where('policy_no', '=', policyNo).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
    return r && rowOf(r);
  }

  private async rowWhere(column: 'token_hash' | 'session_hash', value: string): Promise<LinkRow | undefined> {
    const r = await this.db.selectFrom('e_callback_links').selectAll().where(column, '=', value).executeTakeFirst();
    return r && rowOf(r);
  }

  async event(policyNo: string, linkId: string, event: string, detail?: Record<string, unknown>): Promise<void> {
    await this.db
      .insertInto('e_callback_events')
      .values({ policy_no: policyNo, link_id: linkId, event, detail: detail ? JSON.stringify(detail) : null })
      .execute();
  }

  async events(policyNo: string): Promise<ECallbackEvent[]> {
    const rows = await this.db.selectFrom('e_callback_events').selectAll().where('policy_no', '=', policyNo).orderBy('id').execute();
    return rows.map((r) => ({ at: new Date(r.at).toISOString(), linkId: r.link_id, event: r.event, ...(r.detail ? { detail: r.detail as Record<string, unknown> } : {}) }));
  }

  /** Whether `event` happened on link `linkId` (a face verification passed, say). */
  async happened(linkId: string, event: string): Promise<boolean> {
    const r = await this.db.selectFrom('e_callback_events').select('id').where('link_id', '=', linkId).where('event', '=', event).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  /** Counts a wrong identity or code; locks the link at `maxTries`. Answers the tries left. */
  async failedTry(linkId: string, maxTries: number): Promise<number> {
    const r = await this.db
      .updateTable('e_callback_links')
      .set({ tries: sql`tries + 1`, locked_at: sql`case when tries + 1 >= ${maxTries} then now() else locked_at end` })
      .where('link_id', '=', linkId)
      .returning(['tries'])
      .executeTakeFirstOrThrow();
    return Math.max(0, maxTries - r.tries);
  }

  async setCode(linkId: string, code: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('e_callback_links').set({ code_hash: hash(code), code_expires_at: expiresAt }).where('link_id', '=', linkId).execute();
  }

  codeMatches(row: LinkRow, code: string): boolean {
    return !!row.codeHash && !!row.codeExpiresAt && Date.parse(row.codeExpiresAt) > Date.now() && row.codeHash === hash(code);
  }

  /** The page's session after the code: answers its secret (for the page only); the code is spent. */
  async openSession(linkId: string, expiresAt: string): Promise<string> {
    const session = newSecret();
    await this.db.updateTable('e_callback_links').set({ session_hash: hash(session), session_expires_at: expiresAt, code_hash: null, code_expires_at: null }).where('link_id', '=', linkId).execute();
    return session;
  }

  /** Spends the link: true the first time, false when it was already used. */
  async markUsed(linkId: string): Promise<boolean> {
    const r = await this.db.updateTable('e_callback_links').set({ used_at: sql`now()`, session_hash: null }).where('link_id', '=', linkId).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

function rowOf(r: {
  link_id: string;
  policy_no: string;
  sent_at: string;
  expires_at: string;
  tries: number;
  code_hash: string | null;
  code_expires_at: string | null;
  session_expires_at: string | null;
  used_at: string | null;
  locked_at: string | null;
}): LinkRow {
  return {
    linkId: r.link_id,
    policyNo: r.policy_no,
    sentAt: opt(r.sent_at)!,
    expiresAt: opt(r.expires_at)!,
    tries: r.tries,
    codeHash: r.code_hash ?? undefined,
    codeExpiresAt: opt(r.code_expires_at),
    sessionExpiresAt: opt(r.session_expires_at),
    usedAt: opt(r.used_at),
    lockedAt: opt(r.locked_at),
  };
}
