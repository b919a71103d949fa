/**
 * The typed client of huifang: how every caller (API, CLI, simulated dialer, tests) starts and talks
 * to callback workflows. Errors come out as a few plain kinds the API maps to HTTP statuses.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { Client, Connection, WorkflowFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateFailedError, type WorkflowExecutionStatusName, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Workflow } from '@temporalio/common';
import type { CallOutcomeReport, RecordingUpload } from '../domain/call-outcome';
import type { CallbackStage, CallbackState, ECallbackCompletion, ECallbackEnd } from '../domain/callback-state';
import type { TicketStage, TicketState, TicketStep } from '../domain/ticket';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';
import type { PolicyStory } from '../domain/policy-story';
import { advanceTicket, getTicketState, ticketWorkflowId } from '../workflows/ticket-messages';
import type { Contract } from '../domain/contract';
import { callbackWorkflow } from '../workflows/callback.workflow';
import {
  callbackWorkflowId,
  closeUnresolved,
  completeECallback,
  endECallback,
  decideWaiver,
  getCallbackState,
  recordCallOutcome,
  recordFallbackReceipt,
  recordingUploaded,
  reportWaiver,
  type OutcomeAck,
} from '../workflows/messages';
import type { BranchDecision, FallbackReceipt, WaiverDecision, WaiverReport } from '../domain/waiver';
import { TemporalFallbackQuota } from './fallback-quota-gateway';
import type { QuotaSnapshot } from '../workflows/fallback-quota-messages';
import * as sa from '../workflows/search-attributes';
import { callbackStaticDetails, callbackStaticSummary } from '../workflows/summaries';
import type { TemporalSettings } from './connection-settings';
import { huifangDataConverter } from './payload-keys';
import type { PayloadKeyring } from './encryption-codec';
import { NotFoundError, RequestRejectedError, WorkerUnavailableError } from '../domain/errors';

export interface StartedCallback {
  policyNo: string;
  workflowId: string;
  runId: string;
}

/** A part of the organisation, for lists (org-scope.ts narrows it to the caller's own). */
export interface OrgFilter {
  branch?: string;
  centralSubBranch?: string;
  tier4Office?: string;
  agentCode?: string;
}

export interface TicketFilter extends OrgFilter {
  stage?: TicketStage;
  type?: TicketType;
  overdue?: boolean;
}

export interface TicketSummary {
  ticketId: string;
  policyNo: string;
  type: TicketType;
  /** Why it was opened: the system of record knows, visibility does not. */
  reasons?: ReasonCode[];
  stage: TicketStage;
  dueAt?: string;
  overdue: boolean;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  startedAt: string;
}

/**
 * How a callback's workflow run stands: RUNNING, COMPLETED (the workflow ended the callback in one of
 * its closing stages), or ended from outside the workflow (an operator terminated it, it failed, it
 * timed out, it was cancelled): then the callback did not finish, whatever stage it had reached.
 */
export const RUN_STATUSES = ['RUNNING', 'COMPLETED', 'TERMINATED', 'FAILED', 'TIMED_OUT', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * A view's run status: one of the run's, or UNKNOWN when the callback is open on record but Temporal
 * does not know its workflow (its history deleted) or did not answer: `reason` says which.
 */
export type ViewRunStatus = RunStatus | 'UNKNOWN';

export interface CallbackRunInfo {
  status: ViewRunStatus;
  closedAt?: string;
  /** Why a run ended from outside did (the termination reason, the failure, the timeout); why the status is UNKNOWN. */
  reason?: string;
  /** Set when the state shown is the one last recorded (the system of record), not the running workflow's own answer. */
  stateRecordedAt?: string;
}

/** A callback's state with its run, and its evidence when the system of record has it: what the API's GET and `huifang show` answer. */
export type CallbackView = CallbackState & { run: CallbackRunInfo; evidence?: PolicyStory };

/** Ended from outside the workflow: the stage it shows is only the last one it reached. */
export function endedFromOutside(run: CallbackRunInfo): boolean {
  return run.status !== 'RUNNING' && run.status !== 'COMPLETED' && run.status !== 'UNKNOWN';
}

/** What a view reads of the system of record (stores/evidence-store.ts EvidenceStore has these). */
export interface RecordedCallbacks {
  callbackState(policyNo: string): Promise<{ state: CallbackState; record: { closedAt?: string; updatedAt: string } } | undefined>;
  story(policyNo: string): Promise<PolicyStory | undefined>;
}

/** How long a view waits for Temporal to say how an open callback's run stands before answering from the record. */
export const RUN_STATUS_WAIT_MS = 2_000;
/** How long it waits for a running workflow's own state (a query: a worker must answer). */
export const LIVE_STATE_WAIT_MS = 10_000;

/** Visibility's ExecutionStatus values of the run statuses. */
const EXECUTION_STATUS: Record<RunStatus, string> = {
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  TERMINATED: 'Terminated',
  FAILED: 'Failed',
  TIMED_OUT: 'TimedOut',
  CANCELLED: 'Canceled',
};

export interface CallbackFilter extends OrgFilter {
  stage?: CallbackStage;
  /** Default: RUNNING and COMPLETED only (a run ended from outside is in no stage any more). */
  run?: RunStatus;
}

export interface CallbackSummaryRow {
  policyNo: string;
  /** The stage visibility shows: for a run ended from outside, the last one it reached. */
  stage: CallbackStage;
  run: RunStatus;
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
  coolingOffEnd?: string;
  startedAt: string;
  closedAt?: string;
}

export class HuifangClient {
  constructor(
    readonly temporal: Client,
    readonly taskQueue: string,
    /** How long a query or an Update waits for a worker before the caller is told none answered. */
    readonly workerWaits: WorkerWaits = DEFAULT_WORKER_WAITS,
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
        typedSearchAttributes: sa.callbackStartAttributes(contract),
        // The Web UI's summary of the run: business keys only (the contract itself is encrypted).
        staticSummary: callbackStaticSummary(contract),
        staticDetails: callbackStaticDetails(contract),
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

  /** The running workflow's state (the query); see `callbackView` for a run that may have ended. */
  async getCallbackState(policyNo: string): Promise<CallbackState> {
    return this.call(policyNo, 'query', (h) => h.query(getCallbackState));
  }

  /**
   * The callback's state with how its run stands. Running: the query. Completed: the workflow's
   * result (no worker needed). Ended from outside (terminated, failed, timed out, cancelled): the
   * state it had then (the query, answered by a worker replaying the run), with nothing planned any
   * more, and the run's status, end and reason beside it, so it is never read as still in that stage.
   */
  async callbackView(policyNo: string): Promise<CallbackView> {
    return this.call(policyNo, 'query', async (h) => {
      const { status, closeTime } = await h.describe();
      if (status.name === 'RUNNING') return { ...(await h.query(getCallbackState)), run: { status: 'RUNNING' } };
      const closedAt = closeTime?.toISOString();
      try {
        // The result is the state less the plan, which is empty by then anyway.
        return { ...(await h.result()), plan: [], run: { status: 'COMPLETED', closedAt } };
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const last = await h.query(getCallbackState);
        return { ...last, plan: [], nextAttemptAt: undefined, run: { status: runStatusOf(status.name), closedAt, reason: err.cause?.message ?? err.message } };
      }
    });
  }

  /** The callback's view from the system of record, this client asked only what the record cannot say (see `recordedCallbackView` below). */
  recordedCallbackView(records: RecordedCallbacks, policyNo: string, waits: ViewWaits = {}): Promise<CallbackView> {
    return recordedCallbackView(records, policyNo, async () => this, waits);
  }

  async recordCallOutcome(policyNo: string, report: CallOutcomeReport): Promise<OutcomeAck> {
    return this.call(policyNo, 'update', (h) =>
      // The update id makes a repeated delivery of the same outcome a no-op on the server.
      h.executeUpdate(recordCallOutcome, { args: [report], updateId: `outcome-${report.attemptId}-${report.outcome}` }),
    );
  }

  /**
   * `deliveryId`: the sender's own id for this upload, the same each time it sends it again (after a
   * timeout, a restart): a repeat while the first is verified gets the first one's answer instead of
   * "already being verified". Not an id from the file: the same file sent again after a refusal (not
   * in storage yet) must be checked again, not answered with that refusal.
   */
  async uploadRecording(policyNo: string, upload: RecordingUpload, deliveryId?: string): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(recordingUploaded, { args: [upload], updateId: deliveryId ? `recording-${deliveryId}` : undefined }));
  }

  /** The policyholder completed the e-callback on the page. */
  async completeECallback(policyNo: string, done: ECallbackCompletion): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(completeECallback, { args: [done], updateId: `e-callback-${done.linkId}` }));
  }

  /** The e-callback ends without answers (a call asked for, the identity check locked). */
  async endECallback(policyNo: string, end: ECallbackEnd): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(endECallback, { args: [end], updateId: `e-callback-${end.linkId}` }));
  }

  async reportWaiver(policyNo: string, report: WaiverReport): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(reportWaiver, { args: [report] }));
  }

  async decideWaiver(policyNo: string, decision: WaiverDecision): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(decideWaiver, { args: [decision] }));
  }

  async recordFallbackReceipt(policyNo: string, receipt: FallbackReceipt): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(recordFallbackReceipt, { args: [receipt] }));
  }

  /** The branch closes an unresolved case with its decision. */
  async closeUnresolved(policyNo: string, decision: BranchDecision): Promise<CallbackState> {
    return this.call(policyNo, 'update', (h) => h.executeUpdate(closeUnresolved, { args: [decision] }));
  }

  /** An office's letter/on-site count for a month (YYYY-MM), or undefined when none was asked for. */
  async fallbackQuota(office: string, month: string): Promise<QuotaSnapshot | undefined> {
    return new TemporalFallbackQuota(this.temporal, this.taskQueue).snapshot(office, month);
  }

  /** Callbacks as visibility sees them (search attributes only: fast, no personal data), most recently started first. */
  async listCallbacks(filter: CallbackFilter, limit = 200): Promise<CallbackSummaryRow[]> {
    const clauses = [`WorkflowType = 'callbackWorkflow'`, ...orgClauses(filter)];
    if (filter.stage !== undefined) clauses.push(`CallbackStage = '${noQuotes(filter.stage)}'`);
    clauses.push(filter.run ? `ExecutionStatus = '${EXECUTION_STATUS[filter.run]}'` : `ExecutionStatus IN ('Running', 'Completed')`);
    const rows: CallbackSummaryRow[] = [];
    for await (const wf of this.temporal.workflow.list({ query: clauses.join(' AND ') })) {
      const attrs = wf.typedSearchAttributes;
      rows.push({
        policyNo: attrs.get(sa.PolicyNo) ?? wf.workflowId.replace(/^callback-/, ''),
        stage: attrs.get(sa.CallbackStage) as CallbackStage,
        run: runStatusOf(wf.status.name),
        branch: attrs.get(sa.Branch) ?? '',
        centralSubBranch: attrs.get(sa.CentralSubBranch) ?? '',
        tier4Office: attrs.get(sa.Tier4Office) ?? '',
        agentCode: attrs.get(sa.AgentCode) ?? '',
        coolingOffEnd: attrs.get(sa.CoolingOffEnd)?.toISOString(),
        startedAt: wf.startTime.toISOString(),
        closedAt: wf.closeTime?.toISOString(),
      });
      if (rows.length >= limit) break;
    }
    return rows;
  }

  /**
   * The callback runs of an org ended from outside (terminated, failed, timed out, cancelled), by
   * policy: what only Temporal knows (the record sees them as open). Few, so listed whole; `waitMs`
   * bounds the wait, and no answer in time is an empty map (the caller shows the record as it is).
   */
  async runsEndedFromOutside(filter: OrgFilter, waitMs = RUN_STATUS_WAIT_MS): Promise<Map<string, RunStatus>> {
    const ended = (Object.keys(EXECUTION_STATUS) as RunStatus[]).filter((r) => r !== 'RUNNING' && r !== 'COMPLETED');
    const query = [`WorkflowType = 'callbackWorkflow'`, ...orgClauses(filter), `ExecutionStatus IN (${ended.map((r) => `'${EXECUTION_STATUS[r]}'`).join(', ')})`].join(' AND ');
    const runs = new Map<string, RunStatus>();
    try {
      await this.temporal.withDeadline(Date.now() + waitMs, async () => {
        for await (const wf of this.temporal.workflow.list({ query })) runs.set(wf.typedSearchAttributes.get(sa.PolicyNo) ?? wf.workflowId.replace(/^callback-/, ''), runStatusOf(wf.status.name));
      });
    } catch {
      // Visibility did not answer: the list stands as recorded.
    }
    return runs;
  }

  /** Tickets as visibility sees them (search attributes only: fast, no personal data). */
  async listTickets(filter: TicketFilter, limit = 200): Promise<TicketSummary[]> {
    const clauses = [`WorkflowType = 'transferTicketWorkflow'`, ...orgClauses(filter)];
    if (filter.stage !== undefined) clauses.push(`TicketStage = '${noQuotes(filter.stage)}'`);
    if (filter.type !== undefined) clauses.push(`TicketType = '${noQuotes(filter.type)}'`);
    if (filter.overdue !== undefined) clauses.push(`Overdue = ${filter.overdue}`);
    const tickets: TicketSummary[] = [];
    for await (const wf of this.temporal.workflow.list({ query: clauses.join(' AND ') })) {
      const attrs = wf.typedSearchAttributes;
      const dueAt = attrs.get(sa.TicketDueAt);
      tickets.push({
        ticketId: wf.workflowId.replace(/^ticket-/, ''),
        policyNo: attrs.get(sa.PolicyNo) ?? '',
        type: attrs.get(sa.TicketType) as TicketType,
        stage: attrs.get(sa.TicketStage) as TicketStage,
        dueAt: dueAt ? dueAt.toISOString() : undefined,
        overdue: attrs.get(sa.Overdue) ?? false,
        centralSubBranch: attrs.get(sa.CentralSubBranch) ?? '',
        tier4Office: attrs.get(sa.Tier4Office) ?? '',
        agentCode: attrs.get(sa.AgentCode) ?? '',
        startedAt: wf.startTime.toISOString(),
      });
      if (tickets.length >= limit) break;
    }
    return tickets;
  }

  async getTicketState(ticketId: string): Promise<TicketState> {
    return this.callWorkflow(ticketWorkflowId(ticketId), `no ticket ${ticketId}`, 'query', (h) => h.query(getTicketState));
  }

  async advanceTicket(ticketId: string, step: TicketStep): Promise<TicketState> {
    return this.callWorkflow(ticketWorkflowId(ticketId), `no ticket ${ticketId}`, 'update', (h) =>
      h.executeUpdate(advanceTicket, { args: [step] }),
    );
  }

  private call<T>(policyNo: string, kind: CallKind, fn: (h: WorkflowHandle<typeof callbackWorkflow>) => Promise<T>): Promise<T> {
    return this.callWorkflow(callbackWorkflowId(policyNo), `no callback for policy ${policyNo}`, kind, fn);
  }

  /**
   * A query or an Update of one workflow, bounded: with no worker to answer, the server would hold
   * the call (a query some 30 s, an Update until the caller gives up); the caller hears within
   * `workerWaits` that none answered.
   */
  private async callWorkflow<W extends Workflow, T>(
    workflowId: string,
    notFound: string,
    kind: CallKind,
    fn: (h: WorkflowHandle<W>) => Promise<T>,
  ): Promise<T> {
    const handle = this.temporal.workflow.getHandle<W>(workflowId);
    const waitMs = kind === 'update' ? this.workerWaits.updateMs : this.workerWaits.queryMs;
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        return await this.temporal.withDeadline(deadline, () => fn(handle));
      } catch (err) {
        // The server may answer "not found" to an Update sent to a run that has only just started
        // (seen on the time-skipping server); the run is there, so it is asked again within the same deadline.
        if (err instanceof WorkflowNotFoundError && Date.now() + NOT_FOUND_RETRY_MS < deadline && (await runStatus(handle)) === 'RUNNING') {
          await new Promise((resolve) => setTimeout(resolve, NOT_FOUND_RETRY_MS));
          continue;
        }
        throw await this.callFailure(err, handle, workflowId, notFound, kind, waitMs);
      }
    }
  }

  /** What a failed call means for the caller: no worker, a closed or missing workflow, a rejected Update. */
  private async callFailure(err: unknown, handle: WorkflowHandle, workflowId: string, notFound: string, kind: CallKind, waitMs: number): Promise<unknown> {
    if (passedDeadline(err)) {
      return new WorkerUnavailableError(
        kind === 'update'
          ? `no worker accepted the request for ${workflowId} within ${Math.round(waitMs / 1000)} s: it may still be applied when a worker is back; read the state before sending it again`
          : `no worker answered for ${workflowId} within ${Math.round(waitMs / 1000)} s: none is serving these workflows right now; try again shortly`,
        kind === 'update',
      );
    }
    if (err instanceof WorkflowNotFoundError) {
      // Also thrown for an Update to a closed workflow: tell the two apart for the caller.
      const status = await runStatus(handle);
      return status ? new RequestRejectedError(`${workflowId} is closed (run ${status}): it takes no more changes`) : new NotFoundError(notFound);
    }
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause instanceof ApplicationFailure && err.cause.type !== 'Error' ? (err.cause.type ?? undefined) : undefined;
      return new RequestRejectedError(err.cause?.message ?? err.message, reason);
    }
    return err;
  }
}

export interface ViewWaits {
  /** For how the run stands (connecting included); default RUN_STATUS_WAIT_MS. */
  status?: number;
  /** For a running workflow's own state; default LIVE_STATE_WAIT_MS. */
  live?: number;
}

/**
 * The callback's view from the system of record, Temporal asked only what the record cannot say.
 * Closed on record: the recorded state, COMPLETED, no Temporal at all (its history may be long gone).
 * Open on record: Temporal's describe() (within `waits.status`, connecting included) tells how the
 * run stands: running, the workflow's own state (a query, within `waits.live`: the record is written
 * at milestones only), else the recorded one; ended from outside, the recorded state with nothing
 * planned; unknown to Temporal or no answer, the recorded state with run UNKNOWN and why. A policy
 * the record does not know yet (before its first write) is the workflow's view (`callbackView`).
 * `temporal` is called only when needed (the CLI connects lazily).
 */
export async function recordedCallbackView(
  records: RecordedCallbacks,
  policyNo: string,
  temporal: () => Promise<HuifangClient>,
  waits: ViewWaits = {},
): Promise<CallbackView> {
  const [row, evidence] = await Promise.all([records.callbackState(policyNo), records.story(policyNo)]);
  if (!row) {
    // Not recorded yet: the workflow's own view, if a worker answers in time.
    const client = await temporal();
    const liveWait = waits.live ?? LIVE_STATE_WAIT_MS;
    const deadline = Date.now() + liveWait;
    return client.temporal.withDeadline(deadline, () => client.callbackView(policyNo)).catch((err: unknown) => {
      if (err instanceof WorkerUnavailableError || Date.now() < deadline) throw err;
      throw new WorkerUnavailableError(`no answer from the workflow of policy ${policyNo} in ${liveWait / 1000} s: no worker is serving task queue '${client.taskQueue}' right now; try again shortly`, false);
    });
  }
  const { state } = row;
  const closedAt = state.closedAt ?? row.record.closedAt;
  if (closedAt) return { ...state, plan: [], run: { status: 'COMPLETED', closedAt }, evidence };
  const recorded = { stateRecordedAt: row.record.updatedAt };
  const statusWait = waits.status ?? RUN_STATUS_WAIT_MS;
  const deadline = Date.now() + statusWait;
  let client: HuifangClient;
  let described;
  try {
    client = await beforeDeadline(temporal(), deadline);
    const h = client.handle(policyNo);
    described = await client.temporal.withDeadline(deadline, () => h.describe());
  } catch (err) {
    const reason =
      err instanceof WorkflowNotFoundError
        ? 'Temporal does not know this callback (its history may have been deleted): the state as last recorded'
        : `Temporal did not answer within ${statusWait / 1000} s (${(err as Error).message}): the state as last recorded`;
    return { ...state, run: { status: 'UNKNOWN', reason, ...recorded }, evidence };
  }
  const h = client.handle(policyNo);
  const { status, closeTime } = described;
  // The workflow's own state, newer than the record's (a worker answers; for an ended run, by replaying it).
  const ownState = () => client.temporal.withDeadline(Date.now() + (waits.live ?? LIVE_STATE_WAIT_MS), () => h.query(getCallbackState)).catch(() => undefined);
  if (status.name === 'RUNNING') {
    const live = await ownState();
    return live ? { ...live, run: { status: 'RUNNING' }, evidence } : { ...state, run: { status: 'RUNNING', ...recorded }, evidence };
  }
  const runClosedAt = closeTime?.toISOString();
  let reason: string | undefined;
  try {
    // Completed while the record says open (a run from before the evidence was written): its result.
    const result = await client.temporal.withDeadline(Date.now() + statusWait, () => h.result());
    return { ...result, plan: [], run: { status: 'COMPLETED', closedAt: runClosedAt }, evidence };
  } catch (err) {
    reason = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : undefined;
  }
  // Ended from outside: the stage it had reached, nothing planned any more.
  const last = await ownState();
  const run = { status: runStatusOf(status.name), closedAt: runClosedAt, reason, ...(last ? {} : recorded) };
  return { ...(last ?? state), plan: [], nextAttemptAt: undefined, run, evidence };
}

/** `promise`, or a rejection once `deadline` (epoch ms) passes. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no connection')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The org part of a visibility query. Values are checked against their schemas by the caller (API, CLI); quotes are never passed through. */
function orgClauses(filter: OrgFilter): string[] {
  const clauses: string[] = [];
  const keyword = (attr: string, value: string | undefined) => {
    if (value !== undefined) clauses.push(`${attr} = '${noQuotes(value)}'`);
  };
  keyword('Branch', filter.branch);
  keyword('CentralSubBranch', filter.centralSubBranch);
  keyword('Tier4Office', filter.tier4Office);
  keyword('AgentCode', filter.agentCode);
  return clauses;
}

function noQuotes(value: string): string {
  if (/['"\\]/.test(value)) throw new Error('filter values may not contain quotes');
  return value;
}

/** The SDK's name of a run's status, as one of ours (a paused or unknown run counts as running; callbacks never continue as new). */
function runStatusOf(name: WorkflowExecutionStatusName): RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(name) ? (name as RunStatus) : 'RUNNING';
}

/** The run's status, or undefined when there is no such workflow. */
async function runStatus(handle: WorkflowHandle): Promise<RunStatus | undefined> {
  try {
    return runStatusOf((await handle.describe()).status.name);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export interface WorkerWaits {
  queryMs: number;
  updateMs: number;
}

/** A query is a read: a few seconds. An Update may check a file or a recording (bounded retries): longer. */
/** How soon a call answered "not found" for a running run is sent again. */
const NOT_FOUND_RETRY_MS = 250;

export const DEFAULT_WORKER_WAITS: WorkerWaits = { queryMs: 5_000, updateMs: 30_000 };

type CallKind = 'query' | 'update';

/**
 * The call's deadline passed (gRPC DEADLINE_EXCEEDED anywhere in the cause chain). By its code rather
 * than `isGrpcDeadlineError`, whose `instanceof Metadata` fails when two copies of grpc-js are loaded.
 */
function passedDeadline(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === grpcStatus.DEADLINE_EXCEEDED || e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  }
  return false;
}
