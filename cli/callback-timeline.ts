/**
 * A policy's whole story for `huifang show`, in time order: every stage, each attempt (placed, its
 * outcome and which answers were "no"), each ticket and its steps, reminder and escalations, the
 * waiver, the letter / on-site fallback and the recording. Read from the callback's state and its
 * tickets' states as the system of record keeps them; names and numbers of people are never in either (a corrected number is only
 * "given").
 */
import { endedFromOutside, type CallbackView } from '../client/huifang-client';
import type { CallbackState } from '../domain/callback-state';
import type { TicketState } from '../domain/ticket';
import { localStamp } from '../workflows/summaries';
import { who } from './format-callback-state';

export interface TimelineEntry {
  at: string;
  /** What the line is about: `stage`, `attempt #2`, `ticket P1-T1`, `waiver`, `fallback`, `escalation`, `reminder`, `branch`, `recording`, `run`. */
  subject: string;
  text: string;
}

export function callbackTimeline(state: CallbackState | CallbackView, tickets: readonly TicketState[] = []): TimelineEntry[] {
  const entries: (TimelineEntry & { rank: number })[] = [];
  const add = (at: string | undefined, subject: string, text: string, rank: number = RANK.other) => {
    if (at) entries.push({ at, subject, text, rank });
  };

  for (const s of state.stageHistory) {
    add(s.at, 'stage', `${s.stage}${s.note ? `: ${s.note}` : ''}`, s.stage === 'AWAITING_CALL' ? RANK.waitForCall : s.stage === 'CALLING' ? RANK.calling : RANK.stage);
  }

  for (const a of state.attempts) {
    const subject = `attempt #${a.attemptNo}`;
    add(a.placedAt, subject, `placed, slot ${a.slot.slot} ${localStamp(a.slot.start)}-${localStamp(a.slot.end).slice(11)}${a.slot.late ? ' (late)' : ''}`, RANK.placed);
    if (a.report) {
      const no = Object.entries(a.report.answers ?? {}).filter(([, v]) => v === 'no').map(([q]) => q);
      const answers = a.report.answers ? (no.length ? `; answered no to: ${no.join(', ')}` : '; every answer yes') : '';
      const problems = a.report.reportedProblems?.length ? `; problems reported: ${a.report.reportedProblems.join(', ')}` : '';
      const note = a.report.note ? ` "${a.report.note}"` : '';
      add(a.recordedAt, subject, `${a.report.outcome} by ${a.report.operator}${answers}${problems}${note}`, RANK.outcome);
    } else if (a.outcome === 'not-made') {
      add(a.slot.end, subject, 'not made: the slot ended without an outcome', RANK.outcome);
    }
  }

  const ticketsById = new Map(tickets.map((t) => [t.ticketId, t]));
  for (const ref of state.tickets) {
    const subject = `ticket ${ref.ticketId}`;
    add(ref.openedAt, subject, `opened, ${ref.type}: ${ref.reasons.join(', ')}`);
    const ticket = ticketsById.get(ref.ticketId);
    for (const step of ticket?.steps ?? []) {
      const reply = step.step === 'reply' ? replyText(ticket!) : '';
      const due = step.step === 'dispatch' && ticket!.dueAt ? `, reply due ${localStamp(ticket!.dueAt)}` : '';
      add(step.at, subject, `${step.step} by ${who(step.actor)}${step.late ? ' (late)' : ''}${due}${reply}${step.note ? ` "${step.note}"` : ''}`);
    }
    for (const r of ticket?.reminders ?? []) add(r.at, subject, `reminder about the ${r.about} sent to ${r.role} ${r.code}`);
    for (const e of ticket?.escalations ?? []) {
      add(e.at, subject, `${e.about === 'reply' && e.to === 'tier3' ? 'overdue: ' : ''}${e.about} escalated to ${e.to === 'tier3' ? 'the tier-3 handler' : 'the branch'} ${e.code ?? ''}`.trimEnd());
    }
    add(ref.closedAt ?? ticket?.closedAt, subject, `closed${ref.overdue ?? ticket?.overdue ? ' (was overdue)' : ''}`);
  }

  const w = [...(state.rejectedWaivers ?? []), ...(state.waiver ? [state.waiver] : [])];
  for (const waiver of w) {
    add(waiver.reportedAt, 'waiver', `statement ${waiver.statementRef} reported by ${waiver.reportedBy.role} ${waiver.reportedBy.id}`);
    const d = waiver.decision;
    if (d) add(d.at, 'waiver', `${d.accepted ? 'accepted' : 'rejected'} by ${d.by.role} ${d.by.id}${d.reason ? `: ${d.reason}` : ''}`);
  }

  const f = state.fallback;
  if (f) {
    const share = f.shareAtDecision ? ` (office share ${f.shareAtDecision.fallbacks}/${f.shareAtDecision.callbacks}, cap ${f.shareAtDecision.cap})` : '';
    add(f.requestedAt, 'fallback', `${f.kind ?? 'letter / on-site'} requested after "${f.trigger}": ${f.granted ? 'granted' : `refused, ${f.refusal}`}${share}${f.documentRef ? `, ${f.documentRef}` : ''}`);
    if (f.receipt) add(f.receipt.enteredAt, 'fallback', `signed receipt ${f.receipt.reference} (signed ${f.receipt.signedAt.slice(0, 10)})`);
  }
  if (state.escalation) add(state.escalation.at, 'escalation', `to the ${state.escalation.to} (${state.escalation.cause}): ${state.escalation.reason}`);
  for (const r of state.reminders ?? []) add(r.at, 'reminder', `to ${r.to}: ${r.about}`);
  // The refusal itself is the attempt's outcome above; this is what it now waits for.
  if (state.refusal) add(state.refusal.at, 'refusal', 'refused on the phone: closes as REFUSED once its recording is verified', RANK.stage);
  const d = state.branchDecision;
  if (d) add(d.at, 'branch', `closed the case, by ${who(d.by)}: ${d.reason}`, RANK.outcome);
  if ('run' in state && endedFromOutside(state.run)) add(state.run.closedAt, 'run', `${state.run.status}${state.run.reason ? `: ${state.run.reason}` : ''} (the callback did not finish)`, RANK.other + 1);

  const r = state.recording;
  if (r) add(r.verifiedAt, 'recording', `${r.reference} verified (${r.sizeBytes} bytes, uploaded by ${r.uploadedBy})`, RANK.outcome);

  // Entries of the same millisecond in the order one causes the next; else in the order added.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.e.rank - b.e.rank || a.i - b.i)
    .map(({ e: { rank: _rank, ...entry } }) => entry);
}

/** Within one instant: waiting for the call, the call placed, CALLING, its outcome, the stage it led to, the rest. */
const RANK = { waitForCall: 0, placed: 1, calling: 2, outcome: 3, stage: 4, other: 5 } as const;

function replyText(ticket: TicketState): string {
  const r = ticket.reply;
  if (!r) return '';
  if (r.correctedPhone) return ': a corrected number given';
  return r.actionTaken ? `: ${r.actionTaken}` : '';
}

export function formatTimeline(entries: readonly TimelineEntry[]): string[] {
  const width = Math.max(0, ...entries.map((e) => e.subject.length));
  return entries.map((e) => `  ${localStamp(e.at)}  ${e.subject.padEnd(width)}  ${e.text}`);
}
