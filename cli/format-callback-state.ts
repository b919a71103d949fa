/**
 * One policy's callback as readable lines for `huifang show`: what stage (or that its run was ended
 * from outside), why it was (not) needed, the cooling-off period, what comes next and every attempt
 * so far; a refusal, an escalation to the branch, the reminders sent and the branch's decision; from
 * the system of record's evidence, the sampling rule, the answers, who completed it and how long it is
 * kept. Times are shown in the business's time zone (Asia/Shanghai), as staff read them.
 */
import { endedFromOutside, type CallbackView } from '../client/huifang-client';
import type { ActorRef } from '../domain/callback-record';
import type { CallAttempt } from '../domain/callback-state';
import { DEFAULT_TIME_ZONE } from '../domain/local-time';
import { localClock as time, localStamp as dateTime } from '../workflows/summaries';

export function formatCallbackState(state: CallbackView): string[] {
  const since = state.stageHistory.at(-1);
  const stage = `${state.stage}${since ? ` since ${dateTime(since.at)}` : ''}${since?.note ? ` (${since.note})` : ''}`;
  const lines: string[] = [`policy ${state.policyNo}  (times ${DEFAULT_TIME_ZONE})`];
  const { run } = state;
  if (endedFromOutside(run)) {
    // Never shown as its last stage: the callback did not finish, nothing more will happen on its own.
    lines.push(row('run', `${run.status}${run.closedAt ? ` at ${dateTime(run.closedAt)}` : ''}${run.reason ? `: ${run.reason}` : ''}`));
    lines.push(row('stage', `none: the run was ${run.status.toLowerCase().replace('_', ' ')} before the callback ended (last stage ${stage})`));
  } else {
    // Open on record, but Temporal cannot say how its run stands: the stage last recorded, said so.
    if (run.status === 'UNKNOWN') lines.push(row('run', `UNKNOWN: ${run.reason ?? 'Temporal did not say'}`));
    lines.push(row('stage', run.status === 'UNKNOWN' ? `${stage} (as last recorded${run.stateRecordedAt ? ` ${dateTime(run.stateRecordedAt)}` : ''})` : stage));
  }
  if (state.decision) {
    lines.push(row('decision', `${state.decision.required ? 'callback required' : 'no callback'}: ${state.decision.reason}`));
  }
  const story = state.evidence;
  if (story?.decision.ruleId) {
    const d = story.decision;
    lines.push(row('rule', `${d.ruleId}${d.ratio !== undefined ? `, ratio ${d.ratio}` : ''}${d.sampleValue !== undefined ? `, sample ${d.sampleValue}` : ''}`));
  }
  if (state.coolingOff) {
    const c = state.coolingOff;
    lines.push(row('cooling-off', `${c.days} days, ${c.startsOn} to ${c.lastDay} (last day)${c.extendedForHoliday ? ', extended for a holiday' : ''}`));
    if (c.extensionNotChecked) lines.push(row('', `holiday extension not checked: no working-day calendar for ${c.extensionNotChecked.missingYear} (counted without it)`));
  }
  if (state.waitingFor) {
    const w = state.waitingFor;
    lines.push(row('waiting for', `the ${w.year} working-day calendar since ${dateTime(w.since)}: add ${w.file}; looked ${w.checks} time${w.checks === 1 ? '' : 's'}, next ${dateTime(w.nextCheckAt)}`));
  } else if (state.calendarMissing) {
    const m = state.calendarMissing;
    lines.push(row('calendar', `no working-day calendar for ${m.year} yet (${m.file}): calls planned before ${m.from} only, then the callback waits for it`));
  }
  // The next attempt's slot has already left the plan: the plan is what remains after it.
  if (state.nextAttemptAt) lines.push(row('next attempt', dateTime(state.nextAttemptAt)));
  if (state.plan.length > 0) lines.push(row('then', `${state.plan.length} more slot${state.plan.length === 1 ? '' : 's'} planned, until ${dateTime(state.plan.at(-1)!.end)}`));
  lines.push(row('attempts', state.attempts.length === 0 ? 'none yet' : `${state.attempts.length} (${state.attemptsMade} with an outcome)`));
  for (const a of state.attempts) lines.push(`  ${attemptLine(a)}`);
  if (state.problems.length > 0) lines.push(row('problems', state.problems.map((p) => `${p.reason} → ${p.ticketType}`).join(', ')));
  if (state.unreachableReason) lines.push(row('unreachable', state.unreachableReason));
  // The operator's note on a refusal stays out: it is free text about the policyholder.
  if (state.refusal) lines.push(row('refused', `${dateTime(state.refusal.at)} on the phone (closes as REFUSED once its recording is verified)`));
  const e = state.escalation;
  if (e) lines.push(row('escalated', `to the ${e.to} ${dateTime(e.at)} (${e.cause}): ${e.reason}`));
  const reminders = state.reminders ?? [];
  if (reminders.length > 0) lines.push(row('reminders', `${reminders.length} sent`));
  for (const r of reminders) lines.push(`  ${dateTime(r.at)} to ${r.to}: ${r.about}`);
  const d = state.branchDecision;
  if (d) lines.push(row('branch', `closed the case ${dateTime(d.at)}, by ${who(d.by)}: ${d.reason}`));
  if (state.recording) {
    const r = state.recording;
    lines.push(row('recording', `${r.reference} (${r.checksum}, by ${r.uploadedBy}, verified ${dateTime(r.verifiedAt)})`));
  }
  if (story && story.answers.length > 0) {
    const bySource = new Map<string, string[]>();
    for (const a of story.answers) bySource.set(a.source, [...(bySource.get(a.source) ?? []), a.answer]);
    lines.push(row('answers', [...bySource].map(([source, answers]) => `${source}: ${tally(answers)}`).join('; ')));
  }
  if (story?.completedAt) lines.push(row('completed', `${dateTime(story.completedAt)}${story.completedBy ? ` by ${story.completedBy}` : ''}`));
  if (state.closedAt) lines.push(row('closed', dateTime(state.closedAt)));
  if (story?.evidenceKeptUntil) lines.push(row('kept until', story.evidenceKeptUntil));
  return lines;
}

function attemptLine(a: CallAttempt): string {
  const when = `${dateTime(a.slot.start)}-${time(a.slot.end)}`;
  const outcome = a.outcome ?? (a.placedAt ? `calling since ${time(a.placedAt)}` : 'waiting');
  const by = a.report ? `, by ${a.report.operator}` : '';
  const recorded = a.recordedAt ? `, recorded ${dateTime(a.recordedAt)}` : '';
  const note = a.report?.note ? ` "${a.report.note}"` : '';
  return `#${a.attemptNo} ${when} ${a.slot.slot}${a.slot.late ? ' (late)' : ''}: ${outcome}${by}${recorded}${note}`;
}

/** '5 yes, 1 no': how many of each answer. */
function tally(answers: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts].map(([answer, n]) => `${n} ${answer}`).join(', ');
}

export function who(a: ActorRef): string {
  return `${a.role} ${a.id}${a.office ? `@${a.office}` : ''}`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(13)}${value}`;
}
