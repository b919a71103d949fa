/**
 * The contract a callback was started with, read back from the first event of its history and
 * decrypted with the client's data converter. Only for the person who needs the policyholder's
 * details (the call center placing the call); never logged, never cached.
 */
import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { Contract } from '../domain/contract';
import { callbackWorkflowId } from '../workflows/messages';

export async function callbackContract(client: Client, policyNo: string): Promise<Contract> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: callbackWorkflowId(policyNo) },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`callback ${policyNo} has no start event`);
  const input = await decodeFromPayloadsAtIndex<{ contract: Contract }>(client.options.loadedDataConverter, 0, started.input?.payloads);
  return input.contract;
}
