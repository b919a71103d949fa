/**
 * Who may do what through the API, on the dev server: every /v1 route needs a token, each route
 * serves the roles it lists (the OpenAPI document's `x-roles`) and turns the others away, an agent
 * sees and acts on its own tickets and policies only, an office on its own, nobody acts as someone
 * else, and sign-in tokens expire.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeUsersFile } from '../api/users-file';
import { runUsersCommand } from '../api/users-command';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { reasonLabelsOf } from '../documents/format';
import { localMonthOf } from '../domain/local-time';
import { ApiAuth } from '../api/api-auth';
import type { Role } from '../api/roles';
import { buildApi } from '../api/server';
import { DEFAULT_NOT_FOUND_FLOOR_MS } from '../api/org-scope';
import type { Contract } from '../domain/contract';
import type { TicketInput } from '../domain/ticket';
import { testApiUsers, type TestApiUsers, type TestUsername } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { startTicket } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let users: TestApiUsers;
const run = `${process.pid}${Date.now() % 100000}`;

/** Two corners of the organisation: SH / SH-PD / SH-PD-03 / agent A10086, and BJ / SH-JD / SH-JD-01 / agent A20000. */
const ORG_B: Partial<Contract> = {
  org: { branch: 'BJ', centralSubBranch: 'SH-JD', tier4Office: 'SH-JD-01' },
  agent: { code: 'A20000', name: '李雷', phone: '13800000002' },
};
let policyA: Contract;
let policyB: Contract;
let ticketA: TicketInput;
let ticketB: TicketInput;

function ticketOf(c: Contract, n: number): TicketInput {
  return {
    ticketId: `${c.policyNo}-T${n}`,
    policyNo: c.policyNo,
    type: 'level-1',
    reasons: ['agent-misconduct'],
    org: c.org,
    agentCode: c.agent.code,
    finding: 'attempt 1: completed',
  };
}

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
  users = await testApiUsers();
  api = buildApi({
    huifang: h.huifang,
    auth: users.auth,
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    documents: h.documents,
    // The projection's routes too (compliance, registers, waivers to verify): every route's roles are checked below.
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
  });
  policyA = aContract({ policyNo: `PA${run}` });
  policyB = aContract({ policyNo: `PB${run}`, ...ORG_B });
  for (const c of [policyA, policyB]) expect((await as('issuance', { method: 'POST', url: '/v1/contracts', payload: c })).statusCode).toBe(200);
  ticketA = ticketOf(policyA, 1);
  ticketB = ticketOf(policyB, 1);
  for (const t of [ticketA, ticketB]) await startTicket(h, t);
});
afterAll(async () => {
  await api?.close();
  await stopServer(env);
});

function as(user: TestUsername, req: InjectOptions) {
  return api.inject({ ...req, headers: { ...req.headers, ...users.headers(user) } });
}

/**
 * Waits (with a worker polling) until the callback has been assessed, so its state can be queried
 * and it takes reports; a busy machine can take a while for that.
 */
async function assessed(...policies: Contract[]): Promise<void> {
  for (const { policyNo } of policies) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const stage = await h.huifang.getCallbackState(policyNo).then((s) => s.stage, () => 'ASSESSING');
      if (stage !== 'ASSESSING') break;
      if (Date.now() > deadline) throw new Error(`${policyNo} was not assessed within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const USER_OF_ROLE: Record<Role, TestUsername> = {
  issuance: 'issuance',
  'call-center': 'cc-sh',
  tier3: 't3-shpd',
  tier4: 't4-shpd03',
  agent: 'a10086',
  ops: 'ops',
};

test('without a token, with a bad one or another scheme, a /v1 route is a 401 saying why; public routes need none', async () => {
  const none = await api.inject({ method: 'GET', url: '/v1/tickets' });
  expect(none.statusCode).toBe(401);
  expect(none.headers['www-authenticate']).toBe('Bearer realm="huifang"');
  expect(none.json()).toEqual({ error: 'Unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
  const bad = await api.inject({ method: 'GET', url: '/v1/tickets', headers: { authorization: 'Bearer hfm_not-a-token' } });
  expect(bad.statusCode).toBe(401);
  expect(bad.json().message).toBe('invalid token');
  const basic = await api.inject({ method: 'GET', url: '/v1/tickets', headers: { authorization: 'Basic b3BzOm9wcw==' } });
  expect(basic.statusCode).toBe(401);
  expect(basic.json().message).toMatch(/Bearer <token>/);
  // Checked before the body is read: an unauthenticated post starts nothing, however it looks.
  const post = await api.inject({ method: 'POST', url: '/v1/contracts', payload: aContract() });
  expect(post.statusCode).toBe(401);

  for (const url of ['/healthz', '/v1/openapi.json', '/v1/docs']) expect((await api.inject({ method: 'GET', url })).statusCode).toBe(200);
  const me = await as('t4-shpd03', { method: 'GET', url: '/v1/auth/me' });
  expect(me.json()).toEqual({ username: 't4-shpd03', principal: { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' } });
});

test("every route turns away each role it does not list, with a 403 naming who it is for", async () => {
  const doc = (await api.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-roles': Role[]; security: unknown[] }>> };
  let checked = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.security.length === 0) continue;
      // The roles are checked before anything else, so any parameter values will do.
      const url = path.replace(/\{[^}]+\}/g, 'P20260000001');
      for (const role of Object.keys(USER_OF_ROLE) as Role[]) {
        if (op['x-roles'].includes(role)) continue;
        const res = await as(USER_OF_ROLE[role], { method: method.toUpperCase() as 'GET', url });
        expect({ route: `${method} ${path}`, role, status: res.statusCode }).toEqual({ route: `${method} ${path}`, role, status: 403 });
        expect(res.json().message).toContain(`is for ${op['x-roles'].join(', ')}`);
        checked++;
      }
    }
  }
  expect(checked).toBeGreaterThan(40);
  // …and the roles that are listed get past the check (here: a contract from the issuance system, ops reading a ticket list).
  expect((await as('a10086', { method: 'POST', url: '/v1/contracts', payload: aContract() })).statusCode).toBe(403);
  expect((await as('ops', { method: 'GET', url: '/v1/tickets?limit=1' })).statusCode).toBe(200);
});

/** Visibility is eventually consistent: ask until the caller's list holds the expected tickets of this run. */
async function listedIds(user: TestUsername, query = '') {
  let ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const res = await as(user, { method: 'GET', url: `/v1/tickets${query}` });
    expect(res.statusCode).toBe(200);
    ids = (res.json().tickets as { ticketId: string }[]).map((t) => t.ticketId).filter((id) => id.includes(run)).sort();
    if (ids.length > 0) return { ids, all: res.json().tickets as { agentCode: string; centralSubBranch: string; tier4Office: string }[] };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ids, all: [] };
}

test('an agent sees and acts on its own tickets and policies only; the others are 404, a filter naming another agent a 403', async () => {
  await h.withWorker(async () => {
    await assessed(policyA, policyB);
    const mine = await listedIds('a10086');
    expect(mine.ids).toEqual([ticketA.ticketId]);
    expect(mine.all.every((t) => t.agentCode === 'A10086')).toBe(true);
    expect((await listedIds('a20000')).ids).toEqual([ticketB.ticketId]);

    const other = await as('a10086', { method: 'GET', url: `/v1/tickets/${ticketB.ticketId}` });
    expect(other.statusCode).toBe(404);
    expect(other.json().message).toBe(`no ticket ${ticketB.ticketId}`);
    expect((await as('a10086', { method: 'GET', url: `/v1/tickets/${ticketB.ticketId}/order.html` })).statusCode).toBe(404);
    expect((await as('a10086', { method: 'POST', url: `/v1/tickets/${ticketB.ticketId}/steps`, payload: { step: 'sign-receipt' } })).statusCode).toBe(404);
    expect((await as('a10086', { method: 'GET', url: `/v1/callbacks/${policyB.policyNo}` })).statusCode).toBe(404);
    expect((await as('a10086', { method: 'POST', url: `/v1/callbacks/${policyB.policyNo}/waiver`, payload: { statementRef: 'statements/x.pdf' } })).statusCode).toBe(404);

    const filter = await as('a10086', { method: 'GET', url: '/v1/tickets?agentCode=A20000' });
    expect(filter.statusCode).toBe(403);
    expect(filter.json().message).toMatch(/^agentCode=A20000/);

    expect((await as('a10086', { method: 'GET', url: `/v1/tickets/${ticketA.ticketId}` })).json()).toMatchObject({ ticketId: ticketA.ticketId, agentCode: 'A10086' });
    expect((await as('a10086', { method: 'GET', url: `/v1/callbacks/${policyA.policyNo}` })).json()).toMatchObject({ policyNo: policyA.policyNo });
  });
});

test("another office's policy and a policy that does not exist answer alike: the same 404, no sooner than the floor", async () => {
  const timed = async (url: string) => {
    const started = performance.now();
    const res = await as('a10086', { method: 'GET', url });
    return { status: res.statusCode, message: res.json().message as string, ms: performance.now() - started };
  };
  await timed(`/v1/callbacks/${policyB.policyNo}`); // its office now cached: the fast case
  const other = await timed(`/v1/callbacks/${policyB.policyNo}`);
  const missing = await timed('/v1/callbacks/PNOSUCH0001');
  expect([other.status, other.message]).toEqual([404, `no callback for policy ${policyB.policyNo}`]);
  expect([missing.status, missing.message]).toEqual([404, 'no callback for policy PNOSUCH0001']);
  for (const t of [other, missing]) expect(t.ms).toBeGreaterThanOrEqual(DEFAULT_NOT_FOUND_FLOOR_MS - 1);
});

test('an office sees its own policies and tickets only: call center by branch, tier-3 by central sub-branch, tier-4 by office', async () => {
  await h.withWorker(async () => {
    await assessed(policyA, policyB);
    const t3 = await listedIds('t3-shpd');
    expect(t3.ids).toEqual([ticketA.ticketId]);
    expect(t3.all.every((t) => t.centralSubBranch === 'SH-PD')).toBe(true);
    expect((await listedIds('t4-shjd01')).ids).toEqual([ticketB.ticketId]);
    expect((await listedIds('cc-bj')).ids).toEqual([ticketB.ticketId]);
    expect((await as('t3-shpd', { method: 'GET', url: '/v1/tickets?centralSubBranch=SH-JD' })).statusCode).toBe(403);
    expect((await as('t4-shpd03', { method: 'GET', url: '/v1/tickets?tier4Office=SH-JD-01' })).statusCode).toBe(403);

    for (const [user, policy] of [['cc-bj', policyA], ['t3-shjd', policyA], ['t4-shpd03', policyB], ['cc-sh', policyB]] as const) {
      expect({ user, status: (await as(user, { method: 'GET', url: `/v1/callbacks/${policy.policyNo}` })).statusCode }).toEqual({ user, status: 404 });
    }
    expect((await as('cc-sh', { method: 'GET', url: `/v1/callbacks/${policyA.policyNo}` })).statusCode).toBe(200);
    expect((await as('issuance', { method: 'GET', url: `/v1/callbacks/${policyB.policyNo}` })).statusCode).toBe(200);

    // The tier-3 handler of another central sub-branch cannot dispatch SH-PD's ticket; it stays where it was.
    const dispatch = await as('t3-shjd', { method: 'POST', url: `/v1/tickets/${ticketA.ticketId}/steps`, payload: { step: 'dispatch' } });
    expect(dispatch.statusCode).toBe(404);
    expect((await as('ops', { method: 'GET', url: `/v1/tickets/${ticketA.ticketId}` })).json()).toMatchObject({ stage: 'AWAITING_DISPATCH', steps: [] });

    const register = await as('t3-shjd', { method: 'GET', url: '/v1/registers/SH-PD/2026-11-25.xlsx' });
    expect(register.statusCode).toBe(403);
    expect(register.json().message).toMatch(/^centralSubBranch/);
    expect((await as('t4-shpd03', { method: 'GET', url: '/v1/fallback-quota/SH-JD-01/2026-11' })).statusCode).toBe(403);
    expect((await as('t4-shpd03', { method: 'GET', url: '/v1/fallback-quota/SH-PD-03/2026-11' })).statusCode).toBe(200);
    const upload = await as('t4-shjd01', { method: 'PUT', url: `/v1/documents/statements/${policyA.policyNo}/waiver.pdf`, headers: { 'content-type': 'application/pdf' }, payload: Buffer.from('%PDF-1.4') });
    expect(upload.statusCode).toBe(404);
  });
});

test('the fallback quota of a month nobody asked a place in still shows its callbacks, counted from the projection', async () => {
  await h.withWorker(() => assessed(policyA));
  const row = await eventually(`the projection row of ${policyA.policyNo}`, () => h.evidence.getCallback(policyA.policyNo));
  expect(row).toMatchObject({ required: true, tier4Office: 'SH-PD-03' });
  const month = localMonthOf(new Date(row.startedAt), h.settings.timeZone);
  const quota = await as('t4-shpd03', { method: 'GET', url: `/v1/fallback-quota/SH-PD-03/${month}` });
  expect(quota.statusCode).toBe(200);
  // policyA is the only SH-PD-03 callback on this harness's projection.
  expect(quota.json()).toMatchObject({ office: 'SH-PD-03', month, callbacks: 1, fallbacks: 0, share: 0, maxShare: h.settings.fallback.maxShare, granted: [] });
});

test('the actor is the caller: a body naming anybody else is a 403 and changes nothing; left out, the token fills it in', async () => {
  await h.withWorker(async () => {
    await assessed(policyA);
    const steps = `/v1/tickets/${ticketA.ticketId}/steps`;
    const spoofed = await as('t3-shpd', { method: 'POST', url: steps, payload: { step: 'dispatch', actor: { role: 'tier3', id: 'T3-BOSS', office: 'SH-PD' } } });
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.json().message).toBe('actor.id is T3-BOSS, but this token acts as tier3 T3-LI of SH-PD');
    const asAgent = await as('t3-shpd', { method: 'POST', url: steps, payload: { step: 'dispatch', actor: { role: 'agent', id: 'A10086' } } });
    expect(asAgent.statusCode).toBe(403);
    expect((await as('ops', { method: 'GET', url: `/v1/tickets/${ticketA.ticketId}` })).json()).toMatchObject({ stage: 'AWAITING_DISPATCH', steps: [] });

    const same = await as('t3-shpd', { method: 'POST', url: steps, payload: { step: 'dispatch', actor: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' }, note: 'to SH-PD-03' } });
    expect(same.statusCode).toBe(200);
    const filled = await as('t4-shpd03', { method: 'POST', url: steps, payload: { step: 'hand-to-agent' } });
    expect(filled.statusCode).toBe(200);
    expect(filled.json().steps.map((s: { actor: unknown }) => s.actor)).toEqual([
      { role: 'tier3', id: 'T3-LI', office: 'SH-PD' },
      { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' },
    ]);

    const waiver = await as('a10086', { method: 'POST', url: `/v1/callbacks/${policyA.policyNo}/waiver`, payload: { statementRef: 'statements/w.pdf', actor: { role: 'tier4', id: 'A10086', office: 'SH-PD-03' } } });
    expect(waiver.statusCode).toBe(403);
    expect(waiver.json().message).toMatch(/^actor\.role is tier4/);
    const outcome = await as('cc-sh', { method: 'POST', url: `/v1/callbacks/${policyA.policyNo}/attempts/${policyA.policyNo}-1/outcome`, payload: { outcome: 'no-answer', operator: 'CC-OTHER' } });
    expect(outcome.statusCode).toBe(403);
    expect(outcome.json().message).toBe('operator is CC-OTHER, but this token is call-center CC-ZHANG');
    const recording = await as('cc-sh', { method: 'POST', url: `/v1/callbacks/${policyA.policyNo}/recording`, payload: { reference: 'r/1.wav', checksum: `sha256:${'0'.repeat(64)}`, uploadedBy: 'CC-OTHER' } });
    expect(recording.statusCode).toBe(403);
    // A decision still needs what the domain asks of it, with the actor from the token.
    const decision = await as('t3-shpd', { method: 'POST', url: `/v1/callbacks/${policyA.policyNo}/waiver/decision`, payload: { accepted: false } });
    expect(decision.statusCode).toBe(400);
    expect(decision.json().fields).toEqual([{ field: 'reason', message: 'a rejection must give a reason' }]);
  });
});

test('sign-in answers a session token that works until it expires; wrong passwords, unknown users and bad bodies are refused, repeated guesses slowed', async () => {
  let now = new Date('2026-11-25T09:00:00+08:00');
  const clocked = buildApi({ huifang: h.huifang, auth: new ApiAuth(users.file, { now: () => now }), reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  const signIn = (body: unknown) => clocked.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: body as object });
  try {
    const res = await signIn({ username: 't3-shpd', password: users.credentials('t3-shpd').password });
    expect(res.statusCode).toBe(200);
    const { token, principal, expiresAt } = res.json();
    expect(token).toMatch(/^hfs_/);
    expect(principal).toEqual({ role: 'tier3', id: 'T3-LI', office: 'SH-PD' });
    expect(expiresAt).toBe('2026-11-25T09:00:00.000Z'); // 8 hours after 01:00Z
    const me = () => clocked.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect((await me()).json()).toEqual({ username: 't3-shpd', principal, expiresAt });
    // The same token with anything appended or inserted is not it (it was accepted with a '.junk' tail).
    for (const forged of [`${token}.junk`, `${token}.`, `${token.replace('.', '..')}`, `${token} `, `${token}%`]) {
      const res = await clocked.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${forged}` } });
      expect({ forged, status: res.statusCode }).toEqual({ forged, status: 401 });
    }

    now = new Date(Date.parse(expiresAt) - 1000);
    expect((await me()).statusCode).toBe(200);
    now = new Date(Date.parse(expiresAt));
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toBe(`token expired at ${expiresAt}`);

    const wrong = await signIn({ username: 't3-shpd', password: 'guess' });
    const unknown = await signIn({ username: 'nobody', password: 'guess' });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(unknown.json()).toEqual(wrong.json());
    // A machine user has no password to sign in with.
    expect((await signIn({ username: 'issuance', password: 'x' })).statusCode).toBe(401);
    const bad = await signIn({ username: 't3-shpd', pasword: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['password', 'pasword']);

    // Guessing is slowed per username and address: after 5 wrong passwords even the right one waits out the window.
    const agent = { username: 'a10086', password: users.credentials('a10086').password };
    for (let i = 0; i < 5; i++) expect((await signIn({ ...agent, password: `guess-${i}` })).statusCode).toBe(401);
    const blocked = await signIn(agent);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe('900');
    expect(blocked.json().message).toBe('too many wrong passwords for a10086 from this address: try again in 900 s');
    expect((await signIn({ username: 't3-shpd', password: users.credentials('t3-shpd').password })).statusCode).toBe(200);
    now = new Date(now.getTime() + 15 * 60_000);
    expect((await signIn(agent)).statusCode).toBe(200);
  } finally {
    await clocked.close();
  }
});

test('sign-in limits count before hashing: parallel guesses, spraying, a lock that stays with the guessing address, ops unlock', async () => {
  const now = new Date('2026-11-25T09:00:00+08:00');
  const auth = new ApiAuth(users.file, { now: () => now });
  const app = buildApi({ huifang: h.huifang, auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  const signIn = (body: object, remoteAddress = '10.0.0.66') => app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: body, remoteAddress });
  try {
    // 100 guesses at once: only the first 5 are tried (401); the rest are refused before any hash.
    const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn({ username: 't3-shpd', password: `guess-${i}` })));
    const statuses = burst.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    // The lock is the guessing address's: the person, at their own desk, still signs in.
    expect((await signIn({ username: 't3-shpd', password: users.credentials('t3-shpd').password })).statusCode).toBe(429);
    expect((await signIn({ username: 't3-shpd', password: users.credentials('t3-shpd').password }, '10.0.8.21')).statusCode).toBe(200);

    // Spraying one password over many usernames from one address: 20 tries, then that address waits.
    const spray = [];
    for (let i = 0; i < 25; i++) spray.push((await signIn({ username: `user${i}`, password: 'Spring2026!' }, '10.0.0.77')).statusCode);
    expect(spray.filter((s) => s === 401)).toHaveLength(20);
    expect(spray.slice(20)).toEqual([429, 429, 429, 429, 429]);

    // Ops lift the locks on a username; only ops may.
    const ops = { authorization: users.headers('ops').authorization };
    const forbidden = await app.inject({ method: 'POST', url: '/v1/auth/unlock', payload: { username: 't3-shpd' }, headers: users.headers('t3-shpd') });
    expect(forbidden.statusCode).toBe(403);
    const unlocked = await app.inject({ method: 'POST', url: '/v1/auth/unlock', payload: { username: 't3-shpd' }, headers: ops });
    expect(unlocked.json()).toEqual({ username: 't3-shpd', addresses: 1 });
    expect((await signIn({ username: 't3-shpd', password: users.credentials('t3-shpd').password })).statusCode).toBe(200);
  } finally {
    await app.close();
  }
});

test("revoking a user's sessions takes effect from the users file, with no restart; their new sign-in works", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-users-'));
  const path = join(dir, 'api-users.json');
  writeUsersFile(path, users.file);
  const app = buildApi({ huifang: h.huifang, auth: ApiAuth.fromFile(path), reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  const signIn = async () => (await app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { username: 'a10086', password: users.credentials('a10086').password } })).json().token as string;
  const me = (token: string) => app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
  try {
    const old = await signIn();
    expect((await me(old)).statusCode).toBe(200);
    await runUsersCommand(['revoke', 'a10086'], path, () => {});
    // The file is looked at once a second at most.
    await new Promise((r) => setTimeout(r, 2_100));
    const refused = await me(old);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/^the sessions of a10086 were revoked at .*: sign in again$/);
    expect((await me(await signIn())).statusCode).toBe(200);
  } finally {
    await app.close();
  }
});

test('a tampered session token, one signed with another key, or one whose user is gone, is a 401', async () => {
  const { token } = (await api.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { username: 'a10086', password: users.credentials('a10086').password } })).json();
  const me = (app: FastifyInstance, t: string) => app.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${t}` } });
  expect((await me(api, token)).statusCode).toBe(200);
  // The claims say who; change them (make the agent someone else) and the signature no longer matches.
  const [claims, mac] = token.slice(4).split('.');
  const forged = Buffer.from(Buffer.from(claims, 'base64url').toString().replace('a10086', 'a20000')).toString('base64url');
  const tampered = await me(api, `hfs_${forged}.${mac}`);
  expect(tampered.statusCode).toBe(401);
  expect(tampered.json().message).toBe('invalid token');

  const otherKey = buildApi({ huifang: h.huifang, auth: (await testApiUsers()).auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  const gone = buildApi({ huifang: h.huifang, auth: new ApiAuth({ ...users.file, users: users.file.users.filter((u) => u.username !== 'a10086') }), reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  try {
    expect((await me(otherKey, token)).json().message).toBe('invalid token');
    const removed = await me(gone, token);
    expect(removed.statusCode).toBe(401);
    expect(removed.json().message).toBe('user a10086 no longer exists');
  } finally {
    await otherKey.close();
    await gone.close();
  }
});

test('a waiver end to end through the API: the agent uploads the statement and reports it, the tier-3 handler accepts it, each as themselves', async () => {
  const c = aContract({ policyNo: `PC${run}` });
  expect((await as('issuance', { method: 'POST', url: '/v1/contracts', payload: c })).statusCode).toBe(200);
  await h.withWorker(async () => {
    await assessed(c);
    const upload = await as('a10086', { method: 'PUT', url: `/v1/documents/statements/${c.policyNo}/waiver.pdf`, headers: { 'content-type': 'application/pdf' }, payload: Buffer.from('%PDF-1.4 signed waiver') });
    expect(upload.statusCode).toBe(201);
    const { reference } = upload.json();
    // Receipts are the branch's or the tier-4 office's to file, not the agent's.
    expect((await as('a10086', { method: 'PUT', url: `/v1/documents/receipts/${c.policyNo}/r.pdf`, headers: { 'content-type': 'application/pdf' }, payload: Buffer.from('%PDF') })).statusCode).toBe(403);

    const reported = await as('a10086', { method: 'POST', url: `/v1/callbacks/${c.policyNo}/waiver`, payload: { statementRef: reference } });
    expect(reported.statusCode).toBe(200);
    expect(reported.json().waiver).toMatchObject({ statementRef: reference, reportedBy: { role: 'agent', id: 'A10086' } });
    const accepted = await as('t3-shpd', { method: 'POST', url: `/v1/callbacks/${c.policyNo}/waiver/decision`, payload: { accepted: true } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ stage: 'WAIVED', waiver: { decision: { accepted: true, by: { role: 'tier3', id: 'T3-LI', office: 'SH-PD' } } } });
    const again = await as('a10086', { method: 'POST', url: `/v1/callbacks/${c.policyNo}/waiver`, payload: { statementRef: reference } });
    expect(again.statusCode).toBe(409);
  });
});

test('scanned documents: checked by content, never overwritten (a later upload is the next version), owner-only, limited per policy; a waiver cites only its own', async () => {
  const c = aContract({ policyNo: `PD${run}` });
  expect((await as('issuance', { method: 'POST', url: '/v1/contracts', payload: c })).statusCode).toBe(200);
  const put = (name: string, payload: Buffer | string, type = 'application/pdf', app = api) =>
    app.inject({ method: 'PUT', url: `/v1/documents/statements/${c.policyNo}/${name}`, headers: { ...users.headers('a10086'), 'content-type': type }, payload });
  await h.withWorker(() => assessed(c));
  const first = await put('waiver.pdf', Buffer.from('%PDF-1.4 the first scan'));
  expect(first.statusCode).toBe(201);
  expect(first.json()).toMatchObject({ reference: `statements/${c.policyNo}/waiver.pdf`, version: 1 });
  const second = await put('waiver.pdf', Buffer.from('%PDF-1.4 another scan'));
  expect(second.json()).toMatchObject({ reference: `statements/${c.policyNo}/waiver.v2.pdf`, version: 2 });
  // The first is what it was; both are readable.
  expect((await h.documents.read(first.json().reference)).toString()).toBe('%PDF-1.4 the first scan');
  const v2 = await as('t3-shpd', { method: 'GET', url: `/v1/documents/${second.json().reference}` });
  expect([v2.statusCode, v2.body]).toEqual([200, '%PDF-1.4 another scan']);
  // Owner-only on disk.
  expect(statSync(h.documents.pathOf(first.json().reference)).mode & 0o777).toBe(0o600);
  expect(statSync(dirname(h.documents.pathOf(first.json().reference))).mode & 0o777).toBe(0o700);

  // By content: HTML named .png, a PNG named .pdf.
  const html = await put('scan.png', '<html><script>alert(1)</script></html>', 'image/png');
  expect([html.statusCode, html.json().message]).toEqual([415, '(body): the content is not a PDF, JPEG or PNG file']);
  const png = await put('scan.pdf', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
  expect([png.statusCode, png.json().message]).toEqual([415, "(body): the content is a PNG file, not the PDF its name 'scan.pdf' says"]);

  // Limits per policy and kind.
  const small = buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), documents: h.documents, scannedDocumentLimits: { maxFilesPerPolicy: 2, maxBytesPerPolicy: 1_000 } });
  try {
    const third = await put('other.pdf', Buffer.from('%PDF-1.4 a third'), 'application/pdf', small);
    expect([third.statusCode, third.json().message]).toEqual([413, `statements of policy ${c.policyNo}: the policy already holds 2 of at most 2 files of this kind`]);
  } finally {
    await small.close();
  }

  // A waiver cites its own policy's statement, a real file: a definite 4xx at once, naming the field.
  await h.documents.save('orders/T-9.html', '<html></html>');
  for (const [statementRef, status] of [[`statements/${policyA.policyNo}/waiver.pdf`, 400], ['orders/T-9.html', 400], ['orders', 400], [`statements/${c.policyNo}/nothing.pdf`, 409]] as const) {
    const started = Date.now();
    const res = await as('a10086', { method: 'POST', url: `/v1/callbacks/${c.policyNo}/waiver`, payload: { statementRef } });
    const named = res.json().fields?.[0]?.field ?? res.json().message.split(':')[0];
    expect([statementRef, res.statusCode, named]).toEqual([statementRef, status, 'statementRef']);
    expect(Date.now() - started).toBeLessThan(2_000);
  }
});

test('every answer carries the security headers, pages and API alike; a request that never arrives whole is cut off', async () => {
  const app = buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons) });
  try {
    for (const url of ['/healthz', '/v1/auth/me', '/v1/nowhere']) {
      const res = await app.inject({ method: 'GET', url });
      expect({ url, nosniff: res.headers['x-content-type-options'], frame: res.headers['x-frame-options'], referrer: res.headers['referrer-policy'] }).toEqual({ url, nosniff: 'nosniff', frame: 'DENY', referrer: 'no-referrer' });
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    expect(app.server.requestTimeout).toBe(60_000);
  } finally {
    await app.close();
  }
});
