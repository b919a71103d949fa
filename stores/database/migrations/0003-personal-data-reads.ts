/**
 * Every read of a policyholder's personal data, served or refused (stores/personal-data-reads.ts):
 * who, which policy and fields, when, through which route and request, and why a refusal. It holds no
 * personal data itself; it is kept as long as the policy's evidence and shredded with it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('personal_data_reads')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('office', 'text')
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addColumn('fields', sql`text[]`, (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('personal_data_reads_policy').on('personal_data_reads').columns(['policy_no', 'at']).execute();
  await db.schema.createIndex('personal_data_reads_user').on('personal_data_reads').columns(['username', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('personal_data_reads').ifExists().execute();
}
