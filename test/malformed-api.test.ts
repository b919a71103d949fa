/**
 * Fault test: well over a thousand malformed bodies against the running API over real HTTP (missing
 * fields, wrong types, bad JSON, oversize bodies, arrays of garbage, wrong content types). Every answer
 * is a 4xx, or for a batch a 200 that rejects every row; nothing reaches Temporal (no workflow with
 * the id a body's policy number would give exists, and once the valid contract sent afterwards is
 * visible, the visibility count is the one from before plus that one); and the service is still up
 * afterwards: healthz answers and a valid contract is accepted.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { contractSchema } from '../domain/contract';
import { callbackWorkflowId } from '../workflows/messages';
import type { TestApiUsers, TestUsername } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import { eventually } from './helpers/eventually';
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

function probes(valid = aContract()): Probe[] {
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

/** The callback workflow ids the contract probes would have started, from every policyNo they carry. */
function wouldBeWorkflowIds(all: Probe[]): string[] {
  const ids = new Set<string>();
  for (const probe of all.filter((p) => p.path === '/v1/contracts' && p.body !== undefined)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(probe.body!.toString());
    } catch {
      continue; // not JSON: no policy number in it
    }
    for (const row of Array.isArray(parsed) ? parsed : [parsed]) {
      const policyNo = (row as { policyNo?: unknown } | null)?.policyNo;
      if (typeof policyNo === 'string' && policyNo.trim() !== '' && policyNo.length <= 200) ids.add(callbackWorkflowId(policyNo));
    }
  }
  return [...ids];
}

/** Whether a workflow with this id exists on the server (describe reads the server's own record: no lag). */
async function exists(workflowId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

test('1,000+ malformed bodies: only 4xx answers, no workflow started, and the service stays up', async () => {
  const before = await countAll();
  const valid = aContract();
  const all = probes(valid);
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
  const good = aContract();
  const accepted = await send('/v1/contracts', json(good));
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toMatchObject({ policyNo: good.policyNo, workflowId: callbackWorkflowId(good.policyNo) });

  // Nothing started by the garbage. First by id, from the server's own records (no visibility lag):
  // none of the workflows the bodies' policy numbers would have started exists; the valid one does.
  const ids = wouldBeWorkflowIds(all);
  expect(ids).toContain(callbackWorkflowId(valid.policyNo)); // most bodies are that contract, spoilt
  expect(ids).not.toContain(callbackWorkflowId(good.policyNo));
  const started: string[] = [];
  for (const id of ids) if (await exists(id)) started.push(id);
  expect(started).toEqual([]);
  expect(await exists(callbackWorkflowId(good.policyNo))).toBe(true);
  // Then in all, whatever ids: the valid contract, sent after the garbage, is the marker. Once visibility
  // shows it, the count is the one from before plus that one.
  await eventually('the valid contract visible', async () => ((await env.client.workflow.count(`WorkflowId = "${callbackWorkflowId(good.policyNo)}"`)).count === 1 ? true : undefined));
  expect(await countAll()).toBe(before + 1);
});
