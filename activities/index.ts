/**
 * All activities of the worker, wired to their dependencies (configuration, call center, storage,
 * notifications). activities/ holds the activities only: each file a `create…Activities` factory over
 * the interfaces it is given (call-center/, stores/, notifications/, the quota gateway) and the
 * renderers of documents/. Only workers/ (and tests) import these; workflows import their types.
 */
import type { CallCenter } from '../call-center/call-center';
import type { Settings } from '../config/settings';
import type { FallbackQuotaGateway } from '../domain/fallback-quota';
import { reasonLabelsOf } from '../documents/format';
import { LogNotifier, type Mailer, type Notifier } from '../notifications/notifier';
import type { DocumentStore } from '../stores/document-store';
import type { EvidenceStore } from '../stores/evidence-store';
import type { RecordingStore } from '../stores/recording-store';
import { createAssessActivities } from './assess-contract';
import { createDocumentActivities } from './document-files';
import { createExemptionListActivities } from './exemption-list';
import { createFallbackActivities } from './fallback';
import { createNotifierActivities } from './notify';
import { createCallCenterActivities } from './place-call';
import { createEvidenceActivities } from './evidence';
import { createTicketDeadlineActivities } from './ticket-deadlines';
import { createRecordingActivities } from './verify-recording';
import { createRetentionActivities } from './retention';
import { createECallbackActivities } from './e-callback';
import { SimulatedSmsGateway, type SmsGateway } from '../notifications/sms-gateway';

export interface ActivityDeps {
  settings: Settings;
  callCenter: CallCenter;
  recordings: RecordingStore;
  notifier: Notifier;
  documents: DocumentStore;
  evidence: EvidenceStore;
  /** The monthly letter/on-site cap per office (a Temporal client to the quota workflows). */
  fallbackQuota: FallbackQuotaGateway;
  /** Mail with attachments (the 08:30 exemption list); only logged when absent. */
  mailer?: Mailer;
  /** Text messages to policyholders (e-callback links); a simulated gateway when absent. */
  sms?: SmsGateway;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAssessActivities(deps.settings, deps.evidence),
    ...createCallCenterActivities(deps.callCenter),
    ...createRecordingActivities(deps.recordings),
    ...createTicketDeadlineActivities(deps.settings),
    ...createNotifierActivities(deps.notifier, deps.evidence),
    ...createEvidenceActivities(deps.evidence),
    ...createFallbackActivities({ settings: deps.settings, evidence: deps.evidence, documents: deps.documents, quota: deps.fallbackQuota }),
    ...createExemptionListActivities({ settings: deps.settings, evidence: deps.evidence, documents: deps.documents, mailer: deps.mailer ?? new LogNotifier() }),
    ...createRetentionActivities({ settings: deps.settings, evidence: deps.evidence, recordings: deps.recordings, documents: deps.documents }),
    ...createECallbackActivities({ evidence: deps.evidence, sms: deps.sms ?? new SimulatedSmsGateway(), config: deps.settings.eCallback }),
    ...createDocumentActivities({ store: deps.documents, labels: reasonLabelsOf(deps.settings.transferReasons), timeZone: deps.settings.timeZone }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
