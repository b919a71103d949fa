/** Stage 3: the recording, then every ticket closed, closes the callback. */
import { condition, patched } from '@temporalio/workflow';
import type { CallbackRun } from './run';

/** The projection row is also written once the phone rounds end in a completed call (open policies count as called). */
export const PROJECTION_ON_CALL_PATCH = 'projection-on-completed-call-v1';

/** The row shows the call done while the recording (or a level-2 ticket) is awaited, for the compliance figures. */
export async function recordCompletedCall(run: CallbackRun): Promise<void> {
  if (run.current && run.state.stage === 'AWAITING_RECORDING' && patched(PROJECTION_ON_CALL_PATCH)) await run.record();
}

export async function awaitRecordingAndTickets(run: CallbackRun, level2Tickets: Promise<void>[]): Promise<void> {
  const { state } = run;
  if (state.stage === 'AWAITING_RECORDING') await condition(() => state.recording !== undefined);
  if (level2Tickets.length) {
    if (state.stage !== 'REFUSED' && state.stage !== 'UNREACHABLE' && state.stage !== 'PROBLEM_FOUND' && !state.completedBy) {
      run.setStage('AWAITING_TICKET', 'level-2 tickets open');
    }
    await Promise.all(level2Tickets);
  }
  if (state.recording) {
    state.completedBy = run.current ? 'phone' : undefined;
    run.close('COMPLETED', `recording ${state.recording.reference}`);
  }
}
