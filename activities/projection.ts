/** The workflows' writes to the projection (see domain/callback-record.ts; the store: stores/projection-store.ts). */
import type { CallbackRecord, TicketRecord } from '../domain/callback-record';
import type { ProjectionStore } from '../stores/projection-store';

export function createProjectionActivities(store: ProjectionStore) {
  return {
    async recordCallback(record: CallbackRecord): Promise<void> {
      await store.putCallback(record);
    },
    async recordTicket(record: TicketRecord): Promise<void> {
      await store.putTicket(record);
    },
  };
}
