/**
 * A deploy in the middle of a callback. The policy starts on a worker running the workflow code as it
 * was before `FALLBACK_AND_WAIVERS_PATCH` (commit fd3d948, taken from git and bundled here), which
 * calls, finds a wrong number and opens a failed-callback ticket. Then that worker stops and one on
 * the current code takes over: it replays the old run's history, and from there the run goes on as
 * the old code would have it. Its corrected number fails too, and it ends UNREACHABLE with no letter,
 * no escalation and no projection row, while a policy started on the current code goes to the fallback.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { localDateOf } from '../domain/local-time';
import { callbackWorkflowId } from '../workflows/messages';
import { aContractSignedDaysAgo, isIdle, openAttempt, OPERATOR, routeTicket, skipToQuietTime, waitForCall, waitForTicket, workflowResult } from './helpers/drive';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';

/** The last commit whose workflows ran without the fallback-and-waivers patch (the parent of e55f824). */
const BEFORE_PATCH = 'fd3d948d0669e5b2890860f6a3bce9a1c298dbdc';
const ROOT = resolve(__dirname, '..');

let env: TestWorkflowEnvironment;
let h: TestHarness;
let oldBundle: WorkflowBundleWithSourceMap;

/** The workflow code of `commit`, bundled as the worker of that time did (its workflows/ and domain/). */
async function bundleAt(commit: string): Promise<WorkflowBundleWithSourceMap> {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-old-workflows-'));
  const tar = execFileSync('git', ['archive', '--format=tar', commit, 'workflows', 'domain'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return bundleWorkflowCode({
    workflowsPath: join(dir, 'workflows'),
    logger: new DefaultLogger('WARN'),
    // Outside the repository: resolve packages (zod, the SDK) from this checkout's node_modules.
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, modules: ['node_modules', join(ROOT, 'node_modules')] } }),
  });
}

beforeAll(async () => {
  oldBundle = await bundleAt(BEFORE_PATCH);
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const settings = settingsWithCalendar(syntheticCalendar(localDateOf(new Date(await env.currentTimeMs()))));
  // One corrected number only: its failure ends the phone part.
  h = await createHarness(env, keyring, { settings: { ...settings, tickets: { ...settings.tickets, maxFailedCallbackTickets: 1 } } });
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
  for (let i = 0; i < 100 && !(await isIdle(h, callbackWorkflowId(contract.policyNo))); i++) await new Promise((r) => setTimeout(r, 100));
  // Read while this worker still runs: a query needs one.
  return { ticketId, state: await h.huifang.getCallbackState(contract.policyNo) };
}

/** The agent's corrected number is called, and is not in service either. */
async function correctedNumberFails(contract: Contract, ticketId: string) {
  await routeTicket(h, ticketId, { correctedPhone: '13700003333' });
  const calling = await waitForCall(h, contract.policyNo, 2);
  await h.huifang.recordCallOutcome(contract.policyNo, { attemptId: openAttempt(calling).attemptId, outcome: 'not-in-service', operator: OPERATOR });
  return workflowResult(h, contract.policyNo);
}

test('a callback started before the fallback patch is taken over by the new code mid-flight and finishes the old way', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const { ticketId, state: before } = await h.withWorker(() => upToTheTicket(contract), undefined, oldBundle);
  expect(before.stage).toBe('AWAITING_TICKET');

  const summary = await h.withWorker(() => correctedNumberFails(contract, ticketId));
  expect(summary.stage).toBe('UNREACHABLE');
  expect(summary.unreachableReason).toBe('not-in-service');
  expect(summary.attempts.map((a) => a.outcome)).toEqual(['wrong-number', 'not-in-service']);
  expect(summary.tickets).toEqual([expect.objectContaining({ ticketId, type: 'failed-callback', closedAt: expect.any(String) })]);
  // The old path: no letter or visit asked for, nothing escalated, no projection row written.
  expect(summary.fallback).toBeUndefined();
  expect(summary.escalation).toBeUndefined();
  expect(summary.completedBy).toBeUndefined();
  expect(await h.projection.getCallback(contract.policyNo)).toBeUndefined();
  // The state the old code built before the deploy is all still there.
  expect(summary.stageHistory.slice(0, before.stageHistory.length)).toEqual(before.stageHistory);
}, 240_000);

test('the same story started on the current code asks for the fallback', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const summary = await h.withWorker(async () => correctedNumberFails(contract, (await upToTheTicket(contract)).ticketId));
  expect(summary.stage).toBe('UNREACHABLE');
  // Alone in its office this month, a letter would be 100% of its callbacks: over the cap, so the branch gets it.
  expect(summary.fallback).toMatchObject({ kind: 'letter', granted: false });
  expect(summary.escalation).toMatchObject({ to: 'branch' });
  expect(await h.projection.getCallback(contract.policyNo)).toMatchObject({ stage: 'UNREACHABLE' });
}, 240_000);
