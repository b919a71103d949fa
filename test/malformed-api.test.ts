/**
 * Fault test: well over a thousand malformed bodies against the running API over real HTTP (missing
 * fields, wrong types, bad JSON, oversize bodies, arrays of garbage, wrong content types). Every answer
 * is a 4xx, or for a batch a 200 that rejects every row; nothing reaches Temporal (the visibility
 * count stays where it was); and the service is still up afterwards: healthz answers and a valid
 * contract is accepted.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { contractSchema } from '../domain/contract';
import type { TestApiUsers, TestUsername } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import type { TestHarness } from './helpers/temporal-env';

let harness: ApiHarness;
let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let base: string;
let users: TestApiUsers;

beforeAll(async () => {
  harness = await startApiHarness();
  ({ env, h, users, api } = harness);
  await api.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await harness?.close();
});

/** Each route's own caller, so a malformed body gets past the role check and is judged on its content. */
function callerOf(path: string): TestUsername {
  if (path.startsWith('/v1/contracts')) return 'issuance';
  if (path.startsWith('/v1/tickets')) return 't3-shpd';
  return 'cc-sh';
}

/** The one place requests are built. */
function send(path: string, body: string | Buffer | undefined, contentType: string | null = 'application/json', method = 'POST') {
  const headers: Record<string, string> = { ...users.headers(callerOf(path)) };
  if (contentType) headers['content-type'] = contentType;
  return fetch(`${base}${path}`, { method, headers, body });
}

const json = (v: unknown) => JSON.stringify(v);
const WRONG = [null, 0, -1, 1.5, 1e308, true, '', ' ', 'x'.repeat(5000), [], [1], {}, { a: 1 }, '2026-13-45', '<script>'];

/** Every field path of an object, dotted (`org.branch`). */
function paths(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? [`${prefix}${k}`, ...paths(v as Record<string, unknown>, `${prefix}${k}.`)] : [`${prefix}${k}`],
  );
}

function withField(o: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(o) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) {
    if (!at[k] || typeof at[k] !== 'object') at[k] = {}; // an earlier mutation replaced the parent
    at = at[k] as Record<string, unknown>;
  }
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
}

function parsesAsContract(body: string): boolean {
  try {
    return contractSchema.safeParse(JSON.parse(body)).success;
  } catch {
    return false;
  }
}

interface Probe {
  path: string;
  body: string | Buffer | undefined;
  /** null: no content-type header at all. */
  contentType?: string | null;
  /** A JSON array to /v1/contracts is a batch: answered row by row (200, every row rejected) when it parses. */
  batch?: boolean;
}

function probes(): Probe[] {
  const valid = aContract();
  const out: Probe[] = [];
  const contract = (body: string | Buffer | undefined, contentType?: string) => {
    // A mutation can still be a valid contract (an optional field left out, a value that fits): those are not garbage.
    if (contentType === undefined && typeof body === 'string' && parsesAsContract(body)) return;
    out.push({ path: '/v1/contracts', body, contentType });
  };
  // Missing fields, and every field with every wrong type.
  for (const p of paths(valid)) {
    contract(json(withField(valid, p, undefined)));
    for (const w of WRONG) contract(json(withField(valid, p, w)));
  }
  // Two fields wrong at once.
  const all = paths(valid);
  for (let i = 0; i < 500; i++) {
    const first = withField(valid, all[i % all.length], WRONG[i % WRONG.length]);
    contract(json(withField(first, all[(i * 7 + 3) % all.length], WRONG[(i * 5 + 1) % WRONG.length])));
  }
  contract(json({ ...valid, unexpected: 'field' }));
  contract(json({ ...valid, policyholder: { ...valid.policyholder, idNumber: '310101199001011235' } }));
  contract(json({ ...valid, receiptSignedOn: '2026-11-01' }));
  // Not JSON at all, or not quite.
  for (const bad of ['', '{', '}', '{"policyNo":', json(valid).slice(0, -1), `${json(valid)},`, `${json(valid)}}`, "{'policyNo':'P1'}", 'null', 'true', '42', '"a string"', 'NaN', '\u0000\u0001\u0002', '\uFEFF{"a":1', '{"a":1}{"b":2}', 'undefined']) {
    contract(bad);
  }
  for (let i = 0; i < 100; i++) contract(Buffer.from(Array.from({ length: 64 + i }, (_, j) => (i * 31 + j * 17) % 256)));
  // Wrong content types, with a valid contract inside.
  for (const ct of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'image/png']) {
    out.push({ path: '/v1/contracts', body: json(valid), contentType: ct });
  }
  // No content type at all (a Buffer body, so fetch adds none either).
  out.push({ path: '/v1/contracts', body: Buffer.from(json(valid)), contentType: null });
  // Oversize: past the 5 MiB body limit.
  contract(json({ ...valid, policyholder: { ...valid.policyholder, name: 'x'.repeat(6 * 1024 * 1024) } }));
  contract(`[${Array.from({ length: 1001 }, () => json(valid)).join(',')}]`);
  // Arrays of garbage: batches, answered row by row.
  out.push({ path: '/v1/contracts', body: '[]' });
  for (const rows of [[1, 2, 3], [null], [{}], [[]], WRONG, Array.from({ length: 50 }, (_, i) => withField(valid, paths(valid)[i % 20], null))]) {
    out.push({ path: '/v1/contracts', body: json(rows), batch: true });
  }
  // The other routes that take a body, on a policy and a ticket that do not exist.
  const others = [
    '/v1/callbacks/P2026000001/attempts/P2026000001-1/outcome',
    '/v1/callbacks/P2026000001/recording',
    '/v1/callbacks/P2026000001/fallback-receipt',
    '/v1/callbacks/P2026000001/branch-decision',
    '/v1/tickets/P2026000001-T1/steps',
  ];
  for (const path of others) {
    const junk = [json({ outcome: 'completed' }), json({ step: 'dispatch' }), json({ reason: '' }), json({ reason: 42 }), json({ answers: { q: 'maybe' } }), json({ receiptRef: 'x' })];
    for (const body of ['', '{', 'null', '[]', '[1]', json({}), ...junk, ...WRONG.map(json)]) out.push({ path, body });
    out.push({ path, body: json({ a: 1 }), contentType: 'text/plain' });
  }
  for (const path of ['/v1/callbacks/..%2F..%2Fetc/recording', '/v1/callbacks/%00/attempts/x/outcome', `/v1/callbacks/${'P'.repeat(300)}/recording`]) {
    out.push({ path, body: json({ reference: 'r', checksum: 'x', uploadedBy: 'u' }) });
  }
  return out;
}

async function countAll(): Promise<number> {
  return (await env.client.workflow.count()).count;
}

test('1,000+ malformed bodies: only 4xx answers, no workflow started, and the service stays up', async () => {
  const before = await countAll();
  const all = probes();
  expect(all.length).toBeGreaterThan(1000);

  const statuses = new Map<number, number>();
  const unexpected: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < all.length) {
        const probe = all[next++];
        const res = await send(probe.path, probe.body, probe.contentType);
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const rejectedBatch = probe.batch && res.status === 200 && (JSON.parse(text) as { accepted: number }).accepted === 0;
        if (!(res.status >= 400 && res.status < 500) && !rejectedBatch) unexpected.push(`${res.status} ${probe.path} [${probe.contentType}] ${String(probe.body).slice(0, 80)}: ${text.slice(0, 200)}`);
      }
    }),
  );
  expect(unexpected).toEqual([]);
  expect([...statuses.keys()].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
  expect(statuses.get(400)).toBeGreaterThan(900);
  expect(statuses.get(413)).toBeGreaterThanOrEqual(1);
  expect(statuses.get(415)).toBeGreaterThanOrEqual(1);

  // Still up: healthz answers, and a valid contract is accepted and started.
  const health = await send('/healthz', undefined, null, 'GET');
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ ok: true });
  // Visibility lags a little: nothing started by the garbage shows up before the valid one either.
  await new Promise((r) => setTimeout(r, 1000));
  expect(await countAll()).toBe(before);
  const good = aContract();
  const accepted = await send('/v1/contracts', json(good));
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toMatchObject({ policyNo: good.policyNo, workflowId: `callback-${good.policyNo}` });
  for (let i = 0; i < 40 && (await countAll()) === before; i++) await new Promise((r) => setTimeout(r, 250));
  expect(await countAll()).toBe(before + 1);
});
