/**
 * Contract intake through the HTTP API, on the Temporal dev server (its visibility store lets the
 * tests count workflows): a repeat post is harmless, bad input is refused field by field and starts
 * nothing, a batch answers row by row.
 */
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { reasonLabelsOf } from '../documents/format';
import { buildApi } from '../api/server';
import { HuifangClient } from '../client/huifang-client';
import type { Contract } from '../domain/contract';
import type { TestApiUsers } from './helpers/api-users';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import type { CallingHours } from '../domain/calling-hours';
import { testNow } from './helpers/test-clock';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import type { TestHarness } from './helpers/temporal-env';

let harness: ApiHarness;
let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let users: TestApiUsers;

beforeAll(async () => {
  harness = await startApiHarness();
  ({ env, h, users, api } = harness);
});
afterAll(async () => {
  await harness?.close();
});

/** Visibility is eventually consistent: wait (with a deadline) until it lists the policy, then count. */
function countWorkflows(policyNo: string): Promise<number> {
  return eventually(`visibility listing ${policyNo}`, async () => {
    const { count } = await env.client.workflow.count(`PolicyNo = "${policyNo}"`);
    return count > 0 ? count : undefined;
  }, 30_000);
}

/** As the issuance system. */
const post = (body: unknown) => api.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: body as object });
const getState = (policyNo: string) => api.inject({ method: 'GET', url: `/v1/callbacks/${policyNo}`, headers: users.headers('issuance') });

test('posting the same contract twice starts one workflow and answers with the same run', async () => {
  const contract = aContract();
  const first = await post(contract);
  const second = await post(contract);
  expect(first.statusCode).toBe(200);
  expect(second.statusCode).toBe(200);
  expect(first.json()).toEqual({ policyNo: contract.policyNo, workflowId: `callback-${contract.policyNo}`, runId: expect.any(String) });
  expect(second.json()).toEqual(first.json());
  expect(await countWorkflows(contract.policyNo)).toBe(1);
});

test('the state of a posted policy is served, and an unknown policy is a 404', async () => {
  const contract = aContract();
  await post(contract);
  await h.withWorker(async () => {
    const res = await eventually('the policy assessed', async () => {
      const r = await getState(contract.policyNo);
      return r.statusCode === 200 && r.json().stage === 'ASSESSING' ? undefined : r;
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      policyNo: contract.policyNo,
      stage: 'AWAITING_CALL',
      decision: { required: true, ruleId: 'R1' },
      coolingOff: { lastDay: addCalendarDays(contract.receiptSignedOn, 15) },
    });
  });
  const missing = await getState('P999999999');
  expect(missing.statusCode).toBe(404);
  expect(missing.json()).toEqual({ error: 'Not Found', message: expect.stringMatching(/P999999999/) });
});

/** Every required field, missing or wrong, is refused with that field named and no workflow started. */
const badFields: Array<[string, (c: Contract) => unknown]> = [
  ['policyNo', ({ policyNo: _, ...rest }) => rest],
  ['channel', (c) => ({ ...c, channel: 'broker' })],
  ['productCode', ({ productCode: _, ...rest }) => rest],
  ['productType', (c) => ({ ...c, productType: 'annuity' })],
  ['termMonths', (c) => ({ ...c, termMonths: -3 })],
  ['premium.amount', (c) => ({ ...c, premium: { ...c.premium, amount: 0 } })],
  ['premium.currency', (c) => ({ ...c, premium: { ...c.premium, currency: 'yuan' } })],
  ['premium.mode', (c) => ({ ...c, premium: { ...c.premium, mode: 'weekly' } })],
  ['issuedOn', (c) => ({ ...c, issuedOn: '2026-02-30' })],
  ['receiptSignedOn', (c) => ({ ...c, receiptSignedOn: addCalendarDays(c.issuedOn, -1) })],
  ['regionCode', (c) => ({ ...c, regionCode: '31' })],
  ['org.centralSubBranch', (c) => ({ ...c, org: { ...c.org, centralSubBranch: '' } })],
  ['agent.phone', (c) => ({ ...c, agent: { ...c.agent, phone: '12345' } })],
  ['policyholder.name', (c) => ({ ...c, policyholder: { ...c.policyholder, name: '' } })],
  ['policyholder.phone', (c) => ({ ...c, policyholder: { ...c.policyholder, phone: '1391234567' } })],
  ['policyholder.idNumber', (c) => ({ ...c, policyholder: { ...c.policyholder, idNumber: '310101199001011235' } })],
];

test.each(badFields)('a contract with a bad %s gets a 400 naming it, and starts nothing', async (field, spoil) => {
  const contract = aContract();
  const res = await post(spoil(contract));
  expect(res.statusCode).toBe(400);
  expect(res.json().fields.map((f: { field: string }) => f.field)).toContain(field);
  await expect(h.huifang.handle(contract.policyNo).describe()).rejects.toThrow(/not found/i);
});

/** The API with its clock at `now` and the given calling hours. */
function apiAt(now: Date, callingHours: CallingHours = h.settings.callPlan.callingHours): FastifyInstance {
  return buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), now: () => now, callingHours });
}

test("a receipt signed after the API's today is a 400 naming receiptSignedOn, single or in a batch, and starts nothing", async () => {
  // The API's clock is injected: the same contract is refused the day before its receipt, accepted on the day.
  const receiptDay = addCalendarDays(localDateOf(testNow(), h.settings.timeZone), 3);
  const contract = aContract({ issuedOn: addCalendarDays(receiptDay, -1), receiptSignedOn: receiptDay });
  const dayBefore = apiAt(new Date(testNow().getTime() + 2 * 86_400_000));
  const onTheDay = apiAt(new Date(testNow().getTime() + 3 * 86_400_000));
  try {
    const postTo = (app: FastifyInstance, body: unknown) => app.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: body as object });
    const early = await postTo(dayBefore, contract);
    expect(early.statusCode).toBe(400);
    expect(early.json()).toEqual({
      error: 'invalid request: receiptSignedOn',
      fields: [{ field: 'receiptSignedOn', message: `is after today (${addCalendarDays(receiptDay, -1)}): a receipt cannot be signed in the future` }],
    });
    const batch = await postTo(dayBefore, [aContract(), contract]);
    expect(batch.json()).toMatchObject({ accepted: 1, rejected: 1, results: [{ row: 0, ok: true }, { row: 1, ok: false, fields: [{ field: 'receiptSignedOn' }] }] });
    await expect(h.huifang.handle(contract.policyNo).describe()).rejects.toThrow(/not found/i);
    expect((await postTo(onTheDay, contract)).statusCode).toBe(200);
  } finally {
    await dayBefore.close();
    await onTheDay.close();
  }
});

test("a preferred window wholly outside calling hours is a 400 naming callPreference unless it is the customer's own request", async () => {
  // Calling hours from the API's options (config/call-plan.json in production): here 10:00-18:00.
  const app = apiAt(testNow(), { from: '10:00', to: '18:00' });
  try {
    const postPref = (callPreference: unknown) =>
      app.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: { ...aContract(), callPreference } as object });
    for (const outside of [{ from: '18:00', to: '20:00' }, { from: '07:30', to: '10:00' }]) {
      const res = await postPref(outside);
      expect(res.statusCode).toBe(400);
      expect(res.json().fields).toEqual([
        { field: 'callPreference', message: `${outside.from}-${outside.to} is wholly outside calling hours 10:00-18:00: accepted only as the customer's own request (callPreference.customerRequested: true)` },
      ]);
    }
    expect((await postPref({ from: '18:00', to: '20:00', customerRequested: true })).statusCode).toBe(200);
    // Partly inside: planned in the part that is (the workflow's clipping), no flag needed.
    expect((await postPref({ from: '17:00', to: '20:00' })).statusCode).toBe(200);
    const flag = await postPref({ from: '18:00', to: '20:00', customerRequested: 'yes' });
    expect(flag.json().fields.map((f: { field: string }) => f.field)).toEqual(['callPreference.customerRequested']);
    const extra = await postPref({ from: '18:00', to: '20:00', byPhone: true });
    expect(extra.json().fields).toEqual([{ field: 'callPreference.byPhone', message: 'unknown field' }]);
  } finally {
    await app.close();
  }
});

test('malformed JSON is a 400 naming the body', async () => {
  const res = await api.inject({ method: 'POST', url: '/v1/contracts', headers: { ...users.headers('issuance'), 'content-type': 'application/json' }, payload: '{"policyNo": ' });
  expect(res.statusCode).toBe(400);
  expect(res.json().fields[0].field).toBe('(body)');
});

test('a batch answers per row: good rows start, bad rows are named, and nothing is half-applied', async () => {
  const good = [aContract(), aContract()];
  const bad = { ...aContract(), channel: 'broker' };
  const res = await post([good[0], bad, good[1]]);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body).toMatchObject({ accepted: 2, rejected: 1 });
  expect(body.results[0]).toMatchObject({ row: 0, ok: true, policyNo: good[0].policyNo });
  expect(body.results[1]).toMatchObject({ row: 1, ok: false, fields: [{ field: 'channel' }] });
  expect(body.results[2]).toMatchObject({ row: 2, ok: true, policyNo: good[1].policyNo });
  await expect(h.huifang.handle(bad.policyNo).describe()).rejects.toThrow(/not found/i);
});

test('a batch of many rows answers each in row order, and a policy repeated in it is refused by row', async () => {
  const many = Array.from({ length: 40 }, () => aContract());
  const repeated = { ...many[3], premium: { ...many[3].premium, amount: 1 } };
  const res = await post([...many, repeated]);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body).toMatchObject({ accepted: 40, rejected: 1 });
  expect(body.results.map((r: { row: number }) => r.row)).toEqual([...many.keys(), 40]);
  expect(body.results.slice(0, 40).map((r: { policyNo: string }) => r.policyNo)).toEqual(many.map((c) => c.policyNo));
  expect(body.results[40]).toEqual({ row: 40, ok: false, fields: [{ field: 'policyNo', message: 'repeats the policy of row 3' }] });
});

test('unknown fields are refused by name, wherever they are, and start nothing', async () => {
  const contract = aContract();
  const res = await post({ ...contract, discount: 5, premium: { ...contract.premium, rebate: 1 } });
  expect(res.statusCode).toBe(400);
  expect(res.json().fields).toEqual(expect.arrayContaining([{ field: 'discount', message: 'unknown field' }, { field: 'premium.rebate', message: expect.any(String) }]));
  await expect(h.huifang.handle(contract.policyNo).describe()).rejects.toThrow(/not found/i);
});

test('a body that is not JSON is a 415, a missing one a 400 naming the body', async () => {
  const asIssuance = users.headers('issuance');
  const text = await api.inject({ method: 'POST', url: '/v1/contracts', headers: { ...asIssuance, 'content-type': 'text/plain' }, payload: JSON.stringify(aContract()) });
  expect(text.statusCode).toBe(415);
  expect(text.json()).toEqual({ error: 'Unsupported Media Type', message: expect.stringContaining('text/plain') });
  const xml = await api.inject({ method: 'POST', url: '/v1/contracts', headers: { ...asIssuance, 'content-type': 'application/xml' }, payload: '<contract/>' });
  expect(xml.statusCode).toBe(415);
  const none = await api.inject({ method: 'POST', url: '/v1/contracts', headers: asIssuance });
  expect(none.statusCode).toBe(400);
  expect(none.json().fields[0].field).toBe('(body)');
  const proto = await api.inject({ method: 'POST', url: '/v1/contracts', headers: { ...asIssuance, 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}}' });
  expect(proto.statusCode).toBe(400);
  // Valid JSON with a key no body has: named as such, not called "not valid JSON".
  expect(proto.json().fields).toEqual([{ field: '__proto__', message: 'a key named __proto__ is not accepted in a body' }]);
  const ctor = await api.inject({ method: 'POST', url: '/v1/contracts', headers: { ...asIssuance, 'content-type': 'application/json' }, payload: '[{"constructor": {"prototype": {"admin": true}}}]' });
  expect([ctor.statusCode, ctor.json().fields]).toEqual([400, [{ field: 'constructor.prototype', message: 'a key named constructor.prototype is not accepted in a body' }]]);
});

test('bad path and query parameters are 400s naming them', async () => {
  const get = (url: string) => api.inject({ method: 'GET', url, headers: users.headers('issuance') });
  const badPath = await get('/v1/callbacks/P_1');
  expect(badPath.statusCode).toBe(400);
  expect(badPath.json().fields).toEqual([{ field: 'policyNo', message: 'must be 4-40 letters, digits or dashes' }]);
  const undecodable = await get('/v1/callbacks/P%ZZ1');
  expect(undecodable.statusCode).toBe(400);
  expect(undecodable.json().fields[0].field).toBe('(url)');
  const unknownQuery = await get('/v1/callbacks/P20261234?verbose=1');
  expect(unknownQuery.statusCode).toBe(400);
  expect(unknownQuery.json().fields).toEqual([{ field: 'verbose', message: 'unknown field' }]);
});

test('bodies over the limit and batches over the cap are 413s, and start nothing', async () => {
  const small = buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), bodyLimitBytes: 20_000, maxBatchSize: 3 });
  try {
    const postTo = (body: unknown) => small.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: body as object });
    const batch = [aContract(), aContract(), aContract(), aContract()];
    const tooMany = await postTo(batch);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json()).toEqual({ error: 'Payload Too Large', message: 'a batch holds at most 3 contracts, got 4' });
    const tooLarge = await postTo(Array.from({ length: 60 }, () => aContract()));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().message).toBe('the request body is larger than the 20000 bytes this route accepts');
    for (const c of batch) await expect(h.huifang.handle(c.policyNo).describe()).rejects.toThrow(/not found/i);
    // Every other JSON route takes a few hundred bytes; 64 KiB is plenty.
    const step = await small.inject({ method: 'POST', url: '/v1/tickets/P20260001-T1/steps', headers: users.headers('t3-shpd'), payload: { step: 'dispatch', note: 'x'.repeat(70_000) } });
    expect(step.statusCode).toBe(413);
  } finally {
    await small.close();
  }
});

test('with no worker serving, a read that needs the workflow and an Update answer 503 with retry-after within seconds, and each 5xx is logged with its request id', async () => {
  // Nothing polls this queue: the callback is started and never run.
  const queue = `${h.taskQueue}-no-worker`;
  const idle = new HuifangClient(h.huifang.temporal, queue, { queryMs: 2_000, updateMs: 3_000 });
  const app = buildApi({ huifang: idle, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare } });
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  try {
    const contract = aContract();
    await idle.startCallback(contract);
    const timed = async (req: InjectOptions) => {
      const started = Date.now();
      const res = await app.inject(req);
      return { res, ms: Date.now() - started };
    };
    const read = await timed({ method: 'GET', url: `/v1/callbacks/${contract.policyNo}`, headers: users.headers('issuance') });
    expect([read.res.statusCode, read.res.headers['retry-after']]).toEqual([503, '10']);
    expect(read.res.json().message).toMatch(/^no worker answered for callback-\S+ within 2 s: none is serving these workflows right now/);
    expect(read.ms).toBeLessThan(12_000);
    const update = await timed({ method: 'POST', url: `/v1/callbacks/${contract.policyNo}/recording`, headers: users.headers('cc-sh'), payload: { reference: 'rec/x.wav', checksum: 'sha256:' + '0'.repeat(64) } });
    expect([update.res.statusCode, update.res.headers['retry-after']]).toEqual([503, '10']);
    expect(update.res.json().message).toMatch(/no worker accepted the request .* within 3 s: it may still be applied when a worker is back/);
    expect(update.ms).toBeLessThan(8_000);
    // Each one line on stderr with the id its answer carries.
    for (const res of [read.res, update.res]) {
      expect(logged.some((line) => line.includes(`"requestId":"${res.headers['x-request-id']}"`) && line.includes('"level":"error"'))).toBe(true);
    }
    await idle.handle(contract.policyNo).terminate('test: no worker');
  } finally {
    spy.mockRestore();
    await app.close();
  }
});

test('with Temporal out of reach a post is a 503 with retry-after, not a 500, and nothing is started', async () => {
  // A port nobody listens on: the client gives up after its connection retries (some 20 s).
  const nowhere = new HuifangClient(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) }), h.taskQueue);
  const cut = buildApi({ huifang: nowhere, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  try {
    const contract = aContract();
    const res = await cut.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: contract });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: 'Service Unavailable', message: expect.stringMatching(/^Temporal is out of reach/) });
    await expect(h.huifang.handle(contract.policyNo).describe()).rejects.toThrow(/not found/i);
  } finally {
    await cut.close();
  }
}, 60_000);

test('posting a taken policy again with other values is a 409 naming the fields, never their values; the same values answer the same run', async () => {
  const contract = aContract();
  const first = await post(contract);
  expect(first.statusCode).toBe(200);
  // The comparison is with the system of record: once the callback has written its first evidence.
  await h.withWorker(() => eventually('the policy in the system of record', async () => h.evidence.storedContract(contract.policyNo), 30_000));
  expect((await post(contract)).json()).toEqual(first.json());

  const changed = { ...contract, org: { ...contract.org, branch: 'GD' }, policyholder: { ...contract.policyholder, phone: '13911112222' } };
  const res = await post(changed);
  expect(res.statusCode).toBe(409);
  const body = res.json();
  expect(body.message).toContain('org.branch, policyholder.phone');
  expect(body.error).toBe('Conflict');
  expect(JSON.stringify(body)).not.toContain('13911112222');
  expect(JSON.stringify(body)).not.toContain(contract.policyholder.phone);
  // In a batch: that row refused, the others taken.
  const other = aContract();
  const batch = await post([changed, other]);
  expect(batch.json()).toMatchObject({ accepted: 1, rejected: 1, results: [{ row: 0, ok: false }, { row: 1, ok: true }] });
  expect(batch.json().results[0].error).toContain('org.branch, policyholder.phone');
});
