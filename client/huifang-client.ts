/**
 * The typed client of huifang: how every caller (API, CLI, simulated dialer, tests) starts and talks
 * to callback workflows. Errors come out as a few plain kinds the API maps to HTTP statuses.
 */
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { CallOutcomeReport, RecordingUpload } from '../domain/call-outcome';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { callbackWorkflow } from '../workflows/callback.workflow';
import { callbackWorkflowId, getCallbackState, recordCallOutcome, recordingUploaded, type OutcomeAck } from '../workflows/messages';
import * as sa from '../workflows/search-attributes';
import type { TemporalSettings } from './connection-settings';
import { huifangDataConverter } from './payload-keys';
import type { PayloadKeyring } from './encryption-codec';

export interface StartedCallback {
  policyNo: string;
  workflowId: string;
  runId: string;
}

/** No callback workflow exists for this policy. */
export class PolicyNotFoundError extends Error {
  constructor(readonly policyNo: string) {
    super(`no callback for policy ${policyNo}`);
    this.name = 'PolicyNotFoundError';
  }
}

/** The workflow turned the request down (validator or handler); nothing was changed. */
export class RequestRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRejectedError';
  }
}

export class HuifangClient {
  constructor(
    readonly temporal: Client,
    readonly taskQueue: string,
  ) {}

  static async connect(settings: TemporalSettings, keyring: PayloadKeyring): Promise<HuifangClient> {
    const connection = await Connection.connect(settings.connection);
    const client = new Client({ connection, namespace: settings.namespace, dataConverter: huifangDataConverter(keyring) });
    return new HuifangClient(client, settings.taskQueue);
  }

  /**
   * Starts `callback-<policyNo>`, or finds it: a repeat start of a running or finished callback
   * answers with the existing run and starts nothing.
   */
  async startCallback(contract: Contract): Promise<StartedCallback> {
    const workflowId = callbackWorkflowId(contract.policyNo);
    try {
      const handle = await this.temporal.workflow.start(callbackWorkflow, {
        workflowId,
        taskQueue: this.taskQueue,
        args: [{ contract }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: sa.PolicyNo, value: contract.policyNo },
          { key: sa.Channel, value: contract.channel },
          { key: sa.ProductType, value: contract.productType },
          { key: sa.Branch, value: contract.org.branch },
          { key: sa.CentralSubBranch, value: contract.org.centralSubBranch },
          { key: sa.Tier4Office, value: contract.org.tier4Office },
          { key: sa.AgentCode, value: contract.agent.code },
          { key: sa.CallbackStage, value: 'ASSESSING' },
        ],
      });
      return { policyNo: contract.policyNo, workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      // Already finished: the callback happened once; report that run rather than start another.
      const described = await this.temporal.workflow.getHandle(workflowId).describe();
      return { policyNo: contract.policyNo, workflowId, runId: described.runId };
    }
  }

  handle(policyNo: string): WorkflowHandle<typeof callbackWorkflow> {
    return this.temporal.workflow.getHandle<typeof callbackWorkflow>(callbackWorkflowId(policyNo));
  }

  async getCallbackState(policyNo: string): Promise<CallbackState> {
    return this.call(policyNo, (h) => h.query(getCallbackState));
  }

  async recordCallOutcome(policyNo: string, report: CallOutcomeReport): Promise<OutcomeAck> {
    return this.call(policyNo, (h) =>
      // The update id makes a repeated delivery of the same outcome a no-op on the server.
      h.executeUpdate(recordCallOutcome, { args: [report], updateId: `outcome-${report.attemptId}-${report.outcome}` }),
    );
  }

  async uploadRecording(policyNo: string, upload: RecordingUpload): Promise<CallbackState> {
    return this.call(policyNo, (h) => h.executeUpdate(recordingUploaded, { args: [upload] }));
  }

  private async call<T>(policyNo: string, fn: (h: WorkflowHandle<typeof callbackWorkflow>) => Promise<T>): Promise<T> {
    try {
      return await fn(this.handle(policyNo));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // Also thrown for an Update to a closed workflow: tell the two apart for the caller.
        if (await this.exists(policyNo)) throw new RequestRejectedError(`the callback of policy ${policyNo} is closed`);
        throw new PolicyNotFoundError(policyNo);
      }
      if (err instanceof WorkflowUpdateFailedError) throw new RequestRejectedError(err.cause?.message ?? err.message);
      throw err;
    }
  }

  private async exists(policyNo: string): Promise<boolean> {
    try {
      await this.handle(policyNo).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}
