/**
 * Seeds a system-of-record database with about `rows` evidence rows in all (policies, their keys and
 * encrypted personal data, call attempts, answers, recordings, stage changes, waivers, fallback
 * decisions, receipts, escalations, reminders, tickets and ticket steps), for the scale figures of
 * bench/evidence-scale.ts. Everything is generated inside PostgreSQL (INSERT … SELECT over
 * generate_series), table by table from one plan of the policies, so 10 million rows take minutes,
 * not hours of round trips from Node.
 *
 * The data is shaped like a year of a real insurer: 4 branches, 32 central sub-branches, 384 tier-4
 * offices, ~3,800 agents, 12 receipt-signed months, and a mix of outcomes (KINDS below): most
 * policies called and completed, some not required, some with a level-2 ticket, some unreachable and
 * done by letter, a few waived, refused, escalated or still open. The jsonb `state` and `record` are
 * as the workflows write them (questions, attempts with answers, stage history, tickets), so the
 * database's size per policy is the real one.
 *
 *   npx tsx bench/seed-evidence.ts --rows 10000000
 *
 * against HUIFANG_BENCH_DATABASE_URL (a fresh database on it), else an embedded server of its own in
 * a temporary folder (deleted at the end). bench/evidence-scale.ts seeds and measures in one go.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadSettings } from '../config/settings';
import { STEP_RULES, TICKET_FLOWS } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import { createBenchDatabase } from './bench-database';
import { log } from './stats';

/** Where the organisation's codes come from: branch SH, central sub-branch SH-C03, tier-4 office SH-C03-T07. */
export const ORG = {
  branches: [
    { code: 'SH', region: '310000' },
    { code: 'BJ', region: '110000' },
    { code: 'GD', region: '440000' },
    { code: 'ZJ', region: '330000' },
  ],
  centralSubBranchesPerBranch: 8,
  tier4OfficesPerCentralSubBranch: 12,
  agentsPerOffice: 10,
} as const;

/** The 12 receipt-signed months seeded, the last one first day (all dates UTC-agnostic local dates). */
export const SEED_MONTHS = { first: '2025-12-01', count: 12 } as const;

/** The seeded policy numbers: BP0000000001 … (so a random one is a random number, no lookup). */
export function seededPolicyNo(i: number): string {
  return `BP${String(i).padStart(10, '0')}`;
}

interface Kind {
  name: string;
  share: number;
  /** Attempts made: one of these, equally likely. */
  attempts: number[];
  required: boolean;
  /** The outcome of the last attempt (earlier ones: no-answer / busy). */
  lastOutcome?: string;
  /** The questionnaire answered on the last call ('call'), or on the letter's receipt ('receipt'). */
  answers?: 'call' | 'receipt';
  recording?: boolean;
  ticket?: { type: TicketType; reasons: string[] };
  /** The stages after the call rounds, the last one the policy's stage now. */
  tail: string[];
  completedBy?: 'phone' | 'letter';
  fallback?: boolean;
  waiver?: boolean;
  escalation?: string;
}

const KINDS: Kind[] = [
  { name: 'not-required', share: 0.22, attempts: [0], required: false, tail: ['NOT_REQUIRED'] },
  { name: 'phone', share: 0.58, attempts: [1, 1, 1, 2, 2, 3], required: true, lastOutcome: 'completed', answers: 'call', recording: true, tail: ['AWAITING_RECORDING', 'COMPLETED'], completedBy: 'phone' },
  {
    name: 'level-2-ticket',
    share: 0.07,
    attempts: [1, 1, 2],
    required: true,
    lastOutcome: 'completed',
    answers: 'call',
    recording: true,
    ticket: { type: 'level-2', reasons: ['contract-not-received'] },
    tail: ['AWAITING_TICKET', 'AWAITING_RECORDING', 'COMPLETED'],
    completedBy: 'phone',
  },
  {
    name: 'letter',
    share: 0.05,
    attempts: [3, 4, 5],
    required: true,
    lastOutcome: 'no-answer',
    answers: 'receipt',
    ticket: { type: 'failed-callback', reasons: ['unreachable'] },
    tail: ['UNREACHABLE', 'AWAITING_TICKET', 'AWAITING_RECEIPT', 'COMPLETED'],
    completedBy: 'letter',
    fallback: true,
  },
  { name: 'waived', share: 0.02, attempts: [0, 1], required: true, lastOutcome: 'no-answer', waiver: true, tail: ['WAIVED'] },
  { name: 'refused', share: 0.02, attempts: [1], required: true, lastOutcome: 'refused', recording: true, tail: ['AWAITING_RECORDING', 'REFUSED'] },
  { name: 'unresolved', share: 0.02, attempts: [1, 2], required: true, lastOutcome: 'completed', answers: 'call', tail: ['AWAITING_RECORDING', 'UNRESOLVED'], escalation: 'recording' },
  { name: 'open', share: 0.02, attempts: [0, 1], required: true, lastOutcome: 'no-answer', tail: ['AWAITING_CALL'] },
];

/** The stages a policy of `kind` with `n` attempts went through, in order. */
function stagesOf(kind: Kind, n: number): string[] {
  if (!kind.required) return ['ASSESSING', ...kind.tail];
  const rounds = n === 0 ? ['AWAITING_CALL'] : Array.from({ length: n }, () => ['AWAITING_CALL', 'CALLING']).flat();
  return ['ASSESSING', ...rounds, ...kind.tail];
}

/** About this many evidence rows per policy with the mix above (the seed sizes the plan with it). */
function rowsPerPolicy(questions: number): number {
  return KINDS.reduce((sum, k) => {
    const n = k.attempts.reduce((a, b) => a + b, 0) / k.attempts.length;
    const steps = k.ticket ? TICKET_FLOWS[k.ticket.type].length + 1 : 0;
    const rows = 3 + n + stagesOf(k, Math.round(n)).length + (k.answers ? questions : 0) + (k.recording ? 1 : 0) + steps + (k.fallback ? 2 : 0) + (k.waiver ? 1 : 0) + (k.escalation ? 3 : 0);
    return sum + k.share * rows;
  }, 0);
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (xs: readonly string[]) => `ARRAY[${xs.map(lit).join(',')}]::text[]`;

export const EVIDENCE_TABLES = [
  'policies', 'policy_keys', 'personal_data', 'call_attempts', 'answers', 'recordings', 'stage_changes', 'waivers',
  'fallback_decisions', 'receipts', 'escalations', 'notifications', 'tickets', 'ticket_steps',
] as const;

export interface SeedResult {
  policies: number;
  rowsByTable: Record<string, number>;
  totalRows: number;
  seconds: number;
  secondsByTable: Record<string, number>;
}

/** Seeds `url` (a migrated, empty database) with about `rows` evidence rows. */
export async function seedEvidence(url: string, rows: number): Promise<SeedResult> {
  const settings = loadSettings();
  const questions = settings.questionnaire.questions.filter((q) => !q.appliesTo).map((q) => ({ id: q.id, text: q.text }));
  const qids = questions.map((q) => q.id);
  const policies = Math.max(1, Math.round(rows / rowsPerPolicy(qids.length)));
  const b = ORG.branches.length;
  const c = ORG.centralSubBranchesPerBranch;
  const t = ORG.tier4OfficesPerCentralSubBranch;
  const offices = b * c * t;

  const client = new pg.Client({ connectionString: url, statement_timeout: 0 });
  await client.connect();
  const started = performance.now();
  const secondsByTable: Record<string, number> = {};
  const step = async (name: string, text: string, values: unknown[] = []) => {
    const t0 = performance.now();
    const res = await client.query(text, values);
    secondsByTable[name] = Math.round((performance.now() - t0) / 100) / 10;
    if (res.rowCount !== null && res.command === 'INSERT') log(`  ${name}: ${res.rowCount.toLocaleString('en')} rows in ${secondsByTable[name]} s`);
    return res;
  };
  try {
    await client.query("SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET synchronous_commit = off");
    await client.query(`CREATE FUNCTION pg_temp.iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    await client.query(`CREATE FUNCTION pg_temp.cipher(seed text, n int) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT substring(decode(md5(seed) || md5(seed || 'a') || md5(seed || 'b') || md5(seed || 'c'), 'hex') from 1 for n) $$`);

    // --- The plan: one row per policy, every other table derived from it ---------------------------
    let cumulative = 0;
    const kindCase = KINDS.map((k) => `WHEN u < ${(cumulative += k.share).toFixed(6)} THEN ${lit(k.name)}`).join(' ');
    const byKind = (f: (k: Kind) => string, otherwise = 'NULL') => `CASE kind ${KINDS.map((k) => `WHEN ${lit(k.name)} THEN ${f(k)}`).join(' ')} ELSE ${otherwise} END`;
    const stagesCase = KINDS.flatMap((k) => [...new Set(k.attempts)].map((n) => `WHEN kind = ${lit(k.name)} AND n_att = ${n} THEN ${textArray(stagesOf(k, n))}`)).join(' ');
    await step(
      'plan',
      `CREATE TEMP TABLE seed_plan AS
       WITH drawn AS (
         SELECT i, floor(random() * ${offices})::int AS office, random() AS u, random() AS r2, random() AS r3, random() AS r4,
                floor(random() * ${SEED_MONTHS.count})::int AS month
         FROM generate_series(1, ${policies}) i
       ), kinded AS (
         SELECT *, CASE ${kindCase} ELSE ${lit(KINDS[KINDS.length - 1].name)} END AS kind FROM drawn
       ), counted AS (
         SELECT *, (${byKind((k) => `ARRAY[${k.attempts.join(',')}]`)})[1 + floor(r2 * ${byKind((k) => String(k.attempts.length))})::int] AS n_att,
                (date ${lit(SEED_MONTHS.first)} + make_interval(months => month))::date AS month_start
         FROM kinded
       )
       SELECT i, kind, n_att, r3,
         'BP' || lpad(i::text, 10, '0') AS policy_no,
         (${textArray(ORG.branches.map((x) => x.code))})[1 + office / ${c * t}] AS branch,
         (${textArray(ORG.branches.map((x) => x.region))})[1 + office / ${c * t}] AS region_code,
         (${textArray(ORG.branches.map((x) => x.code))})[1 + office / ${c * t}] || '-C' || lpad((1 + (office / ${t}) % ${c})::text, 2, '0') AS central_sub_branch,
         (${textArray(ORG.branches.map((x) => x.code))})[1 + office / ${c * t}] || '-C' || lpad((1 + (office / ${t}) % ${c})::text, 2, '0') || '-T' || lpad((1 + office % ${t})::text, 2, '0') AS tier4_office,
         'A' || lpad((office * ${ORG.agentsPerOffice} + floor(r4 * 1000)::int % ${ORG.agentsPerOffice})::text, 5, '0') AS agent_code,
         (month_start + floor(r3 * 28)::int) AS receipt_on,
         (month_start + floor(r3 * 28)::int)::timestamp AT TIME ZONE 'UTC' + interval '2 hours' + make_interval(mins => floor(r2 * 360)::int) AS started,
         CASE WHEN r4 < 0.7 THEN 'agency' ELSE 'bancassurance' END AS channel,
         (ARRAY['traditional','participating','universal','health'])[1 + floor(random() * 4)::int] AS product_type,
         CASE ${stagesCase} END AS stages
       FROM counted`,
    );
    await client.query('ALTER TABLE seed_plan ADD PRIMARY KEY (i)');
    await client.query('ANALYZE seed_plan');

    // Derived per policy: when each stage was entered (12 hours apart), the attempt times (a day apart).
    await client.query(`CREATE TEMP VIEW seed_policy AS
      SELECT p.*, ${byKind((k) => lit(k.lastOutcome ?? ''))} AS last_outcome,
        ${byKind((k) => String(k.required))} AS required,
        ${byKind((k) => lit(k.answers ?? ''))} AS answers_from,
        ${byKind((k) => String(!!k.recording))} AS has_recording,
        ${byKind((k) => (k.ticket ? lit(k.ticket.type) : 'NULL'))} AS ticket_type,
        ${byKind((k) => (k.ticket ? textArray(k.ticket.reasons) : 'NULL'))} AS ticket_reasons,
        ${byKind((k) => (k.completedBy ? lit(k.completedBy) : 'NULL'))} AS completed_by,
        ${byKind((k) => String(!!k.fallback))} AS has_fallback,
        ${byKind((k) => String(!!k.waiver))} AS has_waiver,
        ${byKind((k) => (k.escalation ? lit(k.escalation) : 'NULL'))} AS escalation_cause,
        p.stages[array_length(p.stages, 1)] AS stage,
        p.started + (array_length(p.stages, 1) - 1) * interval '12 hours' AS last_change_at,
        p.receipt_on::timestamp AT TIME ZONE 'UTC' + interval '15 days 16 hours' AS cooling_off_ends_at,
        p.started + p.n_att * interval '1 day' + interval '1 hour' AS ticket_opened_at,
        p.started + p.n_att * interval '1 day' + interval '5 days' AS fallback_at
      FROM seed_plan p`);
    await client.query(`CREATE TEMP VIEW seed_attempts AS
      SELECT p.policy_no, p.i, j AS attempt_no, p.policy_no || '-a' || j AS attempt_id,
        p.started + j * interval '1 day' AS slot_start, p.started + j * interval '1 day' + interval '4 hours' AS slot_end,
        p.started + j * interval '1 day' + interval '3 minutes' AS placed_at,
        CASE WHEN j < p.n_att THEN (CASE WHEN j % 2 = 1 THEN 'no-answer' ELSE 'busy' END) ELSE p.last_outcome END AS outcome,
        p.started + j * interval '1 day' + interval '9 minutes' AS recorded_at,
        'OP' || lpad(((p.i * 7 + j) % 200)::text, 3, '0') AS operator,
        j = p.n_att AND p.answers_from = 'call' AS answered, p.ticket_type
      FROM seed_policy p, generate_series(1, p.n_att) j`);
    await client.query(`CREATE TEMP VIEW seed_tickets AS
      SELECT p.policy_no || '-T1' AS ticket_id, p.*, p.ticket_opened_at + interval '3 days' AS due_at, p.i % 10 = 0 AS late
      FROM seed_policy p WHERE p.ticket_type IS NOT NULL`);
    const flowCase = (f: (step: string) => string) =>
      `CASE t.ticket_type ${(Object.keys(TICKET_FLOWS) as TicketType[]).map((type) => `WHEN ${lit(type)} THEN ${textArray(TICKET_FLOWS[type].map(f))}`).join(' ')} END`;
    await client.query(`CREATE TEMP VIEW seed_steps AS
      SELECT t.ticket_id, t.policy_no, s.seq - 1 AS seq, s.step, s.role, t.ticket_opened_at + s.seq * interval '20 hours' + CASE WHEN t.late AND s.step = 'reply' THEN interval '3 days' ELSE interval '0' END AS at,
        CASE s.role WHEN 'tier3' THEN 'T3-' || t.central_sub_branch WHEN 'tier4' THEN 'T4-' || t.tier4_office ELSE t.agent_code END AS actor_id,
        CASE s.role WHEN 'tier3' THEN t.central_sub_branch WHEN 'tier4' THEN t.tier4_office ELSE NULL END AS actor_office,
        t.late AND s.step = 'reply' AS late
      FROM seed_tickets t, unnest(${flowCase((s) => s)}, ${flowCase((s) => STEP_RULES[s as keyof typeof STEP_RULES].role)}) WITH ORDINALITY s(step, role, seq)`);

    // --- The tables, parents first ----------------------------------------------------------------
    const answersJson = `(SELECT jsonb_object_agg(q, CASE WHEN p.ticket_type = 'level-2' AND q = 'contract-received' THEN 'no' ELSE 'yes' END) FROM unnest(${textArray(qids)}) q)`;
    const template = {
      phoneSource: 'contract',
      plan: [],
      problems: [],
      questions,
      decision: { ruleId: 'R2', ratio: 1, sampleValue: null, regionalOverride: null },
    };
    await step(
      'policies',
      `INSERT INTO policies (policy_no, channel, product_code, product_type, term_months, region_code, branch, central_sub_branch, tier4_office, agent_code,
         issued_on, receipt_signed_on, callback_month, started_at, required, rule_id, ratio, sample_value, decision_reason, cooling_off_ends_at, stage,
         attempts_made, completed_call_at, completed_by, completed_at, escalated_at, closed_at, evidence_kept_until, state, record, revision, updated_at)
       SELECT p.policy_no, p.channel, 'PRD' || (p.i % 40), p.product_type, 120, p.region_code, p.branch, p.central_sub_branch, p.tier4_office, p.agent_code,
         p.receipt_on - 3, p.receipt_on, to_char(p.receipt_on, 'YYYY-MM'), p.started, p.required, CASE WHEN p.required THEN 'R2' END, CASE WHEN p.required THEN 1 ELSE 0 END, NULL,
         x.reason, p.cooling_off_ends_at, p.stage, p.n_att, x.completed_call_at, p.completed_by,
         CASE WHEN p.stage = 'COMPLETED' THEN p.last_change_at END,
         CASE WHEN p.escalation_cause IS NOT NULL THEN p.last_change_at END,
         x.closed_at, (p.receipt_on + interval '15 years')::date,
         jsonb_strip_nulls($1::jsonb || jsonb_build_object(
           'policyNo', p.policy_no, 'stage', p.stage, 'attemptsMade', p.n_att,
           'decision', ($1::jsonb -> 'decision') || jsonb_build_object('required', p.required, 'reason', x.reason, 'ruleId', CASE WHEN p.required THEN 'R2' END),
           'coolingOff', jsonb_build_object('days', 15, 'startsOn', p.receipt_on + 1, 'lastDay', p.receipt_on + 15, 'endsAt', pg_temp.iso(p.cooling_off_ends_at), 'extendedForHoliday', false),
           'attempts', coalesce(a.attempts, '[]'::jsonb),
           'stageHistory', (SELECT jsonb_agg(jsonb_build_object('stage', s, 'at', pg_temp.iso(p.started + (k - 1) * interval '12 hours')) ORDER BY k) FROM unnest(p.stages) WITH ORDINALITY u(s, k)),
           'tickets', CASE WHEN p.ticket_type IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object('ticketId', p.policy_no || '-T1', 'type', p.ticket_type, 'reasons', to_jsonb(p.ticket_reasons), 'openedAt', pg_temp.iso(p.ticket_opened_at), 'closedAt', pg_temp.iso(p.ticket_opened_at + interval '5 days'), 'reply', jsonb_build_object('correctedPhoneGiven', false, 'at', pg_temp.iso(p.ticket_opened_at + interval '2 days'), 'late', p.i % 10 = 0))) END,
           'recording', CASE WHEN p.has_recording THEN jsonb_build_object('reference', 'recordings/' || p.policy_no || '.wav', 'checksum', md5(p.policy_no) || md5(p.policy_no || 'r'), 'uploadedBy', 'CC01', 'verifiedAt', pg_temp.iso(p.last_change_at), 'sizeBytes', 1500000) END,
           'fallback', x.fallback, 'waiver', x.waiver, 'completedBy', p.completed_by,
           'escalation', CASE WHEN p.escalation_cause IS NOT NULL THEN jsonb_build_object('to', 'branch', 'at', pg_temp.iso(p.last_change_at), 'cause', p.escalation_cause, 'reason', 'no recording uploaded in time') END,
           'closedAt', pg_temp.iso(x.closed_at))),
         jsonb_strip_nulls(jsonb_build_object('policyNo', p.policy_no, 'channel', p.channel, 'productType', p.product_type, 'regionCode', p.region_code,
           'branch', p.branch, 'centralSubBranch', p.central_sub_branch, 'tier4Office', p.tier4_office, 'agentCode', p.agent_code,
           'issuedOn', p.receipt_on - 3, 'receiptSignedOn', p.receipt_on, 'startedAt', pg_temp.iso(p.started), 'required', p.required, 'decisionReason', x.reason,
           'coolingOffEndsAt', pg_temp.iso(p.cooling_off_ends_at), 'stage', p.stage, 'completedCallAt', pg_temp.iso(x.completed_call_at), 'completedBy', p.completed_by,
           'attemptsMade', p.n_att, 'fallback', x.fallback, 'waiver', x.waiver,
           'ticketIds', CASE WHEN p.ticket_type IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(p.policy_no || '-T1') END,
           'closedAt', pg_temp.iso(x.closed_at), 'revision', array_length(p.stages, 1) + 1, 'updatedAt', pg_temp.iso(p.last_change_at))),
         array_length(p.stages, 1) + 1, p.last_change_at
       FROM seed_policy p
       LEFT JOIN (
         SELECT a.policy_no, jsonb_agg(jsonb_build_object('attemptId', a.attempt_id, 'attemptNo', a.attempt_no, 'slot', jsonb_build_object('start', pg_temp.iso(a.slot_start), 'end', pg_temp.iso(a.slot_end)),
             'placedAt', pg_temp.iso(a.placed_at), 'outcome', a.outcome, 'recordedAt', pg_temp.iso(a.recorded_at),
             'report', jsonb_strip_nulls(jsonb_build_object('attemptId', a.attempt_id, 'outcome', a.outcome, 'operator', a.operator,
               'answers', CASE WHEN a.answered THEN (SELECT jsonb_object_agg(q, CASE WHEN a.ticket_type = 'level-2' AND q = 'contract-received' THEN 'no' ELSE 'yes' END) FROM unnest(${textArray(qids)}) q) END))) ORDER BY a.attempt_no) AS attempts
         FROM seed_attempts a GROUP BY a.policy_no
       ) a ON a.policy_no = p.policy_no
       CROSS JOIN LATERAL (SELECT
         CASE WHEN p.required THEN 'R2: the contract is in the rule''s scope' ELSE 'no rule requires a callback (R1-R4 not met)' END AS reason,
         CASE WHEN p.last_outcome = 'completed' THEN p.started + p.n_att * interval '1 day' + interval '9 minutes' END AS completed_call_at,
         CASE WHEN p.stage NOT IN ('AWAITING_CALL', 'UNRESOLVED') THEN p.last_change_at END AS closed_at,
         CASE WHEN p.has_fallback THEN jsonb_build_object('kind', 'letter', 'trigger', 'unreachable', 'requestedAt', pg_temp.iso(p.fallback_at), 'granted', true,
           'shareAtDecision', jsonb_build_object('fallbacks', p.i % 7, 'callbacks', 120, 'cap', 0.15), 'documentRef', 'letters/' || p.policy_no || '.html',
           'receipt', jsonb_build_object('reference', 'R-' || p.policy_no, 'signedBy', '(encrypted)', 'signedAt', pg_temp.iso(p.fallback_at + interval '5 days'), 'enteredAt', pg_temp.iso(p.fallback_at + interval '6 days'), 'answers', ${answersJson})) END AS fallback,
         CASE WHEN p.has_waiver THEN jsonb_build_object('statementRef', 'waivers/' || p.policy_no || '.pdf', 'reportedBy', jsonb_build_object('role', 'tier4', 'id', 'T4-' || p.tier4_office, 'office', p.tier4_office),
           'reportedAt', pg_temp.iso(p.started + interval '1 day'), 'decision', jsonb_build_object('accepted', true, 'by', jsonb_build_object('role', 'tier3', 'id', 'T3-' || p.central_sub_branch, 'office', p.central_sub_branch), 'at', pg_temp.iso(p.last_change_at))) END AS waiver
       ) x`,
      [JSON.stringify(template)],
    );
    await step('policy_keys', `INSERT INTO policy_keys (policy_no, wrapped_key, wrapping_key_id) SELECT policy_no, pg_temp.cipher(policy_no || 'k', 60), 'bench' FROM seed_plan`);
    await step(
      'personal_data',
      `INSERT INTO personal_data (policy_no, holder_name, holder_phone, holder_id_number, agent_name, agent_phone)
       SELECT policy_no, pg_temp.cipher(policy_no || 'n', 37), pg_temp.cipher(policy_no || 'p', 39), pg_temp.cipher(policy_no || 'i', 46), pg_temp.cipher(policy_no || 'm', 37), pg_temp.cipher(policy_no || 'q', 39) FROM seed_plan`,
    );
    await step(
      'call_attempts',
      `INSERT INTO call_attempts (policy_no, attempt_no, attempt_id, slot_start, slot_end, placed_at, outcome, recorded_at, operator, phone_source, number_dialled, note)
       SELECT policy_no, attempt_no, attempt_id, slot_start, slot_end, placed_at, outcome, recorded_at, operator, 'contract', pg_temp.cipher(policy_no || 'p', 39), NULL FROM seed_attempts`,
    );
    await step(
      'answers',
      `INSERT INTO answers (policy_no, source, question_id, answer, answered_at)
       SELECT p.policy_no, CASE WHEN p.answers_from = 'receipt' THEN 'receipt' ELSE 'attempt-' || p.n_att END, q,
         CASE WHEN p.ticket_type = 'level-2' AND q = 'contract-received' THEN 'no' ELSE 'yes' END,
         CASE WHEN p.answers_from = 'receipt' THEN p.fallback_at + interval '5 days' ELSE p.started + p.n_att * interval '1 day' + interval '9 minutes' END
       FROM seed_policy p, unnest(${textArray(qids)}) q WHERE p.answers_from <> ''`,
    );
    await step(
      'recordings',
      `INSERT INTO recordings (policy_no, reference, checksum, size_bytes, uploaded_by, verified_at)
       SELECT policy_no, 'recordings/' || policy_no || '.wav', md5(policy_no) || md5(policy_no || 'r'), 1000000 + (i % 2000000), 'CC01', last_change_at FROM seed_policy WHERE has_recording`,
    );
    await step(
      'stage_changes',
      `INSERT INTO stage_changes (policy_no, seq, stage, at, note)
       SELECT p.policy_no, k - 1, s, p.started + (k - 1) * interval '12 hours', NULL FROM seed_plan p, unnest(p.stages) WITH ORDINALITY u(s, k)`,
    );
    await step(
      'waivers',
      `INSERT INTO waivers (policy_no, reported_at, statement_ref, reported_by, note, accepted, decided_by, decided_at, decision_reason)
       SELECT policy_no, started + interval '1 day', 'waivers/' || policy_no || '.pdf', jsonb_build_object('role', 'tier4', 'id', 'T4-' || tier4_office, 'office', tier4_office), NULL,
         true, jsonb_build_object('role', 'tier3', 'id', 'T3-' || central_sub_branch, 'office', central_sub_branch), last_change_at, NULL FROM seed_policy WHERE has_waiver`,
    );
    await step(
      'fallback_decisions',
      `INSERT INTO fallback_decisions (policy_no, kind, trigger, requested_at, granted, refusal, share_fallbacks, share_callbacks, cap, document_ref)
       SELECT policy_no, 'letter', 'unreachable', fallback_at, true, NULL, i % 7, 120, 0.15, 'letters/' || policy_no || '.html' FROM seed_policy WHERE has_fallback`,
    );
    await step(
      'receipts',
      `INSERT INTO receipts (policy_no, reference, signed_by, signed_at, entered_at, reported_problems)
       SELECT policy_no, 'R-' || policy_no, pg_temp.cipher(policy_no || 's', 37), fallback_at + interval '5 days', fallback_at + interval '6 days', NULL FROM seed_policy WHERE has_fallback`,
    );
    await step(
      'escalations',
      `INSERT INTO escalations (policy_no, at, cause, escalated_to, reason)
       SELECT policy_no, last_change_at, escalation_cause, 'branch', 'no recording uploaded in time' FROM seed_policy WHERE escalation_cause IS NOT NULL`,
    );
    await step(
      'notifications',
      `INSERT INTO notifications (subject, sent_to, at, about, policy_no)
       SELECT policy_no, 'branch ' || branch, last_change_at + k * interval '7 days', 'unresolved: ' || escalation_cause, policy_no
       FROM seed_policy, generate_series(1, 2) k WHERE escalation_cause IS NOT NULL`,
    );
    await step(
      'tickets',
      `INSERT INTO tickets (ticket_id, policy_no, type, reasons, branch, central_sub_branch, tier4_office, agent_code, stage, opened_at, dispatched_at, due_at,
         replied_at, reply_late, overdue, closed_at, corrected_phone, state, record, revision, updated_at)
       SELECT t.ticket_id, t.policy_no, t.ticket_type, t.ticket_reasons, t.branch, t.central_sub_branch, t.tier4_office, t.agent_code, 'CLOSED', t.ticket_opened_at,
         st.dispatched_at, t.due_at, st.replied_at, t.late, t.late, st.closed_at, NULL,
         jsonb_build_object('ticketId', t.ticket_id, 'policyNo', t.policy_no, 'type', t.ticket_type, 'reasons', to_jsonb(t.ticket_reasons),
           'org', jsonb_build_object('branch', t.branch, 'centralSubBranch', t.central_sub_branch, 'tier4Office', t.tier4_office), 'agentCode', t.agent_code,
           'finding', CASE WHEN t.ticket_type = 'level-2' THEN 'contract-received: no' ELSE 'no-answer on attempts 1-' || t.n_att END,
           'stage', 'CLOSED', 'createdAt', pg_temp.iso(t.ticket_opened_at), 'steps', st.steps, 'dueAt', pg_temp.iso(t.due_at), 'reminded', t.late, 'overdue', t.late,
           'reminders', '[]'::jsonb, 'escalations', '[]'::jsonb, 'reply', jsonb_build_object('actionTaken', 'explained to the policyholder', 'at', pg_temp.iso(st.replied_at), 'late', t.late),
           'closedAt', pg_temp.iso(st.closed_at)),
         jsonb_build_object('ticketId', t.ticket_id, 'policyNo', t.policy_no, 'type', t.ticket_type, 'reasons', to_jsonb(t.ticket_reasons), 'branch', t.branch,
           'centralSubBranch', t.central_sub_branch, 'tier4Office', t.tier4_office, 'agentCode', t.agent_code, 'openedAt', pg_temp.iso(t.ticket_opened_at),
           'dispatchedAt', pg_temp.iso(st.dispatched_at), 'dueAt', pg_temp.iso(t.due_at), 'repliedAt', pg_temp.iso(st.replied_at), 'replyLate', t.late, 'overdue', t.late,
           'closedAt', pg_temp.iso(st.closed_at), 'revision', st.n + 1, 'updatedAt', pg_temp.iso(st.closed_at)),
         st.n + 1, st.closed_at
       FROM seed_tickets t
       JOIN (
         SELECT ticket_id, count(*)::int AS n, min(at) FILTER (WHERE step = 'dispatch') AS dispatched_at, min(at) FILTER (WHERE step = 'reply') AS replied_at, max(at) AS closed_at,
           jsonb_agg(jsonb_strip_nulls(jsonb_build_object('step', step, 'actor', jsonb_build_object('role', role, 'id', actor_id, 'office', actor_office), 'at', pg_temp.iso(at), 'late', late)) ORDER BY seq) AS steps
         FROM seed_steps GROUP BY ticket_id
       ) st ON st.ticket_id = t.ticket_id`,
    );
    await step(
      'ticket_steps',
      `INSERT INTO ticket_steps (ticket_id, seq, step, actor_role, actor_id, actor_office, at, note, late)
       SELECT ticket_id, seq, step, role, actor_id, actor_office, at, NULL, late FROM seed_steps`,
    );
    const t0 = performance.now();
    await client.query('ANALYZE');
    secondsByTable.analyze = Math.round((performance.now() - t0) / 100) / 10;

    const rowsByTable: Record<string, number> = {};
    for (const table of EVIDENCE_TABLES) {
      const { rows: r } = await client.query(`SELECT count(*)::bigint AS n FROM ${table}`);
      rowsByTable[table] = Number(r[0].n);
    }
    const totalRows = Object.values(rowsByTable).reduce((a, n) => a + n, 0);
    return { policies: rowsByTable.policies, rowsByTable, totalRows, seconds: Math.round((performance.now() - started) / 100) / 10, secondsByTable };
  } finally {
    await client.end();
  }
}

export function printSeed(seed: SeedResult): void {
  console.log(`\n  seeded ${seed.totalRows.toLocaleString('en')} evidence rows (${seed.policies.toLocaleString('en')} policies) in ${seed.seconds} s`);
  for (const [table, n] of Object.entries(seed.rowsByTable)) console.log(`    ${table.padEnd(20)} ${n.toLocaleString('en').padStart(12)}   ${seed.secondsByTable[table] ?? ''} s`);
}

/** `--rows N` from the command line (default 1,000,000). */
export function rowsFlag(argv: readonly string[], fallback = 1_000_000): number {
  const i = argv.findIndex((a) => a === '--rows' || a.startsWith('--rows='));
  if (i < 0) return fallback;
  const raw = argv[i].includes('=') ? argv[i].slice('--rows='.length) : argv[i + 1];
  const n = Number(raw?.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--rows needs a whole number of at least 1000, got '${raw}'`);
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const rows = rowsFlag(argv);
  log(`seeding about ${rows.toLocaleString('en')} evidence rows…`);
  const database = await createBenchDatabase();
  try {
    printSeed(await seedEvidence(database.url, rows));
  } finally {
    await database.release();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[seed] failed: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  });
}
