/**
 * One policy's callback as readable lines for `huifang show`: what stage, why it was (not) needed,
 * the cooling-off period, what comes next and every attempt so far. Times are shown in the
 * business's time zone (Asia/Shanghai), as staff read them.
 */
import type { CallAttempt, CallbackState } from '../domain/callback-state';
import { DEFAULT_TIME_ZONE } from '../domain/local-time';
import { localClock as time, localStamp as dateTime } from '../workflows/summaries';

export function formatCallbackState(state: CallbackState): string[] {
  const since = state.stageHistory.at(-1);
  const lines: string[] = [
    `policy ${state.policyNo}  (times ${DEFAULT_TIME_ZONE})`,
    row('stage', `${state.stage}${since ? ` since ${dateTime(since.at)}` : ''}${since?.note ? ` (${since.note})` : ''}`),
  ];
  if (state.decision) {
    lines.push(row('decision', `${state.decision.required ? 'callback required' : 'no callback'}: ${state.decision.reason}`));
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
  if (state.recording) {
    const r = state.recording;
    lines.push(row('recording', `${r.reference} (${r.checksum}, by ${r.uploadedBy}, verified ${dateTime(r.verifiedAt)})`));
  }
  if (state.closedAt) lines.push(row('closed', dateTime(state.closedAt)));
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

function row(label: string, value: string): string {
  return `${label.padEnd(13)}${value}`;
}
