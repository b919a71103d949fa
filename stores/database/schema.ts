/**
 * The system of record's tables as Kysely sees them (the schema itself: migrations/). Timestamps
 * and dates are read back as strings (ISO instants, YYYY-MM-DD: database.ts sets the parsers), as
 * the domain writes them.
 */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { ActorRef, CallbackRecord, TicketRecord } from '../../domain/callback-record';
import type { CallbackState } from '../../domain/callback-state';
import type { TicketState } from '../../domain/ticket';

type Instant = string;
type LocalDate = string;
type Cipher = Buffer;

export interface PoliciesTable {
  policy_no: string;
  channel: string;
  product_code: string | null;
  product_type: string;
  term_months: number | null;
  region_code: string;
  branch: string;
  central_sub_branch: string;
  tier4_office: string;
  agent_code: string;
  issued_on: LocalDate | null;
  receipt_signed_on: LocalDate | null;
  /** The one month a policy counts in, for the fallback cap and the reports (domain/callback-month.ts). */
  callback_month: string;
  started_at: Instant;
  required: boolean;
  rule_id: string | null;
  ratio: number | null;
  sample_value: number | null;
  decision_reason: string;
  cooling_off_ends_at: Instant | null;
  stage: string;
  attempts_made: number;
  completed_call_at: Instant | null;
  /** The call a phone callback was completed on (CallbackRecord.successfulCallAt; migration 0002). */
  successful_call_at: Instant | null;
  completed_by: string | null;
  completed_at: Instant | null;
  escalated_at: Instant | null;
  closed_at: Instant | null;
  evidence_kept_until: LocalDate | null;
  state: JSONColumnType<CallbackState> | null;
  record: JSONColumnType<CallbackRecord>;
  revision: number;
  updated_at: Instant;
}

export interface PolicyKeysTable {
  policy_no: string;
  wrapped_key: Cipher;
  wrapping_key_id: string;
}

export interface PersonalDataTable {
  policy_no: string;
  holder_name: Cipher | null;
  holder_phone: Cipher | null;
  holder_id_number: Cipher | null;
  agent_name: Cipher | null;
  agent_phone: Cipher | null;
}

export interface SamplingCountersTable {
  scope: string;
  drawn: number;
  selected: number;
}

export interface SamplingDrawsTable {
  policy_no: string;
  scope: string;
  seq: number;
  ratio: number;
  selected: boolean;
  reason: string;
  drawn_at: Instant;
}

export interface CallAttemptsTable {
  policy_no: string;
  attempt_no: number;
  attempt_id: string;
  slot_start: Instant | null;
  slot_end: Instant | null;
  placed_at: Instant | null;
  outcome: string | null;
  recorded_at: Instant | null;
  operator: string | null;
  phone_source: string | null;
  number_dialled: Cipher | null;
  note: string | null;
}

export interface AnswersTable {
  policy_no: string;
  /** 'attempt-<n>' for a call's questionnaire, 'receipt' for a letter or visit's. */
  source: string;
  question_id: string;
  answer: string;
  answered_at: Instant | null;
}

export interface RecordingsTable {
  policy_no: string;
  reference: string;
  checksum: string;
  size_bytes: ColumnType<number, number, number>;
  uploaded_by: string | null;
  verified_at: Instant;
}

export interface StageChangesTable {
  policy_no: string;
  seq: number;
  stage: string;
  at: Instant;
  note: string | null;
}

export interface WaiversTable {
  policy_no: string;
  reported_at: Instant;
  statement_ref: string;
  reported_by: JSONColumnType<ActorRef>;
  note: string | null;
  accepted: boolean | null;
  decided_by: JSONColumnType<ActorRef> | null;
  decided_at: Instant | null;
  decision_reason: string | null;
}

export interface FallbackDecisionsTable {
  policy_no: string;
  kind: string | null;
  trigger: string;
  requested_at: Instant;
  granted: boolean;
  refusal: string | null;
  share_fallbacks: number | null;
  share_callbacks: number | null;
  cap: number | null;
  document_ref: string | null;
}

export interface ReceiptsTable {
  policy_no: string;
  reference: string;
  signed_by: Cipher | null;
  signed_at: Instant;
  entered_at: Instant;
  reported_problems: string[] | null;
}

export interface EscalationsTable {
  policy_no: string;
  at: Instant;
  cause: string;
  escalated_to: string;
  reason: string;
}

export interface BranchDecisionsTable {
  policy_no: string;
  reason: string;
  decided_by: JSONColumnType<ActorRef>;
  at: Instant;
}

export interface NotificationsTable {
  /** A policy number or a ticket id. */
  subject: string;
  sent_to: string;
  at: Instant;
  about: string;
  policy_no: string;
}

export interface TicketsTable {
  ticket_id: string;
  policy_no: string;
  type: string;
  reasons: string[];
  branch: string;
  central_sub_branch: string;
  tier4_office: string;
  agent_code: string;
  stage: string | null;
  opened_at: Instant;
  dispatched_at: Instant | null;
  due_at: Instant | null;
  replied_at: Instant | null;
  reply_late: boolean | null;
  overdue: boolean;
  closed_at: Instant | null;
  corrected_phone: Cipher | null;
  state: JSONColumnType<TicketState> | null;
  record: JSONColumnType<TicketRecord>;
  revision: number;
  updated_at: Instant;
}

export interface TicketStepsTable {
  ticket_id: string;
  seq: number;
  step: string;
  actor_role: string;
  actor_id: string;
  actor_office: string | null;
  at: Instant;
  note: string | null;
  late: boolean;
}

export interface RetentionActionsTable {
  id: Generated<number>;
  policy_no: string;
  action: string;
  kept_until: LocalDate;
  removed: string[];
  at: Instant;
  run_id: string;
}

export interface PersonalDataReadsTable {
  id: Generated<number>;
  at: ColumnType<Instant, Instant | undefined, never>;
  username: string;
  role: string;
  office: string | null;
  policy_no: string;
  fields: ColumnType<string[], unknown, never>;
  route: string;
  request_id: string | null;
  outcome: string;
  reason: string | null;
}

export interface ECallbackLinksTable {
  link_id: string;
  policy_no: string;
  token_hash: string;
  sent_at: Instant;
  expires_at: Instant;
  tries: Generated<number>;
  code_hash: string | null;
  code_expires_at: Instant | null;
  session_hash: string | null;
  session_expires_at: Instant | null;
  used_at: Instant | null;
  locked_at: Instant | null;
}

export interface ECallbackEventsTable {
  id: Generated<number>;
  policy_no: string;
  link_id: string;
  at: ColumnType<Instant, Instant | undefined, never>;
  event: string;
  detail: JSONColumnType<Record<string, unknown>> | null;
}

export interface Database {
  policies: PoliciesTable;
  policy_keys: PolicyKeysTable;
  personal_data: PersonalDataTable;
  sampling_counters: SamplingCountersTable;
  sampling_draws: SamplingDrawsTable;
  call_attempts: CallAttemptsTable;
  answers: AnswersTable;
  recordings: RecordingsTable;
  stage_changes: StageChangesTable;
  waivers: WaiversTable;
  fallback_decisions: FallbackDecisionsTable;
  receipts: ReceiptsTable;
  escalations: EscalationsTable;
  branch_decisions: BranchDecisionsTable;
  notifications: NotificationsTable;
  tickets: TicketsTable;
  ticket_steps: TicketStepsTable;
  retention_actions: RetentionActionsTable;
  personal_data_reads: PersonalDataReadsTable;
  e_callback_links: ECallbackLinksTable;
  e_callback_events: ECallbackEventsTable;
}
