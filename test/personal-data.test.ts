/**
 * Personal data (PIPL) never sits in clear text in Temporal: the stored history of a callback holds
 * no name, phone number or ID number; keys can rotate and old histories still read; the Web UI's
 * codec endpoint decrypts for the UI's origin, and only for this machine or an ops token.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { reasonLabelsOf } from '../documents/format';
import { buildApi } from '../api/server';
import { EncryptionCodec, type PayloadKeyring } from '../client/encryption-codec';
import { HuifangClient } from '../client/huifang-client';
import { huifangDataConverter } from '../client/payload-keys';
import { testApiUsers, type TestApiUsers } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const oldKeys: PayloadKeyring = generateKeyring('k-2026-01');

beforeAll(async () => {
  env = await startDevServer(oldKeys);
  h = await createHarness(env, oldKeys);
});
afterAll(async () => {
  await stopServer(env);
});

const personalData = (c: ReturnType<typeof aContract>) => [c.policyholder.name, c.policyholder.phone!, c.policyholder.idNumber, c.agent.name, c.agent.phone];

/** Waits for the stage with a deadline that a busy machine's first workflow task fits in. */
function waitForStage(huifang: HuifangClient, policyNo: string, stage: string) {
  return eventually(`${policyNo} reaching ${stage}`, async () => {
    const state = await huifang.getCallbackState(policyNo);
    return state.stage === stage ? state : undefined;
  }, 60_000);
}

test('the raw history stored by the server holds no name, phone number or ID number', async () => {
  const contract = aContract({ policyholder: { name: '欧阳明月', phone: '13987654321', idNumber: '110101199003074514' } });
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForStage(h.huifang, contract.policyNo, 'AWAITING_CALL');
  });
  // A client without our codec sees what the server stores.
  const raw = new Client({ connection: env.connection });
  const history = await raw.workflow.getHandle(`callback-${contract.policyNo}`).fetchHistory();
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(bytes.length).toBeGreaterThan(500);
  for (const value of personalData(contract)) expect(bytes.includes(Buffer.from(value))).toBe(false);
  // …while the business keys ops filter on are there in clear (search attributes).
  expect(bytes.includes(Buffer.from(contract.policyNo))).toBe(true);
});

test('a callback started in clear (through the frontend, without the keys) never runs: its task fails saying why, and nothing reaches the system of record', async () => {
  const contract = aContract();
  const raw = new Client({ connection: env.connection });
  const workflowId = `callback-${contract.policyNo}`;
  await raw.workflow.start('callbackWorkflow', { taskQueue: h.taskQueue, workflowId, args: [{ contract }] });
  await h.withWorker(async () => {
    const failure = await eventually('the refused workflow task', async () => {
      const { events } = await raw.workflow.getHandle(workflowId).fetchHistory();
      return events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
    }, 30_000);
    expect(failure).toContain('a payload arrived unencrypted');
  });
  expect(await h.evidence.getCallback(contract.policyNo)).toBeUndefined();
  expect(await h.evidence.personalData(contract.policyNo)).toBeUndefined();
  await raw.workflow.getHandle(workflowId).terminate('test: started in clear');
});

test('a workflow given a malformed input fails at once naming the field, before any activity', async () => {
  const contract = { ...aContract(), org: { branch: 'SH', centralSubBranch: 'SH-PD' } };
  const workflowId = `callback-${contract.policyNo}`;
  await h.withWorker(async () => {
    await h.huifang.temporal.workflow.start('callbackWorkflow', { taskQueue: h.taskQueue, workflowId, args: [{ contract }] });
    await expect(h.huifang.temporal.workflow.getHandle(workflowId).result()).rejects.toMatchObject({ cause: { message: 'contract.org.tier4Office: must be an office code', type: 'InvalidWorkflowInput' } });
  });
  expect(await h.evidence.getCallback(contract.policyNo)).toBeUndefined();
});

test('after a key rotation, new payloads use the new key and old histories still read', async () => {
  const contract = aContract();
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForStage(h.huifang, contract.policyNo, 'AWAITING_CALL');
  });
  const rotated: PayloadKeyring = { currentKeyId: 'k-2026-07', keys: new Map([...oldKeys.keys, ['k-2026-07', randomBytes(32)]]) };
  const client = new Client({ connection: env.connection, dataConverter: huifangDataConverter(rotated) });
  const history = await client.workflow.getHandle(`callback-${contract.policyNo}`).fetchHistory();
  const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  expect(Buffer.from(input.metadata!['encryption-key-id']!).toString()).toBe('k-2026-01');
  const [decoded] = await new EncryptionCodec(rotated).decode([input]);
  expect(JSON.parse(Buffer.from(decoded.data!).toString())).toMatchObject({ contract: { policyNo: contract.policyNo } });

  const [fresh] = await new EncryptionCodec(rotated).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{}') }]);
  expect(Buffer.from(fresh.metadata!['encryption-key-id']!).toString()).toBe('k-2026-07');
  // Without the old key, the old history cannot be read: keys are retired only with their histories.
  await expect(new EncryptionCodec({ currentKeyId: 'k-2026-07', keys: new Map([['k-2026-07', randomBytes(32)]]) }).decode([input])).rejects.toThrow(/k-2026-01/);
});

const codec = new EncryptionCodec(oldKeys);

/** The API with the Web UI's codec for its origin; `tokenlessFromLoopback` as HUIFANG_CODEC_LOOPBACK sets it. */
const codecApi = (users: TestApiUsers, tokenlessFromLoopback: boolean) =>
  buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), codec: { codec, allowedOrigins: ['http://localhost:8233'], tokenlessFromLoopback } });

/** A body of the codec protocol: `text` encrypted with the current key, base64 as the Web UI sends it. */
async function codecBody(text: string) {
  const [encrypted] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(text) }]);
  return { payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(encrypted.data!).toString('base64') }] };
}

test("the Web UI's codec endpoint decrypts for the UI's origin, and gives other origins no CORS grant", async () => {
  // The local Web UI's browser has no huifang token: a call from this machine needs none.
  const api = codecApi(await testApiUsers(), true);
  const body = await codecBody('{"name":"张三"}');

  const res = await api.inject({ method: 'POST', url: '/codec/decode', headers: { origin: 'http://localhost:8233', 'x-namespace': 'default' }, payload: body });
  expect(res.statusCode).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  expect(Buffer.from(res.json().payloads[0].data, 'base64').toString()).toBe('{"name":"张三"}');

  // A malformed body, or a payload that does not decrypt, is the caller's fault: a 400 naming it.
  const malformed = await api.inject({ method: 'POST', url: '/codec/decode', payload: { payloads: 'all of them' } });
  expect(malformed.statusCode).toBe(400);
  expect(malformed.json().fields[0].field).toBe('payloads');
  const tampered = { payloads: [{ ...body.payloads[0], data: Buffer.from('not ciphertext').toString('base64') }] };
  expect((await api.inject({ method: 'POST', url: '/codec/decode', payload: tampered })).statusCode).toBe(400);

  const preflight = await api.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: 'https://evil.example.org', 'access-control-request-method': 'POST' } });
  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  await api.close();
});

test('by default the codec wants an ops credential, from this machine too: a token, or the cookie an ops sign-in sets; a foreign Host or Origin gets nothing', async () => {
  const users = await testApiUsers();
  const api = codecApi(users, false);
  const payload = await codecBody('{"phone":"13987654321"}');
  const decode = (headers: Record<string, string> = {}) => api.inject({ method: 'POST', url: '/codec/decode', remoteAddress: '127.0.0.1', headers: { origin: 'http://localhost:8233', ...headers }, payload });
  try {
    const anonymous = await decode();
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('13987654321');
    expect((await decode(users.headers('ops'))).statusCode).toBe(200);

    // Signing in as ops sets the codec's cookie: HttpOnly, SameSite=Strict, for /codec only; another role gets none.
    const signIn = (username: 'ops' | 't3-shpd') => api.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { username, password: users.credentials(username).password } });
    expect((await signIn('t3-shpd')).headers['set-cookie']).toBeUndefined();
    const cookie = String((await signIn('ops')).headers['set-cookie']);
    expect(cookie).toMatch(/^huifang_codec=hfs_[^;]+; Path=\/codec; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const withCookie = await decode({ cookie: `other=1; ${cookie.split(';')[0]}` });
    expect(withCookie.statusCode).toBe(200);
    expect(Buffer.from(withCookie.json().payloads[0].data, 'base64').toString()).toContain('13987654321');

    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 calls with its own Host.
    const rebound = await decode({ ...users.headers('ops'), host: 'evil.example:8080' });
    expect([rebound.statusCode, rebound.body.includes('13987654321')]).toEqual([421, false]);
    const foreign = await decode({ ...users.headers('ops'), origin: 'https://evil.example' });
    expect([foreign.statusCode, foreign.body.includes('13987654321')]).toEqual([403, false]);
  } finally {
    await api.close();
  }
});

test('from another machine the codec decrypts only for an ops token, and with loopback off not even locally', async () => {
  const users = await testApiUsers();
  const payload = await codecBody('{"phone":"13987654321"}');
  const decode = (api: ReturnType<typeof codecApi>, remoteAddress: string, headers: Record<string, string> = {}) =>
    api.inject({ method: 'POST', url: '/codec/decode', remoteAddress, headers, payload });

  const api = codecApi(users, true);
  const remote = '10.20.30.40';
  const anonymous = await decode(api, remote);
  expect(anonymous.statusCode).toBe(401);
  expect(anonymous.body).not.toContain('13987654321');
  const callCenter = await decode(api, remote, users.headers('cc-sh'));
  expect(callCenter.statusCode).toBe(403);
  expect(callCenter.json().message).toMatch(/is for ops/);
  const ops = await decode(api, remote, users.headers('ops'));
  expect(ops.statusCode).toBe(200);
  expect(Buffer.from(ops.json().payloads[0].data, 'base64').toString()).toContain('13987654321');
  // A token sent from this machine is checked like any other.
  expect((await decode(api, '127.0.0.1', { authorization: 'Bearer not-a-token' })).statusCode).toBe(401);
  await api.close();

  const locked = codecApi(users, false);
  expect((await decode(locked, '127.0.0.1')).statusCode).toBe(401);
  expect((await decode(locked, '127.0.0.1', users.headers('ops'))).statusCode).toBe(200);
  await locked.close();
});
