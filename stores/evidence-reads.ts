/**
 * The read side of the system of record (EvidenceStore delegates here): a policy's whole story from
 * the evidence tables, and the lists the API, the CLI and the pages show, so none of them needs a
 * workflow's history or Temporal's visibility. Personal data is never read here.
 */
import type { CallbackStage } from '../domain/callback-state';
import type { PolicyStory } from '../domain/policy-story';
import type { TicketStage, TicketState } from '../domain/ticket';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';
import type { EvidenceDb } from './database/database';

/** A part of the organisation; every code given must match. */
export interface OrgCodes {
  branch?: string;
  centralSubBranch?: string;
  tier4Office?: string;
  agentCode?: string;
}

export interface CallbackRowFilter extends OrgCodes {
  stage?: CallbackStage;
  /** true: not closed yet; false: closed. */
  open?: boolean;
}

export interface CallbackRow {
  policyNo: string;
  stage: CallbackStage;
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  coolingOffEnd?: string;
  startedAt: string;
  closedAt?: string;
}

export interface TicketRowFilter extends OrgCodes {
  stage?: TicketStage;
  type?: TicketType;
  overdue?: boolean;
}

export interface TicketRow {
  ticketId: string;
  policyNo: string;
  type: TicketType;
  /** Why it was opened (from the system of record; visibility does not carry them). */
  reasons?: ReasonCode[];
  stage: TicketStage;
  dueAt?: string;
  overdue: boolean;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  /** When the ticket opened. */
  startedAt: string;
}

export interface OrgOf {
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
}

/** null → absent, so the JSON answers carry no nulls. */
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export async function policyStory(db: EvidenceDb, policyNo: string): Promise<PolicyStory | undefined> {
  const p = await db.selectFrom('policies').selectAll().where('policy_no', '=', policyNo).executeTakeFirst();
  if (!p) return undefined;
  const [attempts, answers, recordings, stages, waivers, fallback, receipt, escalations, branchDecision, notifications, tickets] = await Promise.all([
    db
      .selectFrom('call_attempts')
      // Never number_dialled: the story says where the number came from, not what it was.
      .select(['attempt_no', 'attempt_id', 'slot_start', 'slot_end', 'placed_at', 'outcome', 'recorded_at', 'operator', 'phone_source', 'note'])
      .where('policy_no', '=', policyNo)
      .orderBy('attempt_no')
      .execute(),
    db.selectFrom('answers').selectAll().where('policy_no', '=', policyNo).orderBy('source').orderBy('question_id').execute(),
    db.selectFrom('recordings').selectAll().where('policy_no', '=', policyNo).orderBy('verified_at').execute(),
    db.selectFrom('stage_changes').selectAll().where('policy_no', '=', policyNo).orderBy('seq').execute(),
    db.selectFrom('waivers').selectAll().where('policy_no', '=', policyNo).orderBy('reported_at').execute(),
    db.selectFrom('fallback_decisions').selectAll().where('policy_no', '=', policyNo).executeTakeFirst(),
    // Never signed_by (personal data, encrypted).
    db.selectFrom('receipts').select(['reference', 'signed_at', 'entered_at', 'reported_problems']).where('policy_no', '=', policyNo).executeTakeFirst(),
    db.selectFrom('escalations').selectAll().where('policy_no', '=', policyNo).orderBy('at').execute(),
    db.selectFrom('branch_decisions').selectAll().where('policy_no', '=', policyNo).executeTakeFirst(),
    db.selectFrom('notifications').select(['subject', 'sent_to', 'at', 'about']).where('policy_no', '=', policyNo).orderBy('at').orderBy('subject').execute(),
    db
      .selectFrom('tickets')
      .select(['ticket_id', 'type', 'reasons', 'stage', 'opened_at', 'dispatched_at', 'due_at', 'replied_at', 'reply_late', 'overdue', 'closed_at'])
      .select((eb) => eb('corrected_phone', 'is not', null).as('corrected_phone_given'))
      .where('policy_no', '=', policyNo)
      .orderBy('opened_at')
      .orderBy('ticket_id')
      .execute(),
  ]);
  const steps =
    tickets.length === 0
      ? []
      : await db
          .selectFrom('ticket_steps')
          .selectAll()
          .where('ticket_id', 'in', tickets.map((t) => t.ticket_id))
          .orderBy('ticket_id')
          .orderBy('seq')
          .execute();
  return {
    policyNo: p.policy_no,
    channel: p.channel,
    productCode: opt(p.product_code),
    productType: p.product_type,
    termMonths: opt(p.term_months),
    regionCode: p.region_code,
    org: { branch: p.branch, centralSubBranch: p.central_sub_branch, tier4Office: p.tier4_office, agentCode: p.agent_code },
    issuedOn: opt(p.issued_on),
    receiptSignedOn: opt(p.receipt_signed_on),
    callbackMonth: p.callback_month,
    startedAt: p.started_at,
    decision: { required: p.required, ruleId: opt(p.rule_id), ratio: opt(p.ratio), sampleValue: opt(p.sample_value), reason: p.decision_reason },
    stage: p.stage,
    coolingOffEndsAt: opt(p.cooling_off_ends_at),
    attemptsMade: p.attempts_made,
    completedCallAt: opt(p.completed_call_at),
    completedBy: opt(p.completed_by),
    completedAt: opt(p.completed_at),
    escalatedAt: opt(p.escalated_at),
    closedAt: opt(p.closed_at),
    evidenceKeptUntil: opt(p.evidence_kept_until),
    updatedAt: p.updated_at,
    attempts: attempts.map((a) => ({
      attemptNo: a.attempt_no,
      attemptId: a.attempt_id,
      slotStart: opt(a.slot_start),
      slotEnd: opt(a.slot_end),
      placedAt: opt(a.placed_at),
      outcome: opt(a.outcome),
      recordedAt: opt(a.recorded_at),
      operator: opt(a.operator),
      phoneSource: opt(a.phone_source),
      note: opt(a.note),
    })),
    answers: answers.map((a) => ({ source: a.source, questionId: a.question_id, answer: a.answer, answeredAt: opt(a.answered_at) })),
    recordings: recordings.map((r) => ({ reference: r.reference, checksum: r.checksum, sizeBytes: r.size_bytes, uploadedBy: opt(r.uploaded_by), verifiedAt: r.verified_at })),
    stageChanges: stages.map((s) => ({ stage: s.stage, at: s.at, note: opt(s.note) })),
    waivers: waivers.map((w) => ({
      reportedAt: w.reported_at,
      statementRef: w.statement_ref,
      reportedBy: w.reported_by,
      note: opt(w.note),
      accepted: opt(w.accepted),
      decidedBy: opt(w.decided_by),
      decidedAt: opt(w.decided_at),
      decisionReason: opt(w.decision_reason),
    })),
    fallback: fallback && {
      kind: opt(fallback.kind),
      trigger: fallback.trigger,
      requestedAt: fallback.requested_at,
      granted: fallback.granted,
      refusal: opt(fallback.refusal),
      shareAtDecision:
        fallback.share_fallbacks !== null && fallback.share_callbacks !== null && fallback.cap !== null
          ? { fallbacks: fallback.share_fallbacks, callbacks: fallback.share_callbacks, cap: fallback.cap }
          : undefined,
      documentRef: opt(fallback.document_ref),
      receipt: receipt && { reference: receipt.reference, signedAt: receipt.signed_at, enteredAt: receipt.entered_at, reportedProblems: opt(receipt.reported_problems) },
    },
    escalations: escalations.map((e) => ({ at: e.at, cause: e.cause, escalatedTo: e.escalated_to, reason: e.reason })),
    branchDecision: branchDecision && { reason: branchDecision.reason, decidedBy: branchDecision.decided_by, at: branchDecision.at },
    notifications: notifications.map((n) => ({ subject: n.subject, sentTo: n.sent_to, at: n.at, about: n.about })),
    tickets: tickets.map((t) => ({
      ticketId: t.ticket_id,
      type: t.type,
      reasons: t.reasons,
      stage: opt(t.stage),
      openedAt: t.opened_at,
      dispatchedAt: opt(t.dispatched_at),
      dueAt: opt(t.due_at),
      repliedAt: opt(t.replied_at),
      replyLate: opt(t.reply_late),
      overdue: t.overdue,
      closedAt: opt(t.closed_at),
      correctedPhoneGiven: Boolean(t.corrected_phone_given),
      steps: steps
        .filter((s) => s.ticket_id === t.ticket_id)
        .map((s) => ({ step: s.step, actor: { role: s.actor_role, id: s.actor_id, ...(s.actor_office ? { office: s.actor_office } : {}) } as PolicyStory['tickets'][number]['steps'][number]['actor'], at: s.at, note: opt(s.note), late: s.late })),
    })),
  };
}

/** Callbacks by stage, open or closed, and org: most recently started first. */
export async function callbackRows(db: EvidenceDb, filter: CallbackRowFilter, limit: number): Promise<CallbackRow[]> {
  let q = db
    .selectFrom('policies')
    .select(['policy_no', 'stage', 'branch', 'central_sub_branch', 'tier4_office', 'agent_code', 'cooling_off_ends_at', 'started_at', 'closed_at']);
  if (filter.branch !== undefined) q = q.where('branch', '=', filter.branch);
  if (filter.centralSubBranch !== undefined) q = q.where('central_sub_branch', '=', filter.centralSubBranch);
  if (filter.tier4Office !== undefined) q = q.where('tier4_office', '=', filter.tier4Office);
  if (filter.agentCode !== undefined) q = q.where('agent_code', '=', filter.agentCode);
  if (filter.stage !== undefined) q = q.where('stage', '=', filter.stage);
  if (filter.open !== undefined) q = q.where('closed_at', filter.open ? 'is' : 'is not', null);
  const rows = await q.orderBy('started_at', 'desc').orderBy('policy_no').limit(limit).execute();
  return rows.map((r) => ({
    policyNo: r.policy_no,
    stage: r.stage as CallbackStage,
    branch: r.branch,
    centralSubBranch: r.central_sub_branch,
    tier4Office: r.tier4_office,
    agentCode: r.agent_code,
    coolingOffEnd: opt(r.cooling_off_ends_at),
    startedAt: r.started_at,
    closedAt: opt(r.closed_at),
  }));
}

/** Tickets by stage, type, overdue and org: most recently opened first. */
export async function ticketRows(db: EvidenceDb, filter: TicketRowFilter, limit: number): Promise<TicketRow[]> {
  let q = db
    .selectFrom('tickets')
    .select(['ticket_id', 'policy_no', 'type', 'reasons', 'stage', 'due_at', 'overdue', 'central_sub_branch', 'tier4_office', 'agent_code', 'opened_at', 'replied_at', 'dispatched_at', 'closed_at']);
  if (filter.branch !== undefined) q = q.where('branch', '=', filter.branch);
  if (filter.centralSubBranch !== undefined) q = q.where('central_sub_branch', '=', filter.centralSubBranch);
  if (filter.tier4Office !== undefined) q = q.where('tier4_office', '=', filter.tier4Office);
  if (filter.agentCode !== undefined) q = q.where('agent_code', '=', filter.agentCode);
  if (filter.stage !== undefined) q = q.where('stage', '=', filter.stage);
  if (filter.type !== undefined) q = q.where('type', '=', filter.type);
  if (filter.overdue !== undefined) q = q.where('overdue', '=', filter.overdue);
  const rows = await q.orderBy('opened_at', 'desc').orderBy('ticket_id').limit(limit).execute();
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    policyNo: r.policy_no,
    type: r.type as TicketType,
    reasons: r.reasons as ReasonCode[],
    stage: (r.stage ?? stageOfBareRow(r)) as TicketStage,
    dueAt: opt(r.due_at),
    overdue: r.overdue,
    centralSubBranch: r.central_sub_branch,
    tier4Office: r.tier4_office,
    agentCode: r.agent_code,
    startedAt: r.opened_at,
  }));
}

/**
 * The tickets' states of a part of the org (the transfer register), oldest first; with
 * `openedOrDispatched`, only those opened or dispatched in [from, to). The corrected
 * number is not in a recorded state: a reply that gave one says so with a placeholder.
 */
export async function ticketStates(db: EvidenceDb, filter: OrgCodes & { openedOrDispatched?: { from: string; to: string } }): Promise<TicketState[]> {
  let q = db.selectFrom('tickets').select(['state', 'corrected_phone']).where('state', 'is not', null);
  const span = filter.openedOrDispatched;
  if (span) {
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('opened_at', '>=', span.from), eb('opened_at', '<', span.to)]),
        eb.and([eb('dispatched_at', '>=', span.from), eb('dispatched_at', '<', span.to)]),
      ]),
    );
  }
  if (filter.branch !== undefined) q = q.where('branch', '=', filter.branch);
  if (filter.centralSubBranch !== undefined) q = q.where('central_sub_branch', '=', filter.centralSubBranch);
  if (filter.tier4Office !== undefined) q = q.where('tier4_office', '=', filter.tier4Office);
  if (filter.agentCode !== undefined) q = q.where('agent_code', '=', filter.agentCode);
  const rows = await q.orderBy('opened_at').orderBy('ticket_id').execute();
  return rows.map((r) => markCorrectedPhone(r.state!, r.corrected_phone !== null));
}

/** A ticket's recorded state, a given corrected number marked (never read back: it is personal data). */
export async function recordedTicketState(db: EvidenceDb, ticketId: string): Promise<TicketState | undefined> {
  const r = await db.selectFrom('tickets').select(['state', 'corrected_phone']).where('ticket_id', '=', ticketId).executeTakeFirst();
  return r?.state ? markCorrectedPhone(r.state, r.corrected_phone !== null) : undefined;
}

/** What a recorded reply holds in place of the corrected number it gave (kept encrypted, apart). */
export const CORRECTED_PHONE_KEPT = '(given: kept encrypted)';

function markCorrectedPhone(state: TicketState, given: boolean): TicketState {
  return given && state.reply ? { ...state, reply: { ...state.reply, correctedPhone: CORRECTED_PHONE_KEPT } } : state;
}

/** The org of a policy or a ticket (for office isolation), or undefined when the store does not know it. */
export async function orgOfPolicy(db: EvidenceDb, policyNo: string): Promise<OrgOf | undefined> {
  const r = await db.selectFrom('policies').select(['branch', 'central_sub_branch', 'tier4_office', 'agent_code']).where('policy_no', '=', policyNo).executeTakeFirst();
  return r && { branch: r.branch, centralSubBranch: r.central_sub_branch, tier4Office: r.tier4_office, agentCode: r.agent_code };
}

export async function orgOfTicket(db: EvidenceDb, ticketId: string): Promise<OrgOf | undefined> {
  const r = await db.selectFrom('tickets').select(['branch', 'central_sub_branch', 'tier4_office', 'agent_code']).where('ticket_id', '=', ticketId).executeTakeFirst();
  return r && { branch: r.branch, centralSubBranch: r.central_sub_branch, tier4Office: r.tier4_office, agentCode: r.agent_code };
}

/** A row written before the evidence carried the state has no stage: the nearest one its dates tell. */
function stageOfBareRow(r: { closed_at: string | null; replied_at: string | null; dispatched_at: string | null }): TicketStage {
  return r.closed_at ? 'CLOSED' : r.replied_at ? 'REPLIED' : r.dispatched_at ? 'DISPATCHED' : 'AWAITING_DISPATCH';
}
