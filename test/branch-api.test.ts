/**
 * Cases that go up to the branch, and runs that end from outside, through the API and `huifang show`
 * on the dev server: a branch lists its UNRESOLVED cases (visibility), its call center closes one with
 * its decision (others are turned away: role 403, another branch 404, a bad body 400 naming the field,
 * any other stage 409 in the workflow's words); a terminated run is reported as terminated, never as
 * its last stage; the fallback receipt's answers are checked as the route documents them.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { CliContext } from '../cli/command';
import { runCli } from '../cli/main';
import type { Contract } from '../domain/contract';
import type { TestApiUsers, TestUsername } from './helpers/api-users';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import { aContract } from './helpers/contracts';
import { routeTicket, waitForTicket } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { testSettings } from './helpers/test-calendar';
import type { TestHarness } from './helpers/temporal-env';

let harness: ApiHarness;
let h: TestHarness;
let api: FastifyInstance;
let users: TestApiUsers;

beforeAll(async () => {
  harness = await startApiHarness({
    // One corrected number, and no second phone round: after the failed-callback ticket a policy goes
    // straight to the fallback, which region 44 forbids (config/fallback.json): UNRESOLVED at once.
    settings: (now) => {
      const s = testSettings(now);
      return { ...s, tickets: { ...s.tickets, maxFailedCallbackTickets: 1 }, fallback: { ...s.fallback, minHoursForPhoneRound: 24 * 30 } };
    },
  });
  ({ h, users, api } = harness);
});
afterAll(async () => {
  await harness?.close();
});

function as(user: TestUsername, req: InjectOptions) {
  return api.inject({ ...req, headers: { ...req.headers, ...users.headers(user) } });
}

const stateOf = (policyNo: string, user: TestUsername = 'cc-sh') => as(user, { method: 'GET', url: `/v1/callbacks/${policyNo}` });
const decide = (policyNo: string, user: TestUsername, payload: object) => as(user, { method: 'POST', url: `/v1/callbacks/${policyNo}/branch-decision`, payload });
const listed = async (user: TestUsername, query: string): Promise<{ policyNo: string; stage: string; run: string }[]> => {
  const res = await as(user, { method: 'GET', url: `/v1/callbacks?${query}` });
  expect(res.statusCode).toBe(200);
  return res.json().callbacks;
};

/** Waits (visibility is eventually consistent) until `user`'s list for `query` does (or does not) hold the policy. */
function untilListed(user: TestUsername, query: string, policyNo: string, present = true) {
  return eventually(`${policyNo} ${present ? 'listed' : 'gone'} for ${user} (${query})`, async () => {
    const rows = await listed(user, query);
    const row = rows.find((c) => c.policyNo === policyNo);
    return present ? row : row ? undefined : rows;
  });
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, connect: async () => h.huifang, evidence: async () => h.evidence };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

async function post(contract: Contract): Promise<void> {
  expect((await as('issuance', { method: 'POST', url: '/v1/contracts', payload: contract })).statusCode).toBe(200);
}

/** The API's answer once the policy is in `stage`. */
async function stageBecomes(policyNo: string, stage: string): Promise<{ stage: string; run: unknown; nextAttemptAt?: string }> {
  return eventually(`${policyNo} in ${stage}`, async () => {
    const res = await stateOf(policyNo, 'ops');
    return res.statusCode === 200 && res.json().stage === stage ? res.json() : undefined;
  }, 30_000);
}

/** A policy of branch SH with no number, in a region that forbids letters and visits: with the branch once its ticket is answered. */
async function unresolvedCase(): Promise<Contract> {
  const base = aContract({ regionCode: '440300' });
  const contract: Contract = { ...base, policyholder: { name: base.policyholder.name, idNumber: base.policyholder.idNumber } };
  await post(contract);
  const ticketId = await waitForTicket(h, contract.policyNo, 1);
  await routeTicket(h, ticketId, { correctedPhone: '13700002222' });
  await stageBecomes(contract.policyNo, 'UNRESOLVED');
  return contract;
}

test("a branch lists its unresolved cases, and its call center closes one with its decision; nobody else can", async () => {
  await h.withWorker(async () => {
    const { policyNo } = await unresolvedCase();

    // Found by the branch (and those above it), not by another branch or office.
    expect(await untilListed('cc-sh', 'stage=UNRESOLVED', policyNo)).toEqual({
      policyNo,
      stage: 'UNRESOLVED',
      run: 'RUNNING',
      branch: 'SH',
      centralSubBranch: 'SH-PD',
      tier4Office: 'SH-PD-03',
      agentCode: 'A10086',
      coolingOffEnd: expect.any(String),
      startedAt: expect.any(String),
    });
    await untilListed('ops', 'stage=UNRESOLVED&branch=SH', policyNo);
    expect((await listed('cc-bj', 'stage=UNRESOLVED')).map((c) => c.policyNo)).not.toContain(policyNo);
    expect((await listed('t4-shjd01', 'stage=UNRESOLVED')).map((c) => c.policyNo)).not.toContain(policyNo);
    const otherBranch = await as('cc-bj', { method: 'GET', url: '/v1/callbacks?stage=UNRESOLVED&branch=SH' });
    expect(otherBranch.statusCode).toBe(403);
    expect(otherBranch.json().message).toBe('branch=SH: this call-center token sees branch BJ only');
    const badStage = await as('cc-sh', { method: 'GET', url: '/v1/callbacks?stage=LOST' });
    expect(badStage.statusCode).toBe(400);
    expect(badStage.json().fields.map((f: { field: string }) => f.field)).toEqual(['stage']);

    const unresolved = (await stateOf(policyNo)).json();
    expect(unresolved).toMatchObject({ stage: 'UNRESOLVED', run: { status: 'RUNNING' }, escalation: { to: 'branch', cause: 'fallback-refused' } });

    // Turned away: another role (403), another branch (404, as if it did not exist), a bad body (400), acting as someone else (403).
    const tier3 = await decide(policyNo, 't3-shpd', { reason: '结案' });
    expect(tier3.statusCode).toBe(403);
    expect(tier3.json().message).toContain('is for call-center');
    const bj = await decide(policyNo, 'cc-bj', { reason: '结案' });
    expect(bj.statusCode).toBe(404);
    expect(bj.json().message).toBe(`no callback for policy ${policyNo}`);
    for (const [body, fields] of [
      [{}, ['reason']],
      [{ reason: '   ' }, ['reason']],
      [{ reason: 'x'.repeat(2001) }, ['reason']],
      [{ reason: '结案', closed: true }, ['closed']],
    ] as const) {
      const res = await decide(policyNo, 'cc-sh', body);
      expect({ body, status: res.statusCode, fields: res.json().fields?.map((f: { field: string }) => f.field) }).toEqual({ body, status: 400, fields });
    }
    const impostor = await decide(policyNo, 'cc-sh', { reason: '结案', actor: { role: 'branch', id: 'CC-OTHER', office: 'SH' } });
    expect(impostor.statusCode).toBe(403);
    expect(impostor.json().message).toBe('actor.id is CC-OTHER, but this token acts as branch CC-ZHANG of SH');
    expect((await stateOf(policyNo)).json().stage).toBe('UNRESOLVED');

    // The branch's own call center closes it: the actor comes from the token.
    const reason = '已上门核实，客户确认投保意愿，结案';
    const closed = await decide(policyNo, 'cc-sh', { reason });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ stage: 'CLOSED_BY_BRANCH', branchDecision: { reason, by: { role: 'branch', id: 'CC-ZHANG', office: 'SH' }, at: expect.any(String) } });
    const done = await eventually('the run completed', async () => {
      const s = (await stateOf(policyNo)).json();
      return s.run.status === 'COMPLETED' ? s : undefined;
    });
    expect(done).toMatchObject({ stage: 'CLOSED_BY_BRANCH', run: { status: 'COMPLETED', closedAt: expect.any(String) }, branchDecision: { reason } });
    const again = await decide(policyNo, 'cc-sh', { reason });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: 'Conflict', message: `callback-${policyNo} is closed (run COMPLETED): it takes no more changes` });

    await untilListed('cc-sh', 'stage=UNRESOLVED', policyNo, false);
    expect(await untilListed('cc-sh', 'stage=CLOSED_BY_BRANCH', policyNo)).toMatchObject({ stage: 'CLOSED_BY_BRANCH', run: 'COMPLETED', closedAt: expect.any(String) });

    // show: the escalation and the branch's decision (ops reads its words).
    const show = await cli('show', policyNo);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^stage\s+CLOSED_BY_BRANCH since \d{4}-\d\d-\d\d \d\d:\d\d \(closed by branch SH CC-ZHANG\)$/m);
    expect(show.stdout).toMatch(/^escalated\s+to the branch \d{4}-\d\d-\d\d \d\d:\d\d \(fallback-refused\): region 440300 .* allows neither letter nor on-site callbacks/m);
    expect(show.stdout).toMatch(new RegExp(`^branch\\s+closed the case \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d, by branch CC-ZHANG@SH: ${reason}$`, 'm'));
    expect(show.stdout).toMatch(new RegExp(`^ {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d {2}branch\\s+closed the case, by branch CC-ZHANG@SH: ${reason}$`, 'm'));
    console.log(`huifang show ${policyNo}:\n${show.stdout}`);
  });
}, 120_000);

test("closing a case that is not with the branch is a 409 in the workflow's words, an unknown policy a 404", async () => {
  const contract = aContract();
  await h.withWorker(async () => {
    await post(contract);
    await stageBecomes(contract.policyNo, 'AWAITING_CALL');
    const res = await decide(contract.policyNo, 'cc-sh', { reason: '结案' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      error: 'Conflict',
      message: `policy ${contract.policyNo} is not with the branch (stage AWAITING_CALL); only an unresolved case is closed by the branch`,
    });
    expect((await stateOf(contract.policyNo)).json().stage).toBe('AWAITING_CALL');
  });
  expect((await decide('P999999999', 'cc-sh', { reason: '结案' })).statusCode).toBe(404);
});

test('a terminated run is reported as terminated by the API, the list and show, never as its last stage', async () => {
  const contract = aContract();
  const { policyNo } = contract;
  await h.withWorker(async () => {
    await post(contract);
    const running = await stageBecomes(policyNo, 'AWAITING_CALL');
    expect(running.run).toEqual({ status: 'RUNNING' });
    expect(running.nextAttemptAt).toEqual(expect.any(String));
    await h.huifang.handle(policyNo).terminate('entered twice by mistake');

    const res = await stateOf(policyNo);
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.run).toEqual({ status: 'TERMINATED', closedAt: expect.any(String), reason: 'entered twice by mistake' });
    // The stage it had reached, with nothing planned after it.
    expect(view).toMatchObject({ stage: 'AWAITING_CALL', plan: [] });
    expect(view.nextAttemptAt).toBeUndefined();
    expect(view.closedAt).toBeUndefined();

    const show = await cli('show', policyNo);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^run\s+TERMINATED at \d{4}-\d\d-\d\d \d\d:\d\d: entered twice by mistake$/m);
    expect(show.stdout).toMatch(/^stage\s+none: the run was terminated before the callback ended \(last stage AWAITING_CALL since /m);
    expect(show.stdout).not.toMatch(/^stage\s+AWAITING_CALL/m);
    expect(show.stdout).not.toMatch(/^(next attempt|then)\s/m);
    expect(show.stdout).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}run\s+TERMINATED: entered twice by mistake \(the callback did not finish\)$/m);
    expect(JSON.parse((await cli('show', policyNo, '--json')).stdout).run).toEqual(view.run);
    console.log(`huifang show ${policyNo}:\n${show.stdout}`);

    // Not in its last stage's list; listed when asked for terminated runs.
    await untilListed('cc-sh', 'run=TERMINATED', policyNo);
    expect(await untilListed('cc-sh', 'run=TERMINATED&stage=AWAITING_CALL', policyNo)).toMatchObject({ stage: 'AWAITING_CALL', run: 'TERMINATED' });
    // The record still has it open: the list leaves it out all the same, in every stage.
    expect((await h.evidence.callbackState(policyNo))?.state.closedAt).toBeUndefined();
    expect((await listed('cc-sh', 'limit=1000')).map((c) => c.policyNo)).not.toContain(policyNo);
    expect((await listed('cc-sh', 'run=RUNNING&limit=1000')).map((c) => c.policyNo)).not.toContain(policyNo);
    // And it takes nothing more, saying why.
    const late = await as('cc-sh', { method: 'POST', url: `/v1/callbacks/${policyNo}/recording`, payload: { reference: 'recordings/x.wav', checksum: `sha256:${'0'.repeat(64)}` } });
    expect(late.json()).toEqual({ error: 'Conflict', message: `callback-${policyNo} is closed (run TERMINATED): it takes no more changes` });
    // A delivery id the sender cannot have meant is refused first, by name.
    const badId = await as('cc-sh', { method: 'POST', url: `/v1/callbacks/${policyNo}/recording`, payload: { reference: 'recordings/x.wav', checksum: `sha256:${'0'.repeat(64)}`, deliveryId: 'two words' } });
    expect([badId.statusCode, badId.json()]).toEqual([400, { error: 'invalid request: deliveryId', fields: [{ field: 'deliveryId', message: 'must be 1-100 letters, digits or . _ : -' }] }]);
  });
}, 60_000);

test("the fallback receipt's questionnaire answers are required and checked field by field; the workflow checks the stage", async () => {
  const contract = aContract();
  const receipt = { receiptRef: `receipts/${contract.policyNo}/receipt.pdf`, signedBy: 'policyholder', signedAt: new Date().toISOString(), answers: { 'contract-received': 'yes' } };
  const enter = (payload: object) => as('cc-sh', { method: 'POST', url: `/v1/callbacks/${contract.policyNo}/fallback-receipt`, payload });
  const { answers: _, ...withoutAnswers } = receipt;
  for (const [body, fields] of [
    [withoutAnswers, ['answers']],
    [{ ...receipt, answers: { 'contract-received': 'maybe' } }, ['answers.contract-received']],
    [{ ...receipt, reportedProblems: ['no-such-reason'] }, ['reportedProblems[0]']],
  ] as const) {
    const res = await enter(body);
    expect({ status: res.statusCode, fields: res.json().fields?.map((f: { field: string }) => f.field) }).toEqual({ status: 400, fields });
  }
  await h.withWorker(async () => {
    await post(contract);
    await stageBecomes(contract.policyNo, 'AWAITING_CALL');
    const res = await enter({ ...receipt, reportedProblems: ['contract-not-received'] });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('no signed receipt is expected in stage AWAITING_CALL');
  });
});
