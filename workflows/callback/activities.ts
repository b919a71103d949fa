/** The callback's activities, with the timeouts and retries each kind of work needs. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

// Pure computation on configuration: a local activity keeps it to one history event.
export const { assessContract } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // A missing calendar year does not fail it: the plan stops short and the workflow waits, visibly (calendar-wait.ts).
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
export const { planCallRound } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
// Handing a call to the call center is quick I/O: a local activity keeps it to one history event.
export const { placeCall } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// The projection row, the fallback permission: quick, one history event each.
export const { recordCallback, planFallback } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// A cited document's check: the reporter waits on the Update, so a store that is down fails it within
// about a minute (try again), never holds it (and every later report) for minutes.
export const { checkDocument } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '5 seconds', maximumAttempts: 5 },
});
// The quota, the letter or visit task, the register, the branch's notice: keep trying, nothing is lost.
export const { reserveFallback, writeFallbackDocument, writeFallbackRegister, notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
// The e-callback link: issued in the record and sent by SMS; keep trying, the policyholder is waiting for it.
export const { sendECallbackLink } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});
// Checking a recording in storage is quick I/O: a local activity keeps it to one history event.
export const { verifyRecording } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Bounded: the uploader is waiting on the Update and can try again if storage stays down.
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 8 },
});
