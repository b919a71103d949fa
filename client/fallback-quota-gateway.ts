/**
 * The activities' way to the office quota workflows: signal-with-start (the first request of an
 * office-month starts its quota), then the reserve Update. The update id is the policy, so a retried
 * activity asks once.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FallbackQuotaGateway, ReserveFallbackRequest } from '../domain/fallback-quota';
import { quotaWorkflowId, type QuotaDecision } from '../domain/fallback';
import { getFallbackQuota, openFallbackQuota, reserveFallbackPlace, type QuotaSnapshot } from '../workflows/fallback-quota-messages';
import { fallbackQuotaWorkflow } from '../workflows/fallback-quota.workflow';

export class TemporalFallbackQuota implements FallbackQuotaGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async reserve({ office, month, policyNo, kind, maxShare }: ReserveFallbackRequest): Promise<QuotaDecision> {
    const handle = await this.client.workflow.signalWithStart(fallbackQuotaWorkflow, {
      workflowId: quotaWorkflowId(office, month),
      taskQueue: this.taskQueue,
      args: [{ office, month, maxShare }],
      signal: openFallbackQuota,
      signalArgs: [],
    });
    try {
      return await handle.executeUpdate(reserveFallbackPlace, { args: [{ policyNo, kind }], updateId: `reserve-${policyNo}` });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new Error(`fallback quota ${office} ${month}: ${err.cause?.message ?? err.message}`);
      throw err;
    }
  }

  /** The office's current count, or undefined when nobody has asked for a place that month. */
  async snapshot(office: string, month: string): Promise<QuotaSnapshot | undefined> {
    try {
      return await this.client.workflow.getHandle(quotaWorkflowId(office, month)).query(getFallbackQuota);
    } catch (err) {
      if ((err as Error).name === 'WorkflowNotFoundError') return undefined;
      throw err;
    }
  }
}
