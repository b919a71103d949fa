/**
 * The callback workflow's first stage on the time-skipping server: decide, compute the cooling-off
 * end, set the search attributes, and either wait for the call or close at once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as sa from '../workflows/search-attributes';
import { addCalendarDays, instantAt } from '../domain/local-time';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { testToday } from './helpers/test-clock';
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
  // Receipt signed two days ago: 15 days counted from yesterday (the harness calls nobody today or tomorrow).
  const receiptSignedOn = addCalendarDays(testToday(), -2);
  const lastDay = addCalendarDays(receiptSignedOn, 15);
  const endsAt = instantAt(addCalendarDays(lastDay, 1), '00:00').toISOString();
  const contract = aContract({ receiptSignedOn, issuedOn: addCalendarDays(receiptSignedOn, -3) });
  await h.withWorker(async () => {
    const started = await h.huifang.startCallback(contract);
    expect(started.workflowId).toBe(`callback-${contract.policyNo}`);

    const state = await eventually('the policy assessed', async () => {
      const s = await h.huifang.getCallbackState(contract.policyNo);
      return s.stage === 'ASSESSING' ? undefined : s;
    });
    expect(state.stage).toBe('AWAITING_CALL');
    expect(state.decision).toMatchObject({ required: true, ruleId: 'R1', ratio: 1 });
    expect(state.coolingOff).toMatchObject({ startsOn: addCalendarDays(receiptSignedOn, 1), lastDay, endsAt });

    const described = await h.huifang.handle(contract.policyNo).describe();
    const attrs = described.typedSearchAttributes;
    expect(attrs.get(sa.PolicyNo)).toBe(contract.policyNo);
    expect(attrs.get(sa.Channel)).toBe('agency');
    expect(attrs.get(sa.CentralSubBranch)).toBe('SH-PD');
    expect(attrs.get(sa.CoolingOffEnd)?.toISOString()).toBe(endsAt);
    expect(attrs.get(sa.CallbackStage)).toBe('AWAITING_CALL');
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
