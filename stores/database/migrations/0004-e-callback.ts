/**
 * E-callback (电子化回访): the links sent to policyholders (only a hash of each token is kept) and
 * everything that happened on the page, screen by screen, as evidence an auditor can read years later
 * (stores/e-callback-links.ts). No personal data in either: names, ID numbers and phone numbers stay in
 * the encrypted personal_data table.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('e_callback_links')
    .addColumn('link_id', 'text', (c) => c.primaryKey())
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('code_hash', 'text')
    .addColumn('code_expires_at', 'timestamptz')
    .addColumn('session_hash', 'text')
    .addColumn('session_expires_at', 'timestamptz')
    .addColumn('used_at', 'timestamptz')
    .addColumn('locked_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('e_callback_links_policy').on('e_callback_links').columns(['policy_no', 'sent_at']).execute();
  await db.schema
    .createTable('e_callback_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addColumn('link_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema.createIndex('e_callback_events_policy').on('e_callback_events').columns(['policy_no', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('e_callback_events').ifExists().execute();
  await db.schema.dropTable('e_callback_links').ifExists().execute();
}
