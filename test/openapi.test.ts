/**
 * The OpenAPI document lists every route the app serves, each with its roles and the schemas the
 * route checks requests with: a body the document calls invalid, the API refuses, and the other way
 * round. Checked with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1), the validator Fastify
 * itself ships with.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import Ajv2020 from 'ajv/dist/2020';
import type { FastifyInstance } from 'fastify';
import { LocalFolderDocumentStore } from '../stores/document-store';
import { reasonLabelsOf } from '../documents/format';
import { EvidenceStore } from '../stores/evidence-store';
import { openDatabase } from '../stores/database/database';
import { buildApi } from '../api/server';
import { EncryptionCodec } from '../client/encryption-codec';
import { HuifangClient } from '../client/huifang-client';
import { generateKeyring } from '../client/payload-keys';
import { loadSettings } from '../config/settings';
import { testApiUsers, type TestApiUsers } from './helpers/api-users';
import { aContract } from './helpers/contracts';

type Operation = { 'x-roles': string[]; 'x-undocumented'?: boolean; security: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> };
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let api: FastifyInstance;
let users: TestApiUsers;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

beforeAll(async () => {
  users = await testApiUsers();
  // Every optional part switched on (codec, documents, the projection's routes), so every route is served. No request here
  // reaches Temporal: the client's connection is lazy and never opened.
  api = buildApi({
    huifang: new HuifangClient(new Client(), 'openapi-test'),
    auth: users.auth,
    reasonLabels: reasonLabelsOf(loadSettings().transferReasons),
    documents: new LocalFolderDocumentStore('/nonexistent'),
    codec: { codec: new EncryptionCodec(generateKeyring()), allowedOrigins: [], tokenlessFromLoopback: true },
    // A pool that never connects: no request here reads the database either.
    compliance: { evidence: new EvidenceStore(openDatabase('postgres://nobody@127.0.0.1:1/none'), { keys: generateKeyring(), timeZone: 'Asia/Shanghai', keptUntil: () => '2036-01-01' }), timeZone: 'Asia/Shanghai', maxShare: 0.15 },
  });
  await api.ready();
  const res = await api.inject({ method: 'GET', url: '/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  ajv.addSchema(doc, 'openapi');
});
afterAll(async () => {
  await api?.close();
});

/** The routes Fastify serves, read back from its own route tree (`printRoutes`), HEAD twins left out. */
function servedRoutes(app: FastifyInstance): string[] {
  const served: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) served.push(`${method} ${stack.join('').replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}')}`);
  }
  return served.sort();
}

const validator = (pointer: string) => ajv.getSchema(`openapi#${pointer}`) ?? ajv.compile({ $ref: `openapi#${pointer}` });
const bodyOf = (path: string, method: string) => validator(`/paths/${path.replaceAll('/', '~1')}/${method}/requestBody/content/application~1json/schema`);
const component = (name: string) => validator(`/components/schemas/${name}`);

test('the document lists every route the app serves, and nothing else', () => {
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
  expect(documented).toEqual(servedRoutes(api));
  expect(documented.length).toBeGreaterThanOrEqual(20);
  expect(doc.openapi).toBe('3.1.0');
});

test('each operation carries its roles, its security, its path parameters and its error bodies', () => {
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method} ${path}`;
      // Only the Web UI's codec, whose protocol is Temporal's (codec-routes.ts), is listed without schemas;
      // any other route must be registered through ApiRoutes.add (api/route.ts) to be documented.
      expect({ where, undocumented: op['x-undocumented'] ?? false }).toEqual({ where, undocumented: path.startsWith('/codec/') });
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect({ where, params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name) }).toEqual({ where, params: pathParams });
      // The codec's CORS preflight is public; its decode and encode are for ops (or tokenless from this machine).
      const isPublic = path === '/healthz' || (path.startsWith('/codec/') && method === 'options') || ['/v1/openapi.json', '/v1/docs', '/v1/auth/sign-in'].includes(path);
      expect({ where, security: op.security }).toEqual({ where, security: isPublic ? [] : [{ bearer: [] }] });
      if (!isPublic) expect({ where, roles: op['x-roles'].length > 0, r401: '401' in op.responses, r403: '403' in op.responses }).toEqual({ where, roles: true, r401: true, r403: true });
      if (!op['x-undocumented']) expect({ where, r400: '400' in op.responses }).toEqual({ where, r400: true });
      if (op.requestBody) expect({ where, r413: '413' in op.responses, r415: '415' in op.responses }).toEqual({ where, r413: true, r415: true });
    }
  }
  expect(doc.paths['/v1/tickets/{ticketId}/steps'].post['x-roles']).toEqual(['tier3', 'tier4', 'agent']);
  expect(doc.paths['/v1/contracts'].post['x-roles']).toEqual(['issuance', 'ops']);
});

test("the document's schemas are the ones the routes check with: what one refuses, so does the other", async () => {
  const contractBody = bodyOf('/v1/contracts', 'post');
  const example = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'contract.json'), 'utf8'));
  expect(contractBody(example)).toBe(true);
  expect(contractBody([example, aContract()])).toBe(true);
  for (const bad of [{ ...example, channel: 'broker' }, { ...example, discount: 5 }, { ...example, premium: { ...example.premium, amount: 0 } }]) {
    expect(contractBody(bad)).toBe(false);
    const res = await api.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('issuance'), payload: bad });
    expect(res.statusCode).toBe(400);
  }
  const stepBody = bodyOf('/v1/tickets/{ticketId}/steps', 'post');
  expect(stepBody({ step: 'dispatch' })).toBe(true);
  expect(stepBody({ step: 'reply', actionTaken: 'called the customer', actor: { role: 'agent', id: 'A10086' } })).toBe(true);
  expect(stepBody({ step: 'fly' })).toBe(false);
  expect(stepBody({ step: 'dispatch', colour: 'red' })).toBe(false);
  const refused = await api.inject({ method: 'POST', url: '/v1/tickets/P20260001-T1/steps', headers: users.headers('t3-shpd'), payload: { step: 'dispatch', colour: 'red' } });
  expect(refused.json()).toEqual({ error: 'invalid request: colour', fields: [{ field: 'colour', message: 'unknown field' }] });
});

test('the receipt, the branch decision and the callback list are documented as they are checked', async () => {
  const receiptBody = bodyOf('/v1/callbacks/{policyNo}/fallback-receipt', 'post');
  const receipt = { receiptRef: 'receipts/P20260001/r.pdf', signedBy: 'policyholder', signedAt: '2026-12-01T02:00:00Z', answers: { 'contract-received': 'yes' } };
  expect(receiptBody(receipt)).toBe(true);
  expect(receiptBody({ ...receipt, reportedProblems: ['contract-not-received'] })).toBe(true);
  const { answers: _, ...withoutAnswers } = receipt;
  for (const bad of [withoutAnswers, { ...receipt, answers: { 'contract-received': 'maybe' } }, { ...receipt, reportedProblems: ['nope'] }]) {
    expect(receiptBody(bad)).toBe(false);
    const res = await api.inject({ method: 'POST', url: '/v1/callbacks/P20260001/fallback-receipt', headers: users.headers('cc-sh'), payload: bad });
    expect(res.statusCode).toBe(400);
  }
  const receiptOp = doc.paths['/v1/callbacks/{policyNo}/fallback-receipt'].post as Operation & { description: string };
  expect(receiptOp.description).toContain('`answers` (required)');

  const decisionBody = bodyOf('/v1/callbacks/{policyNo}/branch-decision', 'post');
  expect(decisionBody({ reason: '已核实，结案' })).toBe(true);
  expect(decisionBody({ reason: '已核实，结案', actor: { role: 'branch', id: 'CC-ZHANG', office: 'SH' } })).toBe(true);
  for (const bad of [{}, { reason: '' }, { reason: '结案', closed: true }]) {
    expect(decisionBody(bad)).toBe(false);
    const res = await api.inject({ method: 'POST', url: '/v1/callbacks/P20260001/branch-decision', headers: users.headers('cc-sh'), payload: bad });
    expect(res.statusCode).toBe(400);
  }
  const decision = doc.paths['/v1/callbacks/{policyNo}/branch-decision'].post;
  expect(decision['x-roles']).toEqual(['call-center']);
  expect(Object.keys(decision.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '415', '503']);

  const list = doc.paths['/v1/callbacks'].get;
  expect(list.parameters!.map((p) => p.name).sort()).toEqual(['agentCode', 'branch', 'centralSubBranch', 'limit', 'run', 'stage', 'tier4Office']);
  const bad = await api.inject({ method: 'GET', url: '/v1/callbacks?stage=LOST&run=PAUSED', headers: users.headers('cc-sh') });
  expect(bad.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['run', 'stage']);

  // The state's answer carries its run: a terminated one says so beside its last stage.
  const view = component('CallbackView');
  const state = { policyNo: 'P20260001', stage: 'AWAITING_CALL', attempts: [], stageHistory: [{ stage: 'AWAITING_CALL', at: '2026-12-01T02:00:00Z' }] };
  expect(view({ ...state, run: { status: 'TERMINATED', closedAt: '2026-12-02T02:00:00Z', reason: 'entered twice' } })).toBe(true);
  expect(view(state)).toBe(false);
  expect(view({ ...state, run: { status: 'GONE' } })).toBe(false);
});

test("the API's answers have the documented shapes: errors, sign-in, who-am-I", async () => {
  const fieldErrors = component('FieldErrors');
  const error = component('Error');
  const bad = await api.inject({ method: 'GET', url: '/v1/tickets?overdue=maybe&colour=red', headers: users.headers('ops') });
  expect(bad.statusCode).toBe(400);
  expect(fieldErrors(bad.json())).toBe(true);
  expect(bad.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['colour', 'overdue']);
  for (const res of [
    await api.inject({ method: 'GET', url: '/v1/tickets' }),
    await api.inject({ method: 'POST', url: '/v1/contracts', headers: users.headers('a10086'), payload: {} }),
    await api.inject({ method: 'GET', url: '/v1/nothing-here', headers: users.headers('ops') }),
  ]) {
    expect(error(res.json())).toBe(true);
  }
  const signIn = await api.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { username: 'a10086', password: users.credentials('a10086').password } });
  expect(component('SignedIn')(signIn.json())).toBe(true);
  const me = await api.inject({ method: 'GET', url: '/v1/auth/me', headers: { authorization: `Bearer ${signIn.json().token}` } });
  expect(component('WhoAmI')(me.json())).toBe(true);
});

test('the docs page lists every operation with its roles', async () => {
  const page = await api.inject({ method: 'GET', url: '/v1/docs' });
  expect(page.headers['content-type']).toMatch(/text\/html/);
  const rows = page.body.match(/<tr><td>/g) ?? [];
  expect(rows.length).toBe(servedRoutes(api).length);
  expect(page.body).toContain('<code>/v1/tickets/{ticketId}/steps</code>');
});

test("the document lints clean with Redocly's recommended rules: no error, no warning", async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'huifang-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(doc));
  const bin = join(__dirname, '..', 'node_modules', '.bin', 'redocly');
  // Offline: no telemetry, no update check; the built-in recommended ruleset (no config file).
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };
  const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(bin, ['lint', file, '--format=json', '--extends=recommended'], { env, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );
  const report = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
  expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  expect([report.totals, out.code]).toEqual([{ errors: 0, warnings: 0, ignored: 0 }, 0]);
}, 150_000);
