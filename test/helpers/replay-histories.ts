/**
 * The workflow histories the replay test checks the workflow code against (test/histories/*.json),
 * and how they are recorded: real runs on the time-skipping server, driven like test/callback-calls.test.ts,
 * with payloads encrypted by the fixed test-only key (replay-keyring.ts).
 *
 * Re-record (only after a deliberate, compatible change of the workflow, or to add a scenario):
 *   npx tsx scripts/record-histories.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { CallbackSummary } from '../../domain/callback-state';
import type { Contract } from '../../domain/contract';
import { localDateOf } from '../../domain/local-time';
import { callbackWorkflowId } from '../../workflows/messages';
import { aContractSignedDaysAgo, driveCleanCall, driveRefusal, driveLevel2Ticket, driveMissedThenCallBack, driveNoAnswer, driveWaiver, isIdle, skipToQuietTime, waitForState } from './drive';
import { temporal } from '@temporalio/proto';
import { ticketWorkflowId } from '../../workflows/ticket-messages';
import { historyFromJSON, historyToJSON } from './history-json';
import { replayTestKeyring } from './replay-keyring';
import { createHarness, startDevServer, startTimeSkippingServer, stopServer, type TestHarness } from './temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './test-calendar';

const { EventType } = temporal.api.enums.v1;

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

export interface Scenario {
  /** File name (without .json) under test/histories/. */
  name: string;
  description: string;
  /** The stage the recorded run was left in (checked when recording, and in the history itself). */
  expectedStage: CallbackSummary['stage'];
  /** Whether the workflow had ended when recorded (else the history stops at an idle point). */
  finished: boolean;
  /** Also record the histories of the policy's transfer tickets (`<name>.ticket-T<n>.json`). */
  recordTickets?: boolean;
  /** Recorded on the CLI's dev server (real time, real query dispatch) instead of the time-skipping one. */
  devServer?: boolean;
  drive(h: TestHarness, contract: Contract): Promise<DriveResult>;
}

/** Where a scenario's run ended, and its policy when it is not the contract's (a scenario that needed several starts). */
type DriveResult = Pick<CallbackSummary, 'stage'> & { policyNo?: string };

export const SCENARIOS: Scenario[] = [
  {
    name: 'clean-call',
    description: 'first call answered with all yes, recording uploaded and verified: COMPLETED',
    expectedStage: 'COMPLETED',
    finished: true,
    drive: driveCleanCall,
  },
  {
    name: 'missed-then-call-back',
    description: 'attempt 1 rings out (not made), attempt 2 asks to be called back, the call-back is clean, recording: COMPLETED',
    expectedStage: 'COMPLETED',
    finished: true,
    drive: driveMissedThenCallBack,
  },
  {
    name: 'no-answer',
    description: "'no-answer' on every attempt until maxAttempts: UNREACHABLE, then a failed-callback ticket (left open)",
    expectedStage: 'AWAITING_TICKET',
    finished: false,
    drive: driveNoAnswer,
  },
  {
    name: 'level-2-ticket',
    description: 'contract not received: a level-2 ticket routed tier-3 → tier-4 → agent → archived, the recording in: COMPLETED',
    expectedStage: 'COMPLETED',
    finished: true,
    recordTickets: true,
    drive: driveLevel2Ticket,
  },
  {
    name: 'refused',
    description: 'the policyholder refuses on the first call; the refusal is recorded and its recording verified: REFUSED',
    expectedStage: 'REFUSED',
    finished: true,
    drive: (h, contract) => driveRefusal(h, contract),
  },
  {
    name: 'waived',
    description: 'a signed waiver reported by the agent and accepted by the tier-3 handler before the first call: WAIVED',
    expectedStage: 'WAIVED',
    finished: true,
    drive: driveWaiver,
  },
  {
    name: 'queried-while-assessed',
    description: "queries racing the assessment: its local activity's result reached the workflow in the next workflow task, not the one its marker is in",
    expectedStage: 'AWAITING_CALL',
    finished: false,
    devServer: true,
    drive: driveQueriedWhileAssessed,
  },
];

/**
 * Starts the callback while querying it without pause, until sdk-core completes the first workflow
 * task with the assessment's marker while its result still waits for the workflow (then a second
 * task follows at once): the shape a live run takes now and then under queries, in which a
 * `patched()` asked after the assessment replays differently (workflows/callback/run.ts). One start
 * in five or so takes it on the dev server; the others are terminated and started again.
 */
async function driveQueriedWhileAssessed(h: TestHarness, contract: Contract): Promise<DriveResult> {
  for (let attempt = 1; attempt <= 100; attempt++) {
    // A policy per start: a callback is started once per policy (its id refuses a second run).
    const policyNo = `${contract.policyNo}-${attempt}`;
    await h.huifang.startCallback({ ...contract, policyNo });
    const querying = Date.now() + 1000;
    while (Date.now() < querying) await h.huifang.getCallbackState(policyNo).catch(() => undefined);
    const handle = h.huifang.handle(policyNo);
    if (assessmentResultInNextTask((await handle.fetchHistory()).events ?? [])) {
      const { stage } = await waitForState(h, policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
      return { stage, policyNo };
    }
    await handle.terminate('not the shape sought: another start');
  }
  throw new Error('the assessment never came in the next workflow task in 100 starts');
}

/** The first local activity's marker is followed at once by a new workflow task (not by the commands after it). */
export function assessmentResultInNextTask(events: NonNullable<History['events']>): boolean {
  const marker = events.findIndex((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  return marker > 0 && events[marker + 1]?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
}

export interface RecordedHistory {
  name: string;
  /** The scenario it belongs to (a ticket history is `<scenario>.ticket-T<n>`). */
  scenario: string;
  workflowType: string;
  workflowId: string;
  history: History;
}

/**
 * Runs every scenario (or only those named in `only`, leaving the other files as they are) on a
 * fresh time-skipping server and writes its history file.
 */
export async function recordHistories(log: (line: string) => void = () => undefined, only: readonly string[] = []): Promise<string[]> {
  const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`no scenario ${unknown.join(', ')} (scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  const keyring = replayTestKeyring();
  const written: string[] = [];
  const chosen = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
  for (const devServer of [false, true]) {
    const scenarios = chosen.filter((s) => (s.devServer ?? false) === devServer);
    if (!scenarios.length) continue;
    const env: TestWorkflowEnvironment = await (devServer ? startDevServer : startTimeSkippingServer)(keyring);
    try {
      const today = localDateOf(new Date(await env.currentTimeMs()));
      const settings = settingsWithCalendar(syntheticCalendar(today));
      const h = await createHarness(env, keyring, { settings });
      for (const scenario of scenarios) written.push(...(await recordScenario(h, scenario, devServer, log)));
    } finally {
      await stopServer(env);
    }
  }
  return written;
}

async function recordScenario(h: TestHarness, scenario: Scenario, devServer: boolean, log: (line: string) => void): Promise<string[]> {
  const written: string[] = [];
  await h.withWorker(async () => {
    if (!devServer) await skipToQuietTime(h);
    const contract = await aContractSignedDaysAgo(h, 2, { policyNo: `REPLAY-${scenario.name}`.toUpperCase() });
    const summary = await scenario.drive(h, contract);
    const policyNo = summary.policyNo ?? contract.policyNo;
    if (summary.stage !== scenario.expectedStage) {
      throw new Error(`scenario ${scenario.name} ended in ${summary.stage}, expected ${scenario.expectedStage}`);
    }
    // A history that stops mid-way must stop at a quiet point (no task or activity in flight).
    for (let i = 0; !(await isIdle(h, callbackWorkflowId(policyNo))); i++) {
      if (i > 400) throw new Error(`scenario ${scenario.name} never became idle`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const history = await h.huifang.handle(policyNo).fetchHistory();
    const ended = history.events?.at(-1)?.workflowExecutionCompletedEventAttributes != null;
    if (ended !== scenario.finished) throw new Error(`scenario ${scenario.name}: finished=${ended}, expected ${scenario.finished}`);
    const file = join(HISTORIES_DIR, `${scenario.name}.json`);
    writeFileSync(file, historyToJSON(history) + '\n');
    written.push(file);
    log(`${scenario.name}: ${history.events?.length ?? 0} events, ${summary.stage} -> ${file}`);
    if (scenario.recordTickets) {
      for (const ticket of (await h.huifang.getCallbackState(policyNo)).tickets) {
        const ticketHistory = await h.env.client.workflow.getHandle(ticketWorkflowId(ticket.ticketId)).fetchHistory();
        const ticketFile = join(HISTORIES_DIR, `${scenario.name}.ticket-${ticket.ticketId.split('-').at(-1)}.json`);
        writeFileSync(ticketFile, historyToJSON(ticketHistory) + '\n');
        written.push(ticketFile);
        log(`${scenario.name} ${ticket.ticketId}: ${ticketHistory.events?.length ?? 0} events -> ${ticketFile}`);
      }
    }
  });
  return written;
}

/** Every committed history, by scenario name. */
export function loadHistories(): RecordedHistory[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.json$/, '');
      const history = historyFromJSON(readFileSync(join(HISTORIES_DIR, f), 'utf8'));
      const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      return { name, scenario: name.split('.')[0], workflowType, workflowId: `replay-${name}`, history };
    });
}
