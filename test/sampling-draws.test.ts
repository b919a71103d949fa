/**
 * R3's systematic draw in the system of record (stores/sampling-draws.ts through the assessment
 * activity): a small office never falls below the ratio, each policy is drawn once (a retried or
 * concurrent assessment gets the same draw back), and each draw is kept with its reason.
 */
import { createAssessActivities } from '../activities/assess-contract';
import type { CallbackDecision } from '../domain/callback-rules';
import type { Contract } from '../domain/contract';
import { aContract } from './helpers/contracts';
import { testSettings } from './helpers/test-calendar';
import { useTestDatabase } from './helpers/test-database';

const database = useTestDatabase();
const NOW = new Date('2030-05-08T10:00:00+08:00');
const settings = testSettings(NOW, 0);

/** Other bancassurance (R3, ratio 0.5) outside the Shanghai override. */
const r3 = (tier4Office: string, receiptSignedOn = '2030-05-06', over: Partial<Contract> = {}) =>
  aContract({ channel: 'bancassurance', productType: 'traditional', regionCode: '110105', issuedOn: '2030-05-04', receiptSignedOn, org: { branch: 'BJ', centralSubBranch: 'BJ-HD', tier4Office }, ...over });

const assess = (contract: Contract) => createAssessActivities(settings, database.current().store).assessContract({ contract, now: NOW.toISOString() });

async function counter(scope: string) {
  return database.current().db.selectFrom('sampling_counters').selectAll().where('scope', '=', scope).executeTakeFirst();
}

test('a small office: 5 policies at ratio 0.5 give 3 callbacks, and no prefix falls below half', async () => {
  const contracts = Array.from({ length: 5 }, () => r3('BJ-HD-05'));
  const decisions: CallbackDecision[] = [];
  for (const c of contracts) decisions.push((await assess(c)).decision);
  expect(decisions.map((d) => d.required)).toEqual([true, false, true, false, true]);
  decisions.forEach((_, i) => expect(decisions.slice(0, i + 1).filter((d) => d.required).length).toBeGreaterThanOrEqual((i + 1) * 0.5));
  expect(decisions[2].reason).toBe('R3 "other bancassurance" at ratio 0.5: draw 3 of R3 BJ-HD-05 2030-05: selected (2 of 3 ≥ 0.5), callback required');
  expect(decisions[3]).toMatchObject({ sampleValue: 0.5, draw: { scope: 'R3 BJ-HD-05 2030-05', position: 4 } });
  expect(await counter('R3 BJ-HD-05 2030-05')).toEqual({ scope: 'R3 BJ-HD-05 2030-05', drawn: 5, selected: 3 });

  // Kept per policy, with the reason an auditor reads.
  const row = await database.current().db.selectFrom('sampling_draws').selectAll().where('policy_no', '=', contracts[1].policyNo).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ scope: 'R3 BJ-HD-05 2030-05', seq: 2, ratio: 0.5, selected: false, reason: 'draw 2 of R3 BJ-HD-05 2030-05: not selected (1 of 2 ≥ 0.5 without it)' });

  // A retried assessment gets the same draw; the counter does not move.
  expect((await assess(contracts[1])).decision).toEqual(decisions[1]);
  expect(await counter('R3 BJ-HD-05 2030-05')).toMatchObject({ drawn: 5, selected: 3 });
});

test('concurrent assessments of one scope get consecutive positions; concurrent retries of one policy one draw', async () => {
  const contracts = Array.from({ length: 12 }, () => r3('BJ-HD-06'));
  const decisions = (await Promise.all(contracts.map(assess))).map((a) => a.decision);
  expect(decisions.map((d) => d.draw!.position).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(decisions.filter((d) => d.required)).toHaveLength(6);

  const again = r3('BJ-HD-06');
  const retries = (await Promise.all([assess(again), assess(again), assess(again)])).map((a) => a.decision);
  expect(new Set(retries.map((d) => JSON.stringify(d))).size).toBe(1);
  expect(retries[0].draw).toEqual({ scope: 'R3 BJ-HD-06 2030-05', position: 13 });
  expect(await counter('R3 BJ-HD-06 2030-05')).toEqual({ scope: 'R3 BJ-HD-06 2030-05', drawn: 13, selected: 7 });
});

test('each office, callback month and raised ratio is a scope of its own; rules at ratio 1 draw nothing', async () => {
  expect((await assess(r3('BJ-HD-07', '2030-04-30'))).decision.draw).toEqual({ scope: 'R3 BJ-HD-07 2030-04', position: 1 });
  expect((await assess(r3('BJ-HD-07', '2030-05-01'))).decision.draw).toEqual({ scope: 'R3 BJ-HD-07 2030-05', position: 1 });
  // Shanghai's example override raises R3 to 0.8.
  expect((await assess(r3('BJ-HD-07', '2030-05-01', { regionCode: '310115' }))).decision.draw).toEqual({ scope: 'R3 BJ-HD-07 2030-05 @0.8', position: 1 });
  const agency = aContract({ issuedOn: '2030-05-04', receiptSignedOn: '2030-05-06', org: { branch: 'BJ', centralSubBranch: 'BJ-HD', tier4Office: 'BJ-HD-07' } });
  expect((await assess(agency)).decision).toMatchObject({ ruleId: 'R1', required: true, draw: null });
  expect(await database.current().db.selectFrom('sampling_draws').select('policy_no').where('policy_no', '=', agency.policyNo).execute()).toEqual([]);
});

test('without the evidence store a sampled contract cannot be assessed, and says why', async () => {
  await expect(createAssessActivities(settings).assessContract({ contract: r3('BJ-HD-08'), now: NOW.toISOString() })).rejects.toThrow(/R3 samples .* the assessment needs the evidence store/);
});
