/** All activities of the worker, wired to their dependencies (configuration, call center, storage). */
import type { Settings } from '../config/settings';
import { createAssessActivities } from './assess-contract';
import { createCallCenterActivities, type CallCenter } from './call-center';
import { createDocumentActivities, reasonLabelsOf, type DocumentStore } from './documents';
import { createExemptionListActivities } from './exemption-list';
import { createFallbackActivities, type FallbackQuotaGateway } from './fallback';
import { createNotifierActivities, LogNotifier, type Mailer, type Notifier } from './notifier';
import { createProjectionActivities, type ProjectionStore } from './projection';
import { createRecordingActivities, type RecordingStore } from './recording-store';
import { createTicketDeadlineActivities } from './ticket-deadlines';

export interface ActivityDeps {
  settings: Settings;
  callCenter: CallCenter;
  recordings: RecordingStore;
  notifier: Notifier;
  documents: DocumentStore;
  projection: ProjectionStore;
  /** The monthly letter/on-site cap per office (a Temporal client to the quota workflows). */
  fallbackQuota: FallbackQuotaGateway;
  /** Mail with attachments (the 08:30 exemption list); only logged when absent. */
  mailer?: Mailer;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAssessActivities(deps.settings),
    ...createCallCenterActivities(deps.callCenter),
    ...createRecordingActivities(deps.recordings),
    ...createTicketDeadlineActivities(deps.settings),
    ...createNotifierActivities(deps.notifier),
    ...createProjectionActivities(deps.projection),
    ...createFallbackActivities({ settings: deps.settings, projection: deps.projection, documents: deps.documents, quota: deps.fallbackQuota }),
    ...createExemptionListActivities({ settings: deps.settings, projection: deps.projection, documents: deps.documents, mailer: deps.mailer ?? new LogNotifier() }),
    ...createDocumentActivities({ store: deps.documents, labels: reasonLabelsOf(deps.settings.transferReasons), timeZone: deps.settings.timeZone }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
