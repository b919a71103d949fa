/** The `notify` activity: a notification the workflow decided on, handed to the transport (notifications/). */
import type { Notification } from '../domain/notification';
import type { Notifier } from '../notifications/notifier';

export function createNotifierActivities(notifier: Notifier) {
  return {
    async notify(notification: Notification): Promise<void> {
      await notifier.send(notification);
    },
  };
}
