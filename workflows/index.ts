/** The workflows this worker runs (the bundle's entry point). */
export { callbackWorkflow } from './callback.workflow';
export { transferTicketWorkflow } from './ticket.workflow';
export { fallbackQuotaWorkflow } from './fallback-quota.workflow';
export { exemptionListWorkflow } from './exemption-list.workflow';
export { retentionPurgeWorkflow } from './retention-purge.workflow';
