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
import { aContractSignedDaysAgo, driveCleanCall, driveRefusal, driveLevel2Ticket, driveMissedThenCallBack, driveNoAnswer, driveWaiver, isIdle, skipToQuietTime } from './drive';
import { ticketWorkflowId } from '../../workflows/ticket-messages';
import { historyFromJSON, historyToJSON } from './history-json';
import { replayTestKeyring } from './replay-keyring';
import { createHarness, startTimeSkippingServer, stopServer, type TestHarness } from './temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './test-calendar';

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
  drive(h: TestHarness, contract: Contract): Promise<Pick<CallbackSummary, 'stage'>>;
}

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
];

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
  const env: TestWorkflowEnvironment = await startTimeSkippingServer(keyring);
  const written: string[] = [];
  try {
    const today = localDateOf(new Date(await env.currentTimeMs()));
    const settings = settingsWithCalendar(syntheticCalendar(today));
    const h = await createHarness(env, keyring, { settings });
    for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
      await h.withWorker(async () => {
        await skipToQuietTime(h);
        const contract = await aContractSignedDaysAgo(h, 2, { policyNo: `REPLAY-${scenario.name}`.toUpperCase() });
        const summary = await scenario.drive(h, contract);
        if (summary.stage !== scenario.expectedStage) {
          throw new Error(`scenario ${scenario.name} ended in ${summary.stage}, expected ${scenario.expectedStage}`);
        }
        // A history that stops mid-way must stop at a quiet point (no task or activity in flight).
        for (let i = 0; !(await isIdle(h, callbackWorkflowId(contract.policyNo))); i++) {
          if (i > 400) throw new Error(`scenario ${scenario.name} never became idle`);
          await new Promise((r) => setTimeout(r, 25));
        }
        const history = await h.huifang.handle(contract.policyNo).fetchHistory();
        const ended = history.events?.at(-1)?.workflowExecutionCompletedEventAttributes != null;
        if (ended !== scenario.finished) throw new Error(`scenario ${scenario.name}: finished=${ended}, expected ${scenario.finished}`);
        const file = join(HISTORIES_DIR, `${scenario.name}.json`);
        writeFileSync(file, historyToJSON(history) + '\n');
        written.push(file);
        log(`${scenario.name}: ${history.events?.length ?? 0} events, ${summary.stage} -> ${file}`);
        if (scenario.recordTickets) {
          for (const ticket of (await h.huifang.getCallbackState(contract.policyNo)).tickets) {
            const ticketHistory = await h.env.client.workflow.getHandle(ticketWorkflowId(ticket.ticketId)).fetchHistory();
            const ticketFile = join(HISTORIES_DIR, `${scenario.name}.ticket-${ticket.ticketId.split('-').at(-1)}.json`);
            writeFileSync(ticketFile, historyToJSON(ticketHistory) + '\n');
            written.push(ticketFile);
            log(`${scenario.name} ${ticket.ticketId}: ${ticketHistory.events?.length ?? 0} events -> ${ticketFile}`);
          }
        }
      });
    }
  } finally {
    await stopServer(env);
  }
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
