/** The ticket's activities, with the timeouts and retries each kind of work needs. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

// Deadlines on the calendar and the projection row: quick, one history event each. A missing
// calendar year keeps failing until an operator adds it; the ticket waits, visibly.
export const { dispatchDeadlines, ticketDeadlines, level2StepDeadlines, recordTicket } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 minutes' },
});
export const { notify, writeTransferOrder } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // SMTP can be down for a while: keep trying, nothing is lost.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});
