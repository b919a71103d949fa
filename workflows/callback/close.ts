/**
 * Stage 3: the recording (reminded, then the branch), then every level-2 ticket archived (or the
 * branch), closes the callback: COMPLETED, or REFUSED for a refusal on tape.
 */
import { stageAfterRecording } from '../../domain/callback-flow';
import { nowIso, isoIn } from '../clock';
import { localStamp } from '../summaries';
import { waitUntil } from '../waits';
import type { CallbackRun } from './run';
import { awaitTickets, type OpenTicket } from './tickets';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Waits for the recording with its deadlines; false when the branch closed the case instead. */
export async function awaitRecording(run: CallbackRun): Promise<boolean> {
  const { state, policyNo, contract } = run;
  if (state.recording) return true;
  const { recording } = run.assessed.deadlines;
  const since = Date.now();
  const hasRecording = () => state.recording !== undefined;
  const remindAt = new Date(since + recording.remindAfterHours * HOUR).toISOString();
  await run.recordChanges();
  if (await waitUntil('recording-reminder', hasRecording, remindAt, `${policyNo} · AWAITING_RECORDING · call center reminded at ${localStamp(remindAt)}`)) return true;
  (state.reminders ??= []).push({ to: `call center ${contract.org.branch}`, at: nowIso(), about: 'recording not uploaded' });
  await run.notifyStaff(run.notice({ role: 'branch', code: contract.org.branch }, `recording not uploaded ${recording.remindAfterHours} h after the call`, 'recording-reminder'));
  const escalateAt = new Date(since + recording.escalateAfterHours * HOUR).toISOString();
  await run.recordChanges();
  if (await waitUntil('recording', hasRecording, escalateAt, `${policyNo} · AWAITING_RECORDING · to the branch at ${localStamp(escalateAt)}`)) return true;
  return run.escalate('recording', `no recording uploaded within ${recording.escalateAfterHours} h of the call`, hasRecording);
}

/** Waits for the level-2 tickets to be archived, at most level2CloseDays; false when the branch closed the case instead. */
export async function awaitLevel2Tickets(run: CallbackRun, tickets: OpenTicket[]): Promise<boolean> {
  const allClosed = () => tickets.every((t) => t.result !== undefined);
  if (allClosed()) return true;
  run.setStage('AWAITING_TICKET', 'level-2 tickets open');
  const days = run.assessed.deadlines.level2CloseDays;
  const deadline = isoIn(days * DAY);
  await run.recordChanges();
  if (await awaitTickets('level-2-tickets', tickets, deadline, `${run.policyNo} · AWAITING_TICKET · level-2 tickets to the branch at ${localStamp(deadline)}`)) return true;
  const open = tickets.filter((t) => !t.result).map((t) => t.ref.ticketId);
  return run.escalate('level-2-tickets', `level-2 tickets ${open.join(', ')} not archived within ${days} days`, allClosed);
}

/** The close of a callback done: by phone (COMPLETED, or REFUSED on tape) or by the receipt of a letter or visit. */
export function closeDone(run: CallbackRun): void {
  const { state } = run;
  if (state.recording) {
    const stage = stageAfterRecording(state.refusal !== undefined, 0);
    if (stage === 'COMPLETED') state.completedBy = 'phone';
    run.close(stage, `recording ${state.recording.reference}`);
  } else if (state.eCallback?.completedAt) {
    state.completedBy = 'e-callback';
    run.close('COMPLETED', `e-callback completed ${state.eCallback.completedAt}, signed ${state.eCallback.signature?.ref}`);
  } else {
    run.close('COMPLETED', `signed receipt ${state.fallback?.receipt?.reference}`);
  }
}
