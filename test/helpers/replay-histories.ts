/**
 * The workflow histories the replay test checks the workflow code against (test/histories/*.json),
 * and how they are recorded: real runs on the time-skipping server, driven like the call-calls tests,
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
import { aContractSignedDaysAgo, driveCleanCall, driveNoAnswer, skipToQuietTime } from './drive';
import { historyFromJSON, historyToJSON } from './history-json';
import { replayTestKeyring } from './replay-keyring';
import { createHarness, startTimeSkippingServer, type TestHarness } from './temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './test-calendar';

export const HISTORIES_DIR = join(__dirname, '..', 'histories');

export interface Scenario {
  /** File name (without .json) under test/histories/. */
  name: string;
  description: string;
  /** The stage the recorded run ended in (checked when recording, and when replaying). */
  expectedStage: CallbackSummary['stage'];
  drive(h: TestHarness, contract: Contract): Promise<CallbackSummary>;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'clean-call',
    description: 'first call answered with all yes, recording uploaded and verified: COMPLETED',
    expectedStage: 'COMPLETED',
    drive: driveCleanCall,
  },
  {
    name: 'no-answer',
    description: "'no-answer' on every attempt until maxAttempts: UNREACHABLE",
    expectedStage: 'UNREACHABLE',
    drive: driveNoAnswer,
  },
];

export interface RecordedHistory {
  name: string;
  workflowId: string;
  history: History;
}

/** Runs every scenario on a fresh time-skipping server and writes its history file. */
export async function recordHistories(log: (line: string) => void = () => undefined): Promise<string[]> {
  const keyring = replayTestKeyring();
  const env: TestWorkflowEnvironment = await startTimeSkippingServer(keyring);
  const written: string[] = [];
  try {
    const today = localDateOf(new Date(await env.currentTimeMs()));
    const h = await createHarness(env, keyring, { settings: settingsWithCalendar(syntheticCalendar(today)) });
    for (const scenario of SCENARIOS) {
      await h.withWorker(async () => {
        await skipToQuietTime(h);
        const contract = await aContractSignedDaysAgo(h, 2, { policyNo: `REPLAY-${scenario.name}`.toUpperCase() });
        const summary = await scenario.drive(h, contract);
        if (summary.stage !== scenario.expectedStage) {
          throw new Error(`scenario ${scenario.name} ended in ${summary.stage}, expected ${scenario.expectedStage}`);
        }
        const history = await h.huifang.handle(contract.policyNo).fetchHistory();
        const file = join(HISTORIES_DIR, `${scenario.name}.json`);
        writeFileSync(file, historyToJSON(history) + '\n');
        written.push(file);
        log(`${scenario.name}: ${history.events?.length ?? 0} events, ${summary.stage} -> ${file}`);
      });
    }
  } finally {
    await env.teardown();
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
      return { name, workflowId: `replay-${name}`, history };
    });
}
