/**
 * The call center's work list, from visibility: callbacks waiting for a call, with a call out, or
 * waiting for the recording of a call made (CallbackStage), of one branch, most urgent first. Search attributes only: business keys and
 * instants, never personal data.
 */
import type { Client } from '@temporalio/client';
import * as sa from '../workflows/search-attributes';

export interface DueCall {
  policyNo: string;
  stage: 'CALLING' | 'AWAITING_CALL' | 'AWAITING_RECORDING';
  coolingOffEnd?: string;
  nextAttemptAt?: string;
  attemptCount: number;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
}

/**
 * Calls out now, those planned before `until`, and every call still waiting for its recording (it
 * never drops off the list while it waits), of `branch` (all branches when undefined).
 * Urgency: the cooling-off period that ends first, then the policy tried most often, then the
 * earliest planned attempt.
 */
export async function listDueCalls(client: Client, branch: string | undefined, until: Date, limit: number): Promise<DueCall[]> {
  if (branch && /['"\\]/.test(branch)) throw new Error('branch may not contain quotes');
  const clauses = [`WorkflowType = 'callbackWorkflow'`, `ExecutionStatus = 'Running'`, `CallbackStage IN ('CALLING', 'AWAITING_CALL', 'AWAITING_RECORDING')`];
  if (branch) clauses.push(`Branch = '${branch}'`);
  const calls: DueCall[] = [];
  for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
    const attrs = wf.typedSearchAttributes;
    const stage = attrs.get(sa.CallbackStage) as DueCall['stage'];
    const next = attrs.get(sa.NextAttemptAt);
    if (stage === 'AWAITING_CALL' && next && next > until) continue;
    calls.push({
      policyNo: attrs.get(sa.PolicyNo) ?? wf.workflowId.replace(/^callback-/, ''),
      stage,
      coolingOffEnd: attrs.get(sa.CoolingOffEnd)?.toISOString(),
      nextAttemptAt: next?.toISOString(),
      attemptCount: attrs.get(sa.AttemptCount) ?? 0,
      centralSubBranch: attrs.get(sa.CentralSubBranch) ?? '',
      tier4Office: attrs.get(sa.Tier4Office) ?? '',
      agentCode: attrs.get(sa.AgentCode) ?? '',
    });
    if (calls.length >= limit) break;
  }
  const t = (iso?: string) => (iso ? Date.parse(iso) : Number.MAX_SAFE_INTEGER);
  return calls.sort((a, b) => t(a.coolingOffEnd) - t(b.coolingOffEnd) || b.attemptCount - a.attemptCount || t(a.nextAttemptAt) - t(b.nextAttemptAt));
}
