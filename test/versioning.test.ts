/**
 * A deploy in the middle of a callback. The policy starts on a worker running the workflow code of
 * the compatibility baseline (`BASELINE`, taken from git and bundled here), calls, finds a wrong
 * number and opens a failed-callback ticket. Then that worker stops and one on the current code takes
 * over: it replays the run's history and finishes it. Any later change to workflows/ that is not
 * patched breaks this test (and the replay test) instead of breaking running callbacks.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { callbackWorkflowId } from '../workflows/messages';
import {
  aContractSignedDaysAgo,
  completedCall,
  isIdle,
  openAttempt,
  OPERATOR,
  routeTicket,
  skipToQuietTime,
  storeRecording,
  waitForCall,
  waitForTicket,
  workflowResult,
} from './helpers/drive';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { testSettings } from './helpers/test-calendar';

/** The commit whose workflows are the compatibility baseline (README: Deploying a workflow change safely). */
export const BASELINE = '63bf9b4c53112d8af09497735f237bd00baa7bb8';
const ROOT = resolve(__dirname, '..');

let env: TestWorkflowEnvironment;
let h: TestHarness;
let baseline: WorkflowBundleWithSourceMap;

/** The workflow code of `commit`, bundled as the worker of that time did (its workflows/ and domain/). */
async function bundleAt(commit: string): Promise<WorkflowBundleWithSourceMap> {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-old-workflows-'));
  const tar = execFileSync('git', ['archive', '--format=tar', commit, 'workflows', 'domain'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows'),
    logger: new DefaultLogger('WARN'),
    // Outside the repository: resolve packages (the SDK, async-mutex) from this checkout's node_modules.
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: ['node_modules', join(ROOT, 'node_modules')] } }),
  });
}

beforeAll(async () => {
  baseline = await bundleAt(BASELINE);
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  h = await createHarness(env, keyring, { settings: testSettings(new Date(await env.currentTimeMs()), 0) });
}, 180_000);
afterAll(async () => {
  await stopServer(env);
});

beforeEach(() => skipToQuietTime(h));

/** First call: wrong number, so a failed-callback ticket opens; then wait until nothing is in flight. */
async function upToTheTicket(contract: Contract): Promise<{ ticketId: string; state: CallbackState }> {
  await h.huifang.startCallback(contract);
  const calling = await waitForCall(h, contract.policyNo, 1);
  await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(calling).attemptId, outcome: 'wrong-number', operator: OPERATOR });
  const ticketId = await waitForTicket(h, contract.policyNo, 1);
  await eventually('the callback idle', async () => ((await isIdle(h, callbackWorkflowId(contract.policyNo))) ? true : undefined));
  // Read while this worker still runs: a query needs one.
  return { ticketId, state: await h.huifang.getCallbackState(contract.policyNo) };
}

test('a callback started on the baseline build is taken over mid-flight by the current code and finishes', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  const { ticketId, state: before } = await h.withWorker(() => upToTheTicket(contract), undefined, baseline);
  expect(before.stage).toBe('AWAITING_TICKET');

  const summary = await h.withWorker(async () => {
    await routeTicket(h, ticketId, { correctedPhone: '13700003333' });
    const report = completedCall(await waitForCall(h, p, 2));
    await h.huifang.recordCallOutcome(p, report);
    const stored = storeRecording(h, report.recordingRef!);
    await h.huifang.uploadRecording(p, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
    return workflowResult(h, p);
  });
  expect(summary).toMatchObject({ stage: 'COMPLETED', completedBy: 'phone', phoneSource: ticketId });
  expect(summary.attempts.map((a) => a.outcome)).toEqual(['wrong-number', 'completed']);
  // The state the baseline code built before the deploy is all still there.
  expect(summary.stageHistory.slice(0, before.stageHistory.length)).toEqual(before.stageHistory);
}, 240_000);
