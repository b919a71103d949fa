/** The `notify` activity: a notification the workflow decided on, handed to the transport (notifications/), and kept as evidence. */
import type { Notification } from '../domain/notification';
import type { Notifier } from '../notifications/notifier';
import type { EvidenceStore } from '../stores/evidence-store';

export function createNotifierActivities(notifier: Notifier, evidence: EvidenceStore) {
  return {
    async notify(notification: Notification): Promise<void> {
      await notifier.send(notification);
      // After the sending: a retry after a failed write may send twice, but never records a notice that was not sent.
      await evidence.recordNotification(notification);
    },
  };
}
