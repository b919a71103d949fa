/**
 * The call-center interface. The workflow puts a call task out through the `placeCall` activity
 * (activities/place-call.ts) and waits for the outcome, which comes back as the `recordCallOutcome`
 * Update: from a person through the API, or from an automatic dialer. A real dialer integration implements `CallCenter` and nothing else changes.
 */
import { log } from '@temporalio/activity';
import { RequestRejectedError, UNKNOWN_ATTEMPT } from '../domain/errors';

export interface CallTask {
  policyNo: string;
  workflowId: string;
  attemptId: string;
  attemptNo: number;
  /** ISO instants of the attempt's slot: no outcome by `windowEnd` counts as not made. */
  windowStart: string;
  windowEnd: string;
  /** The number to dial (personal data: encrypted in history by the payload codec). */
  phone: string;
  questionIds: string[];
  late: boolean;
}

export interface CallCenter {
  /**
   * Hand the task over; must return quickly (the outcome comes back later as an Update).
   *
   * At least once: a workflow task lost with the server (a restart) runs `placeCall` again, so the
   * same `attemptId` can arrive twice. The attempt id is the idempotency key: dial it once. Until the
   * retried task completes the workflow does not know the attempt yet, and an outcome reported in that
   * gap is rejected as "unknown": report it again a little later.
   */
  placeCall(task: CallTask): Promise<void>;
}

/** Whether a rejected outcome only came too early: the workflow does not know its attempt yet (see above). */
export function isEarlyOutcome(err: unknown): boolean {
  return err instanceof RequestRejectedError && err.reason === UNKNOWN_ATTEMPT;
}

/** People at the call center: the task shows up in their due-call list (API), they record the outcome. */
export class StaffedCallCenter implements CallCenter {
  async placeCall(task: CallTask): Promise<void> {
    log.info('call task queued for call-center staff', {
      policyNo: task.policyNo,
      attemptId: task.attemptId,
      windowEnd: task.windowEnd,
    });
  }
}
