/**
 * One ticket's run: its state and the few things every stage does with it (publish the stage, write
 * the projection row and the printable order, tell people, go up to the branch). The stages
 * (dispatch, reply, a level-2 ticket's collection and archiving) and the message handler share this
 * one object.
 */
import { allHandlersFinished, log, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Notification, Recipient } from '../../domain/notification';
import type { DispatchDeadlines } from '../../activities/ticket-deadlines';
import { ticketEvidenceOf } from '../../domain/callback-record';
import type { TicketInput, TicketResult, TicketState, TicketStepName } from '../../domain/ticket';
import { nowIso, isoIn } from '../clock';
import * as sa from '../search-attributes';
import { localStamp, ticketCurrentDetails, ticketTimerSummary } from '../summaries';
import { waitUntil } from '../waits';
import { dispatchDeadlines, notify, recordTicket, writeTransferOrder } from './activities';

const DAY = 24 * 3_600_000;

export class TicketRun {
  readonly state: TicketState;
  readonly tier3: Recipient;
  readonly tier4: Recipient;
  readonly agent: Recipient;
  readonly branch: Recipient;
  /** Set when the ticket opens (run.open), before any wait. */
  private opened?: DispatchDeadlines;
  /** The reply goes up to the branch at this instant (set at dispatch, with the reply's deadlines). */
  escalateToBranchAt?: string;
  /** A step is being recorded (dispatch awaits an activity): a second one must not interleave with it. */
  stepInProgress = false;
  private revision = 0;
  /** Mail, projection rows and order writes in flight: sent in the background, so a slow mail server never pushes a deadline back. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(input: TicketInput) {
    this.state = { ...input, stage: 'AWAITING_DISPATCH', createdAt: nowIso(), steps: [], reminded: false, overdue: false, reminders: [], escalations: [] };
    this.tier3 = { role: 'tier3', code: input.org.centralSubBranch };
    this.tier4 = { role: 'tier4', code: input.org.tier4Office };
    this.agent = { role: 'agent', code: input.agentCode };
    this.branch = { role: 'branch', code: input.org.branch };
    setCurrentDetails(ticketCurrentDetails(this.state));
  }

  get ticketId(): string {
    return this.state.ticketId;
  }

  /** The dispatch deadlines and the branch's reminder interval, fixed when the ticket opened. */
  get deadlines(): DispatchDeadlines {
    if (!this.opened) throw new Error(`ticket ${this.ticketId} is not open yet`);
    return this.opened;
  }

  /** The ticket opens: its row, its printable order, the tier-3 handler told; its dispatch deadlines from the calendar. */
  async open(): Promise<void> {
    this.project();
    this.send('ticket-created', this.tier3, 'new transfer order to dispatch');
    this.writeOrder();
    this.opened = await dispatchDeadlines.executeWithOptions({ summary: `${this.ticketId} · AWAITING_DISPATCH · dispatch deadlines in working hours` }, [{ openedAt: this.state.createdAt }]);
  }

  /** The stage, overdue flag and reply due time as search attributes; the Web UI's current details. */
  publish(): void {
    const { state } = this;
    upsertSearchAttributes([
      { key: sa.TicketStage, value: state.stage },
      { key: sa.Overdue, value: state.overdue },
      { key: sa.TicketDueAt, value: state.dueAt ? new Date(state.dueAt) : null },
    ]);
    this.details();
    log.info(`ticket ${state.ticketId} ${state.stage}${state.overdue ? ' (overdue)' : ''}`, { policyNo: state.policyNo, ticketId: state.ticketId, stage: state.stage });
  }

  /** The Web UI's current details only (not history): after a reminder, which changes no attribute. */
  details(): void {
    setCurrentDetails(ticketCurrentDetails(this.state));
  }

  /** The ticket's evidence in the system of record, rewritten at each change (in the background, like mail). */
  project(): void {
    const evidence = ticketEvidenceOf(this.state, { revision: ++this.revision, at: nowIso() });
    this.background(recordTicket.executeWithOptions({ summary: `${this.ticketId} · ${this.state.stage} · evidence, revision ${this.revision}` }, [evidence]));
  }

  /** The printable order (转办单) in the output folder: when the ticket opens, for the tier-3 handler to print, and when it closes. */
  writeOrder(): void {
    this.background(writeTransferOrder.executeWithOptions({ summary: `${this.ticketId} · ${this.state.stage} · write the printable transfer order` }, [{ ticket: { ...this.state } }]));
  }

  send(kind: Notification['kind'], to: Recipient, subject: string): void {
    const { state } = this;
    const n: Notification = {
      kind,
      to,
      subject: `[${state.type}] ${state.ticketId} ${subject}`,
      body: `保单 ${state.policyNo} 转办单 ${state.ticketId}（${state.reasons.join(', ')}）: ${subject}. ${state.finding}`,
      policyNo: state.policyNo,
      ticketId: state.ticketId,
      sentAt: nowIso(),
    };
    this.background(notify.executeWithOptions({ summary: `${this.ticketId} · notify ${to.role} ${to.code}: ${kind}` }, [n]));
  }

  /** Reminds whoever owes `about`, on record. */
  remind(kind: Notification['kind'], to: Recipient[], about: TicketStepName, subject: string): void {
    const at = nowIso();
    for (const r of to) {
      this.state.reminders.push({ role: r.role, code: r.code, at, about });
      this.send(kind, r, subject);
    }
    this.details();
  }

  /**
   * The ticket goes up to the branch for `about`, and stays with it until `done()`: the branch is
   * reminded every branchReminderDays, never left to forget it.
   */
  async escalateToBranch(about: TicketStepName, why: string, done: () => boolean): Promise<void> {
    const since = nowIso();
    this.state.escalations.push({ to: 'branch', code: this.branch.code, at: since, about });
    this.publish();
    this.project();
    this.send('ticket-escalated', this.branch, why);
    const every = this.deadlines.branchReminderDays * DAY;
    for (;;) {
      const due = isoIn(every);
      if (await waitUntil('branch-reminder', done, due, ticketTimerSummary(this.ticketId, this.state.stage, `${about} with branch ${this.branch.code} since ${localStamp(since)}: reminder at`, due))) return;
      this.remind('branch-reminder', [this.branch], about, `reminder: still waiting for ${about} since ${localStamp(since)} (${why})`);
    }
  }

  /** The closed ticket: its order written again, background work done, handlers given a minute. */
  async finish(): Promise<TicketResult> {
    this.writeOrder();
    await Promise.all(this.inFlight);
    const deadline = isoIn(60_000);
    await waitUntil('handlers-finished', allHandlersFinished, deadline, ticketTimerSummary(this.ticketId, this.state.stage, 'handlers still running; closing anyway at', deadline));
    const { ticketId, type, reply, overdue, closedAt } = this.state;
    return { ticketId, type, reply, overdue, closedAt };
  }

  private background(work: Promise<unknown>): void {
    // Kept until done: a ticket with the branch for months holds no trail of old promises. A failure
    // stays, for the close to see (these retry until cancelled).
    const p: Promise<unknown> = work.then(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }
}
