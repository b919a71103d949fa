/**
 * Driving workflows from the bench's own process: closed-loop lifecycle runs (a fixed number of
 * policies in flight, each measured from the client's start call to its result), waiting for a
 * given history event without polling, and the level-1 ticket path through the client.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { HuifangClient } from '../client/huifang-client';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import type { Actor } from '../domain/ticket';
import * as sa from '../workflows/search-attributes';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import type { BareShape } from './bare-shape';
import { log, percentiles, pool, progress, type Percentiles } from './stats';

const E = temporal.api.enums.v1.EventType;

export interface LifecycleResult {
  policies: number;
  completed: number;
  failed: number;
  firstErrors: string[];
  concurrency: number;
  /** Wall time of the measured runs (summed over rounds). */
  elapsedMs: number;
  policiesPerSecond: number;
  endToEndMs: Percentiles;
  startCallMs: Percentiles;
  rounds: number;
  /** Rate of each round, to show the spread. */
  roundRates: number[];
}

/** One closed-loop run, with its raw latencies (merged over rounds by `mergeRuns`). */
export interface LifecycleRun {
  policies: number;
  failed: number;
  errors: string[];
  concurrency: number;
  elapsedMs: number;
  e2e: number[];
  startCall: number[];
  workflowIds: string[];
}

export interface Driven {
  workflowId: string;
  start(): Promise<void>;
  result(signal: AbortSignal): Promise<unknown>;
}

/**
 * `n` policies, at most `concurrency` in flight: each is started, then awaited to its end
 * (closed loop). The rate is completed policies over the wall time of the run.
 */
export async function runLifecycle(label: string, n: number, concurrency: number, make: (i: number) => Driven, timeoutMs = 120_000): Promise<LifecycleRun> {
  const run: LifecycleRun = { policies: n, failed: 0, errors: [], concurrency, elapsedMs: 0, e2e: [], startCall: [], workflowIds: [] };
  let done = 0;
  const tick = progress(label, n);
  const t0 = performance.now();
  await pool(n, concurrency, async (i) => {
    const d = make(i);
    run.workflowIds.push(d.workflowId);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const s = performance.now();
      await d.start();
      run.startCall.push(performance.now() - s);
      await d.result(controller.signal);
      run.e2e.push(performance.now() - s);
    } catch (err) {
      run.failed++;
      if (run.errors.length < 5) run.errors.push(`${d.workflowId}: ${controller.signal.aborted ? `no result within ${timeoutMs} ms` : (err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    tick(++done, run.failed ? `${run.failed} failed` : undefined);
  });
  run.elapsedMs = performance.now() - t0;
  if (run.failed) log(`  ${label}: ${run.failed} of ${n} failed, e.g. ${run.errors[0]}`);
  return run;
}

export const rateOf = (r: LifecycleRun) => Math.round((r.e2e.length / (r.elapsedMs / 1000)) * 10) / 10;

export function mergeRuns(runs: LifecycleRun[]): LifecycleResult {
  const e2e = runs.flatMap((r) => r.e2e);
  const elapsedMs = runs.reduce((a, r) => a + r.elapsedMs, 0);
  return {
    policies: runs.reduce((a, r) => a + r.policies, 0),
    completed: e2e.length,
    failed: runs.reduce((a, r) => a + r.failed, 0),
    firstErrors: runs.flatMap((r) => r.errors).slice(0, 5),
    concurrency: runs[0]?.concurrency ?? 0,
    elapsedMs: Math.round(elapsedMs),
    policiesPerSecond: Math.round((e2e.length / (elapsedMs / 1000)) * 10) / 10,
    endToEndMs: percentiles(e2e),
    startCallMs: percentiles(runs.flatMap((r) => r.startCall)),
    rounds: runs.length,
    roundRates: runs.map(rateOf),
  };
}


export function huifangDriven(huifang: HuifangClient, contract: Contract): Driven {
  return {
    workflowId: `callback-${contract.policyNo}`,
    start: async () => {
      await huifang.startCallback(contract);
    },
    result: (signal) => huifang.temporal.withAbortSignal(signal, () => huifang.handle(contract.policyNo).result()),
  };
}

export function bareDriven(client: Client, taskQueue: string, contract: Contract, shape: BareShape): Driven {
  const workflowId = `bare-${contract.policyNo}`;
  return {
    workflowId,
    start: async () => {
      // The same start options as HuifangClient.startCallback.
      await client.workflow.start('bareWorkflow', {
        workflowId,
        taskQueue,
        args: [{ payload: { contract }, shape }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: sa.callbackStartAttributes(contract), // as the callback start sets them
      });
    },
    result: (signal) => client.withAbortSignal(signal, () => client.workflow.getHandle(workflowId).result()),
  };
}

/**
 * Resolves when an event matching `match` is in the workflow's history: a long poll on the history
 * (waitNewEvent), so the server answers as soon as the event is written, with no polling interval.
 */
export async function waitForEvent(client: Client, workflowId: string, match: (type: number) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const res = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId },
      waitNewEvent: true,
      nextPageToken,
      skipArchival: true,
    });
    if ((res.history?.events ?? []).some((e) => match(e.eventType ?? 0))) return;
    if (Date.now() > deadline) throw new Error(`${workflowId}: the awaited event did not come within ${timeoutMs} ms`);
    nextPageToken = res.nextPageToken?.length ? res.nextPageToken : undefined;
  }
}

/** The first workflow task of a callback is done: stage AWAITING_CALL upserted, the timer to the first slot started. */
export const isFirstSleep = (type: number) => type === E.EVENT_TYPE_TIMER_STARTED;

const tier3: Actor = { role: 'tier3', id: 'T3-BENCH', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-BENCH', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };

async function pollState(huifang: HuifangClient, policyNo: string, ok: (s: CallbackState) => boolean, what: string, timeoutMs = 60_000): Promise<CallbackState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await huifang.getCallbackState(policyNo);
    if (ok(state)) return state;
    if (Date.now() > deadline) throw new Error(`${policyNo}: gave up waiting for ${what} (stage ${state.stage})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One policy through a level-1 ticket: the bench call center's first call finds a signature the
 * customer denies; the ticket is routed tier-3 → tier-4 → agent and answered through the client; the
 * branch's confirming call is clean; the recording closes the policy.
 */
export async function driveLevel1(huifang: HuifangClient, contract: Contract): Promise<{ callbackWorkflowId: string; ticketWorkflowId: string; stage: string }> {
  await huifang.startCallback(contract);
  const withTicket = await pollState(huifang, contract.policyNo, (s) => s.tickets.length >= 1, 'the level-1 ticket');
  const ticketId = withTicket.tickets[0].ticketId;
  // The ticket is in the policy's state a moment before its child workflow has started.
  for (let i = 0; !(await huifang.temporal.workflow.getHandle(ticketWorkflowId(ticketId)).describe().then(() => true, () => false)); i++) {
    if (i > 600) throw new Error(`${ticketId}: its workflow never started`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await huifang.advanceTicket(ticketId, { step: 'dispatch', actor: tier3 });
  await huifang.advanceTicket(ticketId, { step: 'hand-to-agent', actor: tier4 });
  await huifang.advanceTicket(ticketId, { step: 'sign-receipt', actor: agent });
  await huifang.advanceTicket(ticketId, { step: 'reply', actor: agent, actionTaken: '业务员上门核实，投保人本人补签并确认投保意愿' });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 60_000);
  try {
    const summary = await huifang.temporal.withAbortSignal(controller.signal, () => huifang.handle(contract.policyNo).result());
    return { callbackWorkflowId: `callback-${contract.policyNo}`, ticketWorkflowId: ticketWorkflowId(ticketId), stage: summary.stage };
  } finally {
    clearTimeout(timer);
  }
}
