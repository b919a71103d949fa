/**
 * The system of record (PostgreSQL, schema in database/migrations): every policy's callback evidence
 * and every ticket's steps, written by the workflows' `recordCallback` / `recordTicket` activities and
 * read by the API, the CLI, the pages, the registers, the 08:30 list and the compliance figures.
 *
 * A write carries the workflow's whole state and a revision that only grows within a run. It is one
 * transaction: the row is replaced only when the revision is newer, and then every evidence table is
 * brought in line with the state (insert what is new, complete what was open). A retried or older
 * write changes nothing. Personal data is stored only as ciphertext under the policy's own key.
 */
import { sql, type QueryCreator, type Transaction } from 'kysely';
import type { CallbackEvidence, CallbackRecord, TicketEvidence, TicketRecord, WaiverRecord } from '../domain/callback-record';
import { callbackMonthOf } from '../domain/callback-month';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import type { StoredContract } from '../domain/contract-differences';
import type { Notification } from '../domain/notification';
import { evidenceKeptUntil, type RetentionConfig } from '../domain/retention';
import type { TicketState } from '../domain/ticket';
import { migrateToLatest, openDatabase, type EvidenceDb } from './database/database';
import type { Database } from './database/schema';
import type { PolicyStory } from '../domain/policy-story';
import { callbackRows, orgOfPolicy, orgOfTicket, policyStory, recordedTicketState, ticketRows, ticketStates, type CallbackRow, type OrgCodes, type CallbackRowFilter, type OrgOf, type TicketRow, type TicketRowFilter } from './evidence-reads';
import { newDataKey, openText, sealText, unwrapDataKey, type WrappingKeys } from './personal-data-cipher';

/** Narrows a listing to one office; every code given must match. */
export interface OrgFilter {
  branch?: string;
  centralSubBranch?: string;
  tier4Office?: string;
  agentCode?: string;
}

/** The personal data of a policy, decrypted (only for the screens and documents that need it). */
export interface PersonalData {
  holderName?: string;
  holderPhone?: string;
  holderIdNumber?: string;
  agentName?: string;
  agentPhone?: string;
}

export interface EvidenceStoreOptions {
  /** The keys that wrap each policy's data key (the payload keyring). */
  keys: WrappingKeys;
  timeZone: string;
  /** The last day a contract's evidence must be kept (domain/retention.ts, with the configuration). */
  keptUntil: (contract: Contract) => string;
}

type Trx = Transaction<Database>;
/** One insert of a write, run with the others as one statement (runTogether). */
type Write = (qc: QueryCreator<Database>) => unknown;

const KEY_CACHE_SIZE = 10_000;

export class EvidenceStore {
  constructor(
    readonly db: EvidenceDb,
    private readonly options: EvidenceStoreOptions,
  ) {}

  /** Data keys read back, by policy (the oldest dropped past KEY_CACHE_SIZE). */
  private readonly keyCache = new Map<string, Buffer>();

  /** A callback's milestone. Accepts the bare row too, as workflows started before the evidence was written sent it. */
  async putCallback(evidence: CallbackEvidence | CallbackRecord): Promise<void> {
    const { record, state, contract } = 'record' in evidence ? evidence : { record: evidence, state: undefined, contract: undefined };
    await this.db.transaction().execute(async (trx) => {
      const written = await trx
        .insertInto('policies')
        .values(this.policyRow(record, state, contract))
        .onConflict((oc) =>
          oc.column('policy_no').doUpdateSet((eb) => ({
            ...excludedColumns(eb, POLICY_UPDATED_COLUMNS),
            // Rows from before the evidence (no state, no contract) keep what the newer write does not know.
            product_code: sql`coalesce(excluded.product_code, policies.product_code)`,
            term_months: sql`coalesce(excluded.term_months, policies.term_months)`,
            evidence_kept_until: sql`coalesce(excluded.evidence_kept_until, policies.evidence_kept_until)`,
            state: sql`coalesce(excluded.state, policies.state)`,
          })).where('policies.revision', '<', (eb) => eb.ref('excluded.revision')),
        )
        .returning('policy_no')
        .executeTakeFirst();
      if (!written) return; // a retried or older write: nothing to change
      const writes: Write[] = [];
      const key = contract ? await this.dataKeyFor(trx, record.policyNo, contract, writes) : undefined;
      if (state) await this.putCallbackEvidence(trx, writes, state, contract, key);
      // A bare row (a workflow from before the evidence, a migrated projection): its waiver still counts.
      else if (record.waiver) this.putWaivers(writes, record.policyNo, [record.waiver]);
      await runTogether(trx, writes);
    });
  }

  /** A ticket's step. Accepts the bare row too (workflows started before the evidence was written). */
  async putTicket(evidence: TicketEvidence | TicketRecord): Promise<void> {
    const { record, state } = 'record' in evidence ? evidence : { record: evidence, state: undefined };
    await this.db.transaction().execute(async (trx) => {
      const key = state?.reply?.correctedPhone ? await this.dataKeyFor(trx, record.policyNo) : undefined;
      const written = await trx
        .insertInto('tickets')
        .values({
          ticket_id: record.ticketId,
          policy_no: record.policyNo,
          type: record.type,
          reasons: record.reasons,
          branch: record.branch,
          central_sub_branch: record.centralSubBranch,
          tier4_office: record.tier4Office,
          agent_code: record.agentCode,
          stage: state?.stage ?? null,
          opened_at: record.openedAt,
          dispatched_at: record.dispatchedAt ?? null,
          due_at: record.dueAt ?? null,
          replied_at: record.repliedAt ?? null,
          reply_late: record.replyLate ?? null,
          overdue: record.overdue,
          closed_at: record.closedAt ?? null,
          corrected_phone: key ? sealText(key, state?.reply?.correctedPhone) : null,
          // The corrected number is kept encrypted above, never in the readable state.
          state: state ? JSON.stringify(withoutCorrectedPhone(state)) : null,
          record: JSON.stringify(record),
          revision: record.revision,
          updated_at: record.updatedAt,
        })
        .onConflict((oc) =>
          oc.column('ticket_id').doUpdateSet((eb) => ({
            ...excludedColumns(eb, TICKET_UPDATED_COLUMNS),
            corrected_phone: sql`coalesce(excluded.corrected_phone, tickets.corrected_phone)`,
            state: sql`coalesce(excluded.state, tickets.state)`,
          })).where('tickets.revision', '<', (eb) => eb.ref('excluded.revision')),
        )
        .returning('ticket_id')
        .executeTakeFirst();
      if (!written || !state) return;
      const writes: Write[] = [];
      this.putTicketEvidence(writes, state);
      await runTogether(trx, writes);
    });
  }

  /** Ends the store's connections. */
  close(): Promise<void> {
    return this.db.destroy();
  }

  async getCallback(policyNo: string): Promise<CallbackRecord | undefined> {
    const row = await this.db.selectFrom('policies').select('record').where('policy_no', '=', policyNo).executeTakeFirst();
    return row?.record;
  }

  /** The policy's latest state as its workflow last wrote it (the view the API and CLI show). */
  async callbackState(policyNo: string): Promise<{ state: CallbackState; record: CallbackRecord } | undefined> {
    const row = await this.db.selectFrom('policies').select(['state', 'record']).where('policy_no', '=', policyNo).executeTakeFirst();
    return row?.state ? { state: row.state, record: row.record } : undefined;
  }

  /** The ticket's latest state as its workflow last wrote it; a corrected number given is only marked (evidence-reads.ts). */
  ticketState(ticketId: string): Promise<TicketState | undefined> {
    return recordedTicketState(this.db, ticketId);
  }

  async listCallbacks(filter: OrgFilter = {}): Promise<CallbackRecord[]> {
    const rows = await orgWhere(this.db.selectFrom('policies').select('record'), filter).execute();
    return rows.map((r) => r.record);
  }

  async listTickets(filter: OrgFilter = {}): Promise<TicketRecord[]> {
    const rows = await orgWhere(this.db.selectFrom('tickets').select('record'), filter).execute();
    return rows.map((r) => r.record);
  }

  /** A notice sent about a policy or its ticket (idempotent: the same notice twice is one row). */
  async recordNotification(n: Notification): Promise<void> {
    if (!n.policyNo) return; // the daily lists are kept as documents, not per policy
    await this.db
      .insertInto('notifications')
      .values({ subject: n.ticketId ?? n.policyNo, sent_to: `${n.to.role} ${n.to.code}`, at: n.sentAt, about: n.kind, policy_no: n.policyNo })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  // ---- Reads for the API, the CLI and the pages (evidence-reads.ts): no workflow history needed. ----

  /** The policy's whole story from the evidence tables, without personal data; undefined when unknown. */
  story(policyNo: string): Promise<PolicyStory | undefined> {
    return policyStory(this.db, policyNo);
  }

  /** Callbacks by stage, open or closed, and org, most recently started first (the API's and pages' lists). */
  callbackRows(filter: CallbackRowFilter = {}, limit = 200): Promise<CallbackRow[]> {
    return callbackRows(this.db, filter, limit);
  }

  /** Tickets by stage, type, overdue and org, most recently opened first. */
  ticketRows(filter: TicketRowFilter = {}, limit = 200): Promise<TicketRow[]> {
    return ticketRows(this.db, filter, limit);
  }

  /** The org of a policy (office isolation), or undefined when the store does not know it. */
  orgOfPolicy(policyNo: string): Promise<OrgOf | undefined> {
    return orgOfPolicy(this.db, policyNo);
  }

  orgOfTicket(ticketId: string): Promise<OrgOf | undefined> {
    return orgOfTicket(this.db, ticketId);
  }

  /** The recorded states of a part of the org's tickets, oldest first (the transfer register). */
  ticketStates(filter: OrgCodes & { openedOrDispatched?: { from: string; to: string } }): Promise<TicketState[]> {
    return ticketStates(this.db, filter);
  }

  /** Policies with a waiver accepted between two instants (the 08:30 list narrows to its local days). */
  async acceptedWaivers(from: string, to: string): Promise<CallbackRecord[]> {
    const rows = await this.db
      .selectFrom('policies')
      .select('policies.record')
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('waivers').select('waivers.policy_no').whereRef('waivers.policy_no', '=', 'policies.policy_no').where('waivers.accepted', '=', true).where('waivers.decided_at', '>=', from).where('waivers.decided_at', '<', to)),
      )
      .execute();
    return rows.map((r) => r.record);
  }

  /** Open policies with a waiver reported and not yet decided, of one central sub-branch or all. */
  async pendingWaivers(centralSubBranch?: string): Promise<CallbackRecord[]> {
    let query = this.db
      .selectFrom('policies')
      .select('policies.record')
      .where('policies.closed_at', 'is', null)
      .where(({ exists, selectFrom }) => exists(selectFrom('waivers').select('waivers.policy_no').whereRef('waivers.policy_no', '=', 'policies.policy_no').where('waivers.accepted', 'is', null)));
    if (centralSubBranch !== undefined) query = query.where('policies.central_sub_branch', '=', centralSubBranch);
    return (await query.execute()).map((r) => r.record);
  }

  /** What is kept of a policy's contract, to compare a re-post with (undefined when the policy is not recorded yet). */
  async storedContract(policyNo: string): Promise<StoredContract | undefined> {
    const row = await this.db
      .selectFrom('policies')
      .select(['channel', 'product_code', 'product_type', 'term_months', 'region_code', 'issued_on', 'receipt_signed_on', 'branch', 'central_sub_branch', 'tier4_office', 'agent_code'])
      .where('policy_no', '=', policyNo)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      channel: row.channel,
      productCode: row.product_code,
      productType: row.product_type,
      termMonths: row.term_months,
      regionCode: row.region_code,
      issuedOn: row.issued_on,
      receiptSignedOn: row.receipt_signed_on,
      org: { branch: row.branch, centralSubBranch: row.central_sub_branch, tier4Office: row.tier4_office },
      agentCode: row.agent_code,
      personal: await this.personalData(policyNo),
    };
  }

  // ---- end of the reads ----

  /** The policy's personal data, decrypted; undefined when unknown or shredded. */
  async personalData(policyNo: string): Promise<PersonalData | undefined> {
    const row = await this.db
      .selectFrom('personal_data')
      .innerJoin('policy_keys', 'policy_keys.policy_no', 'personal_data.policy_no')
      .selectAll('personal_data')
      .select(['policy_keys.wrapped_key', 'policy_keys.wrapping_key_id'])
      .where('personal_data.policy_no', '=', policyNo)
      .executeTakeFirst();
    if (!row) return undefined;
    const key = unwrapDataKey(this.options.keys, row.wrapped_key, row.wrapping_key_id);
    return {
      holderName: openText(key, row.holder_name),
      holderPhone: openText(key, row.holder_phone),
      holderIdNumber: openText(key, row.holder_id_number),
      agentName: openText(key, row.agent_name),
      agentPhone: openText(key, row.agent_phone),
    };
  }

  private policyRow(record: CallbackRecord, state: CallbackState | undefined, contract: Contract | undefined) {
    const decision = state?.decision;
    const completedAt = state?.closedAt && record.completedBy && state.stage === 'COMPLETED' ? state.closedAt : null;
    return {
      policy_no: record.policyNo,
      channel: record.channel,
      product_code: contract?.productCode ?? null,
      product_type: record.productType,
      term_months: contract?.termMonths ?? null,
      region_code: record.regionCode,
      branch: record.branch,
      central_sub_branch: record.centralSubBranch,
      tier4_office: record.tier4Office,
      agent_code: record.agentCode,
      issued_on: record.issuedOn ?? null,
      receipt_signed_on: record.receiptSignedOn ?? null,
      callback_month: callbackMonthOf(record, this.options.timeZone),
      started_at: record.startedAt,
      required: record.required,
      rule_id: decision?.ruleId ?? record.ruleId ?? null,
      ratio: decision?.ratio ?? record.ratio ?? null,
      sample_value: decision?.sampleValue ?? null,
      decision_reason: record.decisionReason,
      cooling_off_ends_at: record.coolingOffEndsAt ?? null,
      stage: record.stage,
      attempts_made: record.attemptsMade,
      completed_call_at: record.completedCallAt ?? null,
      successful_call_at: record.successfulCallAt ?? null,
      completed_by: record.completedBy ?? null,
      completed_at: completedAt,
      escalated_at: state?.escalation?.at ?? record.escalatedAt ?? null,
      closed_at: record.closedAt ?? null,
      evidence_kept_until: contract ? this.options.keptUntil(contract) : null,
      state: state ? JSON.stringify(state) : null,
      record: JSON.stringify(record),
      revision: record.revision,
      updated_at: record.updatedAt,
    };
  }

  /**
   * The policy's data key: the stored one (kept in memory after its first read: keys never change),
   * or, given the contract, a new one written with the personal data it encrypts (in `writes`, the
   * same statement). The policy's row is locked by the write in progress, so two writers never race.
   */
  private async dataKeyFor(trx: Trx, policyNo: string, contract?: Contract, writes?: Write[]): Promise<Buffer | undefined> {
    const cached = this.keyCache.get(policyNo);
    if (cached) return cached;
    const stored = await trx.selectFrom('policy_keys').select(['wrapped_key', 'wrapping_key_id']).where('policy_no', '=', policyNo).executeTakeFirst();
    if (stored) return this.remember(policyNo, unwrapDataKey(this.options.keys, stored.wrapped_key, stored.wrapping_key_id));
    if (!contract || !writes) return undefined;
    // Past its legal period the personal data was shredded: a late write must not bring it back.
    const shredded = await trx.selectFrom('retention_actions').select('id').where('policy_no', '=', policyNo).executeTakeFirst();
    if (shredded) return undefined;
    const fresh = newDataKey(this.options.keys);
    writes.push((qc) => qc.insertInto('policy_keys').values({ policy_no: policyNo, wrapped_key: fresh.wrapped, wrapping_key_id: fresh.wrappingKeyId }));
    this.putPersonalData(writes, contract, fresh.key);
    // Not remembered yet: the transaction may still roll back; the next write reads it back.
    return fresh.key;
  }

  private remember(policyNo: string, key: Buffer): Buffer {
    if (this.keyCache.size >= KEY_CACHE_SIZE) this.keyCache.delete(this.keyCache.keys().next().value!);
    this.keyCache.set(policyNo, key);
    return key;
  }

  private putPersonalData(writes: Write[], contract: Contract, key: Buffer): void {
    writes.push((qc) =>
      qc
        .insertInto('personal_data')
        .values({
          policy_no: contract.policyNo,
          holder_name: sealText(key, contract.policyholder.name),
          holder_phone: sealText(key, contract.policyholder.phone),
          holder_id_number: sealText(key, contract.policyholder.idNumber),
          agent_name: sealText(key, contract.agent.name),
          agent_phone: sealText(key, contract.agent.phone),
        })
        .onConflict((oc) => oc.column('policy_no').doNothing())
    );
  }

  private async putCallbackEvidence(trx: Trx, writes: Write[], state: CallbackState, contract: Contract | undefined, key: Buffer | undefined): Promise<void> {
    const policyNo = state.policyNo;
    if (state.attempts.length > 0) {
      const dialled = await this.numberDialled(trx, state, contract, key);
      writes.push((qc) =>
        qc
          .insertInto('call_attempts')
          .values(
            state.attempts.map((a) => ({
              policy_no: policyNo,
              attempt_no: a.attemptNo,
              attempt_id: a.attemptId,
              slot_start: a.slot.start,
              slot_end: a.slot.end,
              placed_at: a.placedAt ?? null,
              outcome: a.outcome ?? null,
              recorded_at: a.recordedAt ?? null,
              operator: a.report?.operator ?? null,
              phone_source: a.placedAt ? state.phoneSource : null,
              number_dialled: a.placedAt ? dialled : null,
              note: a.report?.note ?? null,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['policy_no', 'attempt_no']).doUpdateSet((eb) => ({
              placed_at: sql`coalesce(call_attempts.placed_at, excluded.placed_at)`,
              outcome: sql`coalesce(call_attempts.outcome, excluded.outcome)`,
              recorded_at: sql`coalesce(call_attempts.recorded_at, excluded.recorded_at)`,
              operator: sql`coalesce(call_attempts.operator, excluded.operator)`,
              // The number of the attempt's placing: a later correction does not rewrite history.
              phone_source: sql`coalesce(call_attempts.phone_source, excluded.phone_source)`,
              number_dialled: sql`coalesce(call_attempts.number_dialled, excluded.number_dialled)`,
              note: sql`coalesce(call_attempts.note, excluded.note)`,
            })),
          )
      );
    }
    const answers = [
      ...state.attempts.flatMap((a) =>
        Object.entries(a.report?.answers ?? {}).map(([question_id, answer]) => ({ policy_no: policyNo, source: `attempt-${a.attemptNo}`, question_id, answer, answered_at: a.recordedAt ?? null })),
      ),
      ...Object.entries(state.fallback?.receipt?.answers ?? {}).map(([question_id, answer]) => ({
        policy_no: policyNo,
        source: 'receipt',
        question_id,
        answer,
        answered_at: state.fallback?.receipt?.signedAt ?? null,
      })),
    ];
    if (answers.length > 0) writes.push((qc) => qc.insertInto('answers').values(answers).onConflict((oc) => oc.doNothing()));
    if (state.recording) {
      const r = state.recording;
      writes.push((qc) =>
        qc
          .insertInto('recordings')
          .values({ policy_no: policyNo, reference: r.reference, checksum: r.checksum, size_bytes: r.sizeBytes, uploaded_by: r.uploadedBy, verified_at: r.verifiedAt })
          .onConflict((oc) => oc.doNothing())
      );
    }
    if (state.stageHistory.length > 0) {
      writes.push((qc) =>
        qc
          .insertInto('stage_changes')
          .values(state.stageHistory.map((c, seq) => ({ policy_no: policyNo, seq, stage: c.stage, at: c.at, note: c.note ?? null })))
          .onConflict((oc) => oc.doNothing())
      );
    }
    this.putWaivers(writes, policyNo, [...(state.rejectedWaivers ?? []), ...(state.waiver ? [state.waiver] : [])]);
    const fb = state.fallback;
    if (fb) {
      writes.push((qc) =>
        qc
          .insertInto('fallback_decisions')
          .values({
            policy_no: policyNo,
            kind: fb.kind ?? null,
            trigger: fb.trigger,
            requested_at: fb.requestedAt,
            granted: fb.granted,
            refusal: fb.refusal ?? null,
            share_fallbacks: fb.shareAtDecision?.fallbacks ?? null,
            share_callbacks: fb.shareAtDecision?.callbacks ?? null,
            cap: fb.shareAtDecision?.cap ?? null,
            document_ref: fb.documentRef ?? null,
          })
          .onConflict((oc) => oc.column('policy_no').doUpdateSet({ document_ref: sql`coalesce(fallback_decisions.document_ref, excluded.document_ref)` }))
      );
      const receipt = fb.receipt;
      if (receipt) {
        const receiptKey = key ?? (await this.dataKeyFor(trx, policyNo));
        writes.push((qc) =>
          qc
            .insertInto('receipts')
            .values({
              policy_no: policyNo,
              reference: receipt.reference,
              signed_by: receiptKey ? sealText(receiptKey, receipt.signedBy) : null,
              signed_at: receipt.signedAt,
              entered_at: receipt.enteredAt,
              reported_problems: receipt.reportedProblems ?? null,
            })
            .onConflict((oc) => oc.doNothing())
        );
      }
    }
    if (state.escalation) {
      const e = state.escalation;
      writes.push((qc) =>
        qc
          .insertInto('escalations')
          .values({ policy_no: policyNo, at: e.at, cause: e.cause, escalated_to: e.to, reason: e.reason })
          .onConflict((oc) => oc.doNothing())
      );
    }
    if (state.branchDecision) {
      const d = state.branchDecision;
      writes.push((qc) =>
        qc
          .insertInto('branch_decisions')
          .values({ policy_no: policyNo, reason: d.reason, decided_by: JSON.stringify(d.by), at: d.at })
          .onConflict((oc) => oc.doNothing())
      );
    }
    const reminders = state.reminders;
    if (reminders?.length) {
      writes.push((qc) =>
        qc
          .insertInto('notifications')
          .values(reminders.map((r) => ({ subject: policyNo, sent_to: r.to, at: r.at, about: r.about, policy_no: policyNo })))
          .onConflict((oc) => oc.doNothing())
      );
    }
  }

  /** Waivers reported, and their decisions once made (a decision completes its row, never rewrites it). */
  private putWaivers(writes: Write[], policyNo: string, waivers: WaiverRecord[]): void {
    if (waivers.length === 0) return;
    writes.push((qc) =>
      qc
        .insertInto('waivers')
        .values(
          waivers.map((w) => ({
            policy_no: policyNo,
            reported_at: w.reportedAt,
            statement_ref: w.statementRef,
            reported_by: JSON.stringify(w.reportedBy),
            note: w.note ?? null,
            accepted: w.decision?.accepted ?? null,
            decided_by: w.decision ? JSON.stringify(w.decision.by) : null,
            decided_at: w.decision?.at ?? null,
            decision_reason: w.decision?.reason ?? null,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['policy_no', 'reported_at']).doUpdateSet({
            accepted: sql`coalesce(waivers.accepted, excluded.accepted)`,
            decided_by: sql`coalesce(waivers.decided_by, excluded.decided_by)`,
            decided_at: sql`coalesce(waivers.decided_at, excluded.decided_at)`,
            decision_reason: sql`coalesce(waivers.decision_reason, excluded.decision_reason)`,
          }),
        )
    );
  }

  /** The number the attempts went to: the contract's, or the one a ticket's reply corrected (as ciphertext). */
  private async numberDialled(trx: Trx, state: CallbackState, contract: Contract | undefined, key: Buffer | undefined): Promise<Buffer | null> {
    if (state.phoneSource === 'contract') return key && contract ? sealText(key, contract.policyholder.phone) : null;
    const ticket = await trx.selectFrom('tickets').select('corrected_phone').where('ticket_id', '=', state.phoneSource).executeTakeFirst();
    return ticket?.corrected_phone ?? null;
  }

  private putTicketEvidence(writes: Write[], state: TicketState): void {
    if (state.steps.length > 0) {
      writes.push((qc) =>
        qc
          .insertInto('ticket_steps')
          .values(
            state.steps.map((s, seq) => ({
              ticket_id: state.ticketId,
              seq,
              step: s.step,
              actor_role: s.actor.role,
              actor_id: s.actor.id,
              actor_office: s.actor.office ?? null,
              at: s.at,
              note: s.note ?? null,
              late: s.late,
            })),
          )
          .onConflict((oc) => oc.doNothing())
      );
    }
    const notices = [
      ...state.reminders.map((r) => ({ sent_to: `${r.role} ${r.code}`, at: r.at, about: `reminder: ${r.about}` })),
      ...state.escalations.map((e) => ({ sent_to: `${e.to} ${e.code}`, at: e.at, about: `escalation: ${e.about}` })),
    ];
    if (notices.length > 0) {
      writes.push((qc) =>
        qc
          .insertInto('notifications')
          .values(notices.map((n) => ({ ...n, subject: state.ticketId, policy_no: state.policyNo })))
          .onConflict((oc) => oc.doNothing())
      );
    }
  }
}

const POLICY_UPDATED_COLUMNS = [
  'channel', 'product_type', 'region_code', 'branch', 'central_sub_branch', 'tier4_office', 'agent_code', 'issued_on',
  'receipt_signed_on', 'callback_month', 'started_at', 'required', 'rule_id', 'ratio', 'sample_value', 'decision_reason',
  'cooling_off_ends_at', 'stage', 'attempts_made', 'completed_call_at', 'successful_call_at', 'completed_by', 'completed_at', 'escalated_at',
  'closed_at', 'record', 'revision', 'updated_at',
] as const;

const TICKET_UPDATED_COLUMNS = [
  'type', 'reasons', 'branch', 'central_sub_branch', 'tier4_office', 'agent_code', 'stage', 'opened_at', 'dispatched_at',
  'due_at', 'replied_at', 'reply_late', 'overdue', 'closed_at', 'record', 'revision', 'updated_at',
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function excludedColumns(eb: any, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function orgWhere<Q extends { where: (...args: any[]) => Q }>(query: Q, filter: OrgFilter): Q {
  let q = query;
  if (filter.branch !== undefined) q = q.where('branch', '=', filter.branch);
  if (filter.centralSubBranch !== undefined) q = q.where('central_sub_branch', '=', filter.centralSubBranch);
  if (filter.tier4Office !== undefined) q = q.where('tier4_office', '=', filter.tier4Office);
  if (filter.agentCode !== undefined) q = q.where('agent_code', '=', filter.agentCode);
  return q;
}

function withoutCorrectedPhone(state: TicketState): TicketState {
  if (!state.reply?.correctedPhone) return state;
  const { correctedPhone: _phone, ...reply } = state.reply;
  return { ...state, reply };
}

/**
 * The store on the PostgreSQL at `url`, its schema migrated to the latest first (migrations take a
 * lock: workers and API starting together are safe). `close()` ends its connections.
 */
export async function openEvidenceStore(
  url: string,
  options: { keys: WrappingKeys; timeZone: string; retention: RetentionConfig; poolSize?: number },
): Promise<EvidenceStore> {
  const db = openDatabase(url, { max: options.poolSize });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new EvidenceStore(db, {
    keys: options.keys,
    timeZone: options.timeZone,
    keptUntil: (c) => evidenceKeptUntil(c.issuedOn, c.termMonths, options.retention),
  });
}

/**
 * The inserts of one write as one statement (data-modifying CTEs, each run once and to completion):
 * one round trip to the database instead of one per table.
 */
async function runTogether(trx: Trx, writes: readonly Write[]): Promise<void> {
  if (writes.length === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let query: any = trx;
  writes.forEach((write, i) => (query = query.with(`w${i}`, write)));
  await query.selectNoFrom(sql`1`.as('done')).execute();
}
