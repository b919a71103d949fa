/**
 * One callback's run: the policy's state and the few things every stage does with it (move the
 * stage, write the projection row, tell staff). The stages (assess, call rounds, tickets, fallback,
 * recording) and the message handlers share this one object instead of captured variables.
 */
import { Mutex } from 'async-mutex';
import { allHandlersFinished, CancellationScope, log, patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Assessment } from '../../activities/assess-contract';
import type { Notification } from '../../domain/notification';
import { callbackEvidenceOf } from '../../domain/callback-record';
import type { CallAttempt, CallbackStage, CallbackState, CallbackSummary, EscalationCause } from '../../domain/callback-state';
import type { Contract } from '../../domain/contract';
import type { PolicyOrg } from '../../domain/waiver-rules';
import { nowIso, isoIn } from '../clock';
import { waitUntil } from '../waits';
import type { OpenTicket } from './tickets';
import * as sa from '../search-attributes';
import { activitySummary, callbackCurrentDetails } from '../summaries';
import { recordCallback, notify } from './activities';

const DAY = 24 * 3_600_000;

export class CallbackRun {
  readonly policyNo: string;
  readonly org: PolicyOrg;
  readonly state: CallbackState;
  readonly startedAt = workflowInfo().startTime.toISOString();
  /** Set by the assessment, before any message other than the query is accepted. */
  assessment?: Assessment;
  /** Every ticket this callback opened. */
  readonly tickets: OpenTicket[] = [];
  /** The attempt whose slot is open: only it may take an outcome. */
  openAttempt?: CallAttempt;
  /** Every stage after the assessment runs in this scope, so an accepted waiver can stop whatever it waits on. */
  readonly mainScope = new CancellationScope();
  private published = '';
  private revision = 0;
  /** What the last evidence write held (the state less the plan): recordChanges() writes only on a change. */
  private recorded = '';
  /**
   * This build's patch, asked in the run's first activation, before anything has resolved: see
   * `local()` and `writesBeforeWaits()` for what a run that says yes does. (Asked later, after a
   * local activity, `patched()` can answer differently live and on replay: sdk-core may hand a
   * local activity's result to the workflow in a later workflow task than the one its marker is
   * recorded in, a query racing it, while a replay hands it over in the marker's own.)
   */
  private readonly fromThisBuild = patched('local-activities-one-at-a-time');
  /** The lane `local()` runs local activities in, one at a time. */
  private readonly localLane = new Mutex();

  constructor(readonly contract: Contract) {
    this.policyNo = contract.policyNo;
    this.org = { ...contract.org, agentCode: contract.agent.code };
    this.state = {
      policyNo: contract.policyNo,
      stage: 'ASSESSING',
      plan: [],
      attempts: [],
      attemptsMade: 0,
      problems: [],
      tickets: [],
      phoneSource: 'contract',
      stageHistory: [{ stage: 'ASSESSING', at: nowIso() }],
    };
  }

  /** The assessment, once made (the stages after it may rely on it). */
  get assessed(): Assessment {
    if (!this.assessment) throw new Error(`callback ${this.policyNo} is not assessed yet`);
    return this.assessment;
  }

  get coolingOffEndsAt(): string {
    return this.state.coolingOff!.endsAt;
  }

  /** Moves the stage and publishes it; one search-attribute event, and none when nothing changed. */
  setStage(stage: CallbackStage, note?: string): void {
    const state = this.state;
    if (stage !== state.stage || note) {
      // A note on the same stage is kept too: why a round ended, why a bound was reached.
      state.stageHistory.push({ stage, at: nowIso(), note });
    }
    if (stage !== state.stage) {
      // No note: a refusal's note is the operator's free text, and logs carry business keys only.
      log.info(`callback ${this.policyNo} stage ${stage}`, { policyNo: this.policyNo, stage });
    }
    state.stage = stage;
    state.nextAttemptAt = stage === 'AWAITING_CALL' || stage === 'CALLING' ? state.nextAttemptAt : undefined;
    // The Web UI's "current details" of the run: not history, so free to change at every stage.
    setCurrentDetails(callbackCurrentDetails(state));
    const attrs = JSON.stringify([stage, state.attemptsMade, state.nextAttemptAt ?? null, state.coolingOff?.endsAt ?? null]);
    if (attrs === this.published) return;
    this.published = attrs;
    upsertSearchAttributes([
      { key: sa.CallbackStage, value: stage },
      { key: sa.AttemptCount, value: state.attemptsMade },
      { key: sa.NextAttemptAt, value: state.nextAttemptAt ? new Date(state.nextAttemptAt) : null },
      ...(state.coolingOff ? [{ key: sa.CoolingOffEnd, value: new Date(state.coolingOff.endsAt) }] : []),
    ]);
  }

  /** A note in the stage history without a stage change (a waiver reported, rejected…). */
  note(note: string): void {
    this.state.stageHistory.push({ stage: this.state.stage, at: nowIso(), note });
  }

  /** Writes the policy's evidence to the system of record (views, lists, registers, figures read it). */
  async record(): Promise<void> {
    const evidence = callbackEvidenceOf(this.contract, this.state, { startedAt: this.startedAt, revision: ++this.revision, at: nowIso() });
    this.recorded = evidenceFingerprint(this.state);
    await this.local(() => recordCallback.executeWithOptions({ summary: activitySummary(this.policyNo, this.state.stage, `evidence, revision ${this.revision}`) }, [evidence]));
  }

  /**
   * Before a wait that may last (a slot, a ticket's reply, a receipt, the branch): writes the evidence
   * when anything in it changed since the last write (an attempt's outcome, a ticket opened, a reminder
   * sent), so the system of record never lags the case by more than the moment it takes. Runs
   * recorded before it keep their history (the patch).
   */
  async recordChanges(): Promise<void> {
    if (evidenceFingerprint(this.state) === this.recorded) return;
    if (!this.writesBeforeWaits()) return;
    await this.record();
  }

  /**
   * Whether this run writes its evidence before waits: runs begun on this build say so from their
   * start; runs recorded before it asked 'evidence-before-waits' after the assessment, and replay the
   * same answer there (those recorded before either took the earlier path: false).
   */
  writesBeforeWaits(): boolean {
    return this.fromThisBuild || patched('evidence-before-waits');
  }

  /**
   * Runs a local activity of this callback, one at a time: a message handler's and the main flow's
   * never overlap. Two outstanding at once resolve live in the order they finish, each in its own
   * activation, but on replay together in their markers' order: the handler's and the main flow's
   * commands that follow then interleave differently (an Update completed after a stage's
   * search-attribute upsert instead of before), a nondeterminism error. Runs begun before keep
   * running them side by side.
   */
  local<T>(execute: () => Promise<T>): Promise<T> {
    return this.fromThisBuild ? this.localLane.runExclusive(execute) : execute();
  }

  notifyStaff(n: Notification): Promise<void> {
    return notify.executeWithOptions({ summary: activitySummary(this.policyNo, this.state.stage, `notify ${n.to.role} ${n.to.code}: ${n.kind}`) }, [n]);
  }

  /** A notice about this policy, with its phone attempts so far (outcomes only, never a number). */
  notice(to: Notification['to'], subject: string, kind: Notification['kind']): Notification {
    const attempts = this.state.attempts.map((a) => `第${a.attemptNo}次 ${a.outcome ?? ''}`).join('；') || '无';
    return { kind, to, subject: `${this.policyNo} ${subject}`, body: `保单 ${this.policyNo}：${subject}。电话回访记录：${attempts}。`, policyNo: this.policyNo, sentAt: nowIso() };
  }

  /**
   * The case goes up to the branch (UNRESOLVED): on record, the branch told. It stays open until the
   * branch closes it (closeUnresolved) or, for `lateArrival`, what was missing comes after all.
   * Returns true when it came (the flow goes on), false when the branch closed the case.
   */
  async escalate(cause: EscalationCause, reason: string, lateArrival: () => boolean = () => false): Promise<boolean> {
    const branch = this.contract.org.branch;
    this.state.escalation = { to: 'branch', at: nowIso(), reason, cause };
    this.setStage('UNRESOLVED', `for branch ${branch}: ${reason}`);
    await this.record();
    await this.notifyStaff(this.notice({ role: 'branch', code: branch }, `callback unresolved, for the branch to close: ${reason}`, 'callback-escalated'));
    // Every wait has a deadline: the branch is reminded until it decides.
    const every = this.assessed.deadlines.branchReminderDays * DAY;
    for (;;) {
      const due = isoIn(every);
      const ended = () => this.state.branchDecision !== undefined || lateArrival();
      await this.recordChanges();
      if (await waitUntil('branch-decision', ended, due, `${this.policyNo} · UNRESOLVED · branch ${branch} reminded at ${due}`)) break;
      (this.state.reminders ??= []).push({ to: `branch ${branch}`, at: nowIso(), about: 'unresolved callback' });
      await this.notifyStaff(this.notice({ role: 'branch', code: branch }, `reminder: callback still unresolved since ${this.state.escalation.at}: ${reason}`, 'branch-reminder'));
    }
    if (this.state.branchDecision) return false;
    this.note(`${cause}: arrived after the escalation`);
    return true;
  }

  /** Closes the case in `stage` (once: closing again in the same stage changes nothing). */
  close(stage: CallbackStage, note?: string): void {
    if (this.state.closedAt && this.state.stage === stage) return;
    this.state.closedAt ??= nowIso();
    this.setStage(stage, note);
  }

  /** The note of the last stage change, or `fallback`. */
  lastNote(fallback: string): string {
    return this.state.stageHistory.at(-1)?.note ?? fallback;
  }

  /** After a waiver cancelled the stage: its open tickets acknowledge their cancellation (a minute at most). */
  async ticketsCancelled(): Promise<void> {
    await waitUntil('tickets-cancelled', () => this.tickets.every((t) => t.settled), isoIn(60_000));
  }

  /** The workflow's end: handlers still running get a minute, the last row is written, the summary returned. */
  async finish(): Promise<CallbackSummary> {
    await waitUntil('handlers-finished', allHandlersFinished, isoIn(60_000));
    this.state.closedAt ??= nowIso();
    await this.record();
    const { plan: _plan, ...rest } = this.state;
    return rest;
  }
}

/** The evidence a write carries, less what only plans ahead (the remaining slots, the next attempt's time). */
function evidenceFingerprint(state: CallbackState): string {
  return JSON.stringify({ ...state, plan: undefined, nextAttemptAt: undefined });
}
