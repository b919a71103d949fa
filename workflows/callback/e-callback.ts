/**
 * Stage 1b, online (电子化回访): a single-use link by SMS, sent again on schedule, until the
 * policyholder completes the e-callback on the page, asks for a call there, or the stage's deadline
 * passes; then the phone plan takes over with the time that is left.
 */
import type { ECallbackRecord } from '../../domain/callback-state';
import { eCallbackDeadline, resendTimes } from '../../domain/e-callback';
import { nowIso } from '../clock';
import { localStamp } from '../summaries';
import { waitUntil } from '../waits';
import { sendECallbackLink } from './activities';
import type { CallbackRun } from './run';

/** How the e-callback stage ended. */
export type ECallbackStageEnd = 'completed' | 'to-phone';

export async function eCallbackStage(run: CallbackRun): Promise<ECallbackStageEnd> {
  const { state, contract, policyNo } = run;
  const timing = run.assessed.eCallback!;
  const reason = run.assessed.method!.reason;
  const phone = contract.policyholder.phone;
  const first = nowIso();
  const deadline = eCallbackDeadline(first, run.coolingOffEndsAt, timing);
  const record: ECallbackRecord = (state.eCallback = { reason, links: [], deadline });
  if (!phone) {
    record.endedWithout = 'no-phone-number';
    run.note('e-callback: no phone number on file to send the link to');
    return 'to-phone';
  }
  run.setStage('AWAITING_E_CALLBACK', `e-callback (${reason}); the phone takes over at ${localStamp(deadline)}`);
  const ended = () => record.completedAt !== undefined || record.endedWithout !== undefined;
  const sends = [first, ...resendTimes(first, deadline, timing)];
  for (const [i, at] of sends.entries()) {
    if (i > 0 && (await waitUntil('e-callback', ended, at, `${policyNo} · AWAITING_E_CALLBACK · link ${i + 1} at ${localStamp(at)}`))) break;
    const link = await sendECallbackLink.executeWithOptions({ summary: `${policyNo} · AWAITING_E_CALLBACK · send link ${i + 1}` }, [
      { policyNo, linkId: `${policyNo}-E${i + 1}`, phone, now: nowIso() },
    ]);
    record.links.push(link);
    await run.recordChanges();
  }
  if (!ended()) await waitUntil('e-callback', ended, deadline, `${policyNo} · AWAITING_E_CALLBACK · the phone takes over at ${localStamp(deadline)}`);
  if (record.completedAt) return 'completed';
  record.endedWithout ??= 'deadline';
  run.note(record.endedWithout === 'deadline' ? `e-callback not completed by ${localStamp(deadline)}: the phone takes over` : `e-callback ended (${record.endedWithout}): the phone takes over`);
  return 'to-phone';
}
