/**
 * The callback workflow's first stage on the time-skipping server: decide, compute the cooling-off
 * end, set the search attributes, and either wait for the call or close at once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as sa from '../workflows/search-attributes';
import { aContract } from './helpers/contracts';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  h = await createHarness(env, keyring);
});
afterAll(async () => {
  await stopServer(env);
});

test('a policy that must be called waits for its first call, with the cooling-off end and search attributes set', async () => {
  const contract = aContract({ receiptSignedOn: '2026-11-23' });
  await h.withWorker(async () => {
    const started = await h.huifang.startCallback(contract);
    expect(started.workflowId).toBe(`callback-${contract.policyNo}`);

    let state = await h.huifang.getCallbackState(contract.policyNo);
    for (let i = 0; i < 50 && state.stage === 'ASSESSING'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await h.huifang.getCallbackState(contract.policyNo);
    }
    expect(['AWAITING_CALL', 'CALLING']).toContain(state.stage);
    expect(state.decision).toMatchObject({ required: true, ruleId: 'R1', ratio: 1 });
    expect(state.coolingOff).toMatchObject({ lastDay: '2026-12-08', endsAt: '2026-12-08T16:00:00.000Z' });

    const described = await h.huifang.handle(contract.policyNo).describe();
    const attrs = described.typedSearchAttributes;
    expect(attrs.get(sa.PolicyNo)).toBe(contract.policyNo);
    expect(attrs.get(sa.Channel)).toBe('agency');
    expect(attrs.get(sa.CentralSubBranch)).toBe('SH-PD');
    expect(attrs.get(sa.CoolingOffEnd)?.toISOString()).toBe('2026-12-08T16:00:00.000Z');
    expect(['AWAITING_CALL', 'CALLING']).toContain(attrs.get(sa.CallbackStage));
  });
});

test('a policy no rule requires closes at once as NOT_REQUIRED, with the reason', async () => {
  const contract = aContract({ termMonths: 12, productType: 'health' });
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const summary = await h.huifang.handle(contract.policyNo).result();
    expect(summary.stage).toBe('NOT_REQUIRED');
    expect(summary.decision?.required).toBe(false);
    expect(summary.decision?.reason).toMatch(/no rule applies/);
    expect(summary.closedAt).toBeDefined();
  });
});
