/**
 * The system of record's first schema: every policy's callback evidence and every ticket's steps,
 * kept for the legal period (domain/retention.ts). Timestamps are `timestamptz`, business dates
 * `date`; personal data only ever as ciphertext (`bytea`, stores/personal-data-cipher.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = 'timestamptz' as const;

  // One row per policy: the contract's business fields, the decision, where it stands, and the
  // latest state of its workflow (`state`, the view the API, CLI and pages show).
  await db.schema
    .createTable('policies')
    .addColumn('policy_no', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('product_code', 'text')
    .addColumn('product_type', 'text', (c) => c.notNull())
    .addColumn('term_months', 'integer')
    .addColumn('region_code', 'text', (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('central_sub_branch', 'text', (c) => c.notNull())
    .addColumn('tier4_office', 'text', (c) => c.notNull())
    .addColumn('agent_code', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'date')
    .addColumn('receipt_signed_on', 'date')
    .addColumn('callback_month', 'text', (c) => c.notNull())
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('required', 'boolean', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('ratio', 'double precision')
    .addColumn('sample_value', 'double precision')
    .addColumn('decision_reason', 'text', (c) => c.notNull())
    .addColumn('cooling_off_ends_at', ts)
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('attempts_made', 'integer', (c) => c.notNull())
    .addColumn('completed_call_at', ts)
    .addColumn('completed_by', 'text')
    .addColumn('completed_at', ts)
    .addColumn('escalated_at', ts)
    .addColumn('closed_at', ts)
    .addColumn('evidence_kept_until', 'date')
    .addColumn('state', 'jsonb')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policies_tier4_month').on('policies').columns(['tier4_office', 'callback_month']).execute();
  await db.schema.createIndex('policies_csb_month').on('policies').columns(['central_sub_branch', 'callback_month']).execute();
  await db.schema.createIndex('policies_branch_month').on('policies').columns(['branch', 'callback_month']).execute();
  await db.schema.createIndex('policies_stage').on('policies').columns(['stage']).execute();
  await db.schema.createIndex('policies_kept_until').on('policies').columns(['evidence_kept_until']).execute();

  // Personal data, encrypted with a key of the policy's own (wrapped by the payload key): deleting
  // the key row crypto-shreds it.
  await db.schema
    .createTable('policy_keys')
    .addColumn('policy_no', 'text', (c) => c.primaryKey().references('policies.policy_no'))
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('wrapping_key_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('personal_data')
    .addColumn('policy_no', 'text', (c) => c.primaryKey().references('policies.policy_no'))
    .addColumn('holder_name', 'bytea')
    .addColumn('holder_phone', 'bytea')
    .addColumn('holder_id_number', 'bytea')
    .addColumn('agent_name', 'bytea')
    .addColumn('agent_phone', 'bytea')
    .execute();

  // The sampling draws: a policy's place in its office-month, and why it was or was not selected.
  await db.schema
    .createTable('sampling_counters')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('drawn', 'integer', (c) => c.notNull())
    .addColumn('selected', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sampling_draws')
    .addColumn('policy_no', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('ratio', 'double precision', (c) => c.notNull())
    .addColumn('selected', 'boolean', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('drawn_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('call_attempts')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('attempt_no', 'integer', (c) => c.notNull())
    .addColumn('attempt_id', 'text', (c) => c.notNull())
    .addColumn('slot_start', ts)
    .addColumn('slot_end', ts)
    .addColumn('placed_at', ts)
    .addColumn('outcome', 'text')
    .addColumn('recorded_at', ts)
    .addColumn('operator', 'text')
    .addColumn('phone_source', 'text')
    .addColumn('number_dialled', 'bytea')
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('call_attempts_pk', ['policy_no', 'attempt_no'])
    .execute();
  await db.schema
    .createTable('answers')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('source', 'text', (c) => c.notNull()) // 'attempt-<n>' or 'receipt'
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('answered_at', ts)
    .addPrimaryKeyConstraint('answers_pk', ['policy_no', 'source', 'question_id'])
    .execute();
  await db.schema
    .createTable('recordings')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('uploaded_by', 'text')
    .addColumn('verified_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('recordings_pk', ['policy_no', 'reference'])
    .execute();
  await db.schema
    .createTable('stage_changes')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('stage_changes_pk', ['policy_no', 'seq'])
    .execute();
  await db.schema
    .createTable('waivers')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('reported_at', ts, (c) => c.notNull())
    .addColumn('statement_ref', 'text', (c) => c.notNull())
    .addColumn('reported_by', 'jsonb', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('accepted', 'boolean')
    .addColumn('decided_by', 'jsonb')
    .addColumn('decided_at', ts)
    .addColumn('decision_reason', 'text')
    .addPrimaryKeyConstraint('waivers_pk', ['policy_no', 'reported_at'])
    .execute();
  await db.schema
    .createTable('fallback_decisions')
    .addColumn('policy_no', 'text', (c) => c.primaryKey().references('policies.policy_no'))
    .addColumn('kind', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('requested_at', ts, (c) => c.notNull())
    .addColumn('granted', 'boolean', (c) => c.notNull())
    .addColumn('refusal', 'text')
    .addColumn('share_fallbacks', 'integer')
    .addColumn('share_callbacks', 'integer')
    .addColumn('cap', 'double precision')
    .addColumn('document_ref', 'text')
    .execute();
  await db.schema
    .createTable('receipts')
    .addColumn('policy_no', 'text', (c) => c.primaryKey().references('policies.policy_no'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'bytea')
    .addColumn('signed_at', ts, (c) => c.notNull())
    .addColumn('entered_at', ts, (c) => c.notNull())
    .addColumn('reported_problems', sql`text[]`)
    .execute();
  await db.schema
    .createTable('escalations')
    .addColumn('policy_no', 'text', (c) => c.notNull().references('policies.policy_no'))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('escalated_to', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('escalations_pk', ['policy_no', 'at', 'cause'])
    .execute();
  await db.schema
    .createTable('branch_decisions')
    .addColumn('policy_no', 'text', (c) => c.primaryKey().references('policies.policy_no'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'jsonb', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .execute();
  // Reminders and notices sent, of policies and of tickets (subject: a policy number or a ticket id).
  await db.schema
    .createTable('notifications')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('sent_to', 'text', (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('about', 'text', (c) => c.notNull())
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notifications_pk', ['subject', 'sent_to', 'at', 'about'])
    .execute();
  await db.schema.createIndex('notifications_policy').on('notifications').columns(['policy_no']).execute();

  await db.schema
    .createTable('tickets')
    .addColumn('ticket_id', 'text', (c) => c.primaryKey())
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('reasons', sql`text[]`, (c) => c.notNull())
    .addColumn('branch', 'text', (c) => c.notNull())
    .addColumn('central_sub_branch', 'text', (c) => c.notNull())
    .addColumn('tier4_office', 'text', (c) => c.notNull())
    .addColumn('agent_code', 'text', (c) => c.notNull())
    .addColumn('stage', 'text')
    .addColumn('opened_at', ts, (c) => c.notNull())
    .addColumn('dispatched_at', ts)
    .addColumn('due_at', ts)
    .addColumn('replied_at', ts)
    .addColumn('reply_late', 'boolean')
    .addColumn('overdue', 'boolean', (c) => c.notNull())
    .addColumn('closed_at', ts)
    .addColumn('corrected_phone', 'bytea')
    .addColumn('state', 'jsonb')
    .addColumn('record', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tickets_policy').on('tickets').columns(['policy_no']).execute();
  await db.schema.createIndex('tickets_csb_opened').on('tickets').columns(['central_sub_branch', 'opened_at']).execute();
  await db.schema.createIndex('tickets_tier4_opened').on('tickets').columns(['tier4_office', 'opened_at']).execute();
  await db.schema
    .createTable('ticket_steps')
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.ticket_id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_office', 'text')
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_steps_pk', ['ticket_id', 'seq'])
    .execute();

  // What the retention schedule removed, and when: the proof that the legal period was kept, and no longer.
  await db.schema
    .createTable('retention_actions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('policy_no', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('kept_until', 'date', (c) => c.notNull())
    .addColumn('removed', sql`text[]`, (c) => c.notNull())
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retention_actions_policy').on('retention_actions').columns(['policy_no']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['retention_actions', 'ticket_steps', 'tickets', 'notifications', 'branch_decisions', 'escalations', 'receipts', 'fallback_decisions', 'waivers', 'stage_changes', 'recordings', 'answers', 'call_attempts', 'sampling_draws', 'sampling_counters', 'personal_data', 'policy_keys', 'policies']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
