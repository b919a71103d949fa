/**
 * `npm run probe`: the security probes of issue 16, run against a huifang API on this machine (the
 * one `npm start` brings up), as a careful attacker inside the insurer would try them. Each probe
 * says PASS or FAIL with what it saw; exit code 1 when one failed.
 *
 * Bounded and local: only a loopback API is probed (anything else is refused), every request has a
 * timeout, and the probes that lock or throttle use made-up usernames, unlocked again at the end.
 * They post a few fictional contracts (policy numbers PRB…) on the demo organisation.
 *
 *   npm run probe [-- --api http://127.0.0.1:8080] [--credentials data/demo-credentials.txt]
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { addCalendarDays, localDateOf } from '../domain/local-time';

const REQUEST_TIMEOUT_MS = 15_000;

interface Credential {
  username: string;
  password?: string;
  token?: string;
}

/** The demo users' secrets, as `npm start` leaves them (api/demo-users.ts writeDemoCredentials). */
export function readCredentials(path: string): Map<string, Credential> {
  const users = new Map<string, Credential>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const username = line.trim().split(/\s+/)[0];
    if (!username) continue;
    users.set(username, {
      username,
      password: /password (\S+)/.exec(line)?.[1],
      token: /token (\S+)/.exec(line)?.[1],
    });
  }
  return users;
}

/** Only this machine's API may be probed. */
export function loopbackUrl(raw: string): URL {
  const url = new URL(raw);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`--api must be a loopback address (127.0.0.1, localhost, [::1]), not ${url.hostname}`);
  return url;
}

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** Plain node:http rather than fetch: a probe must be able to send any Host and Origin it likes. */
class Api {
  constructor(private readonly base: URL) {}

  call(method: string, path: string, options: { token?: string; body?: unknown; raw?: Buffer | string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const started = performance.now();
    return new Promise((resolvePromise, reject) => {
      const req = request(new URL(path, this.base), { method, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // a page or a document: kept as text
          }
          const answerHeaders = new Map(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
          resolvePromise({ status: res.statusCode ?? 0, headers: answerHeaders, body: parsed, ms: Math.round(performance.now() - started) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}

export interface ProbeResult {
  point: string;
  name: string;
  ok: boolean;
  saw: string;
}

export type Probe = { point: string; name: string; run: (ctx: ProbeContext) => Promise<{ ok: boolean; saw: string }> };

export interface ProbeContext {
  api: Api;
  tokenOf(username: string): Promise<string>;
  /** A fresh fictional contract of the demo organisation, dated from today in Asia/Shanghai. */
  newContract(overrides?: Record<string, unknown>): Record<string, unknown>;
}

const expectStatus = (a: Answer, ...wanted: number[]) => ({ ok: wanted.includes(a.status), saw: `${a.status} in ${a.ms} ms${a.body?.message ? `: ${String(a.body.message).slice(0, 140)}` : ''}` });

/** A probe's own fictional policy, posted once and reused. */
let probePolicy: Record<string, unknown> | undefined;
async function aPolicy({ api, tokenOf, newContract }: ProbeContext): Promise<string> {
  if (!probePolicy) {
    probePolicy = newContract();
    const posted = await api.call('POST', '/v1/contracts', { token: await tokenOf('issuance'), body: probePolicy });
    if (posted.status !== 200) throw new Error(`posting a probe contract answered ${posted.status}`);
  }
  return probePolicy.policyNo as string;
}

const codecBody = { payloads: [{ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: Buffer.from('x').toString('base64') }] };

export const PROBES: Probe[] = [
  {
    point: '1',
    name: "a waiver citing another policy's statement, a transfer order or a folder is refused at once, naming statementRef",
    async run(ctx) {
      const policyNo = await aPolicy(ctx);
      const token = await ctx.tokenOf('a10086');
      const seen: string[] = [];
      let ok = true;
      for (const statementRef of ['statements/P202611250001/waiver.pdf', 'orders/T-1.html', 'orders']) {
        const a = await ctx.api.call('POST', `/v1/callbacks/${policyNo}/waiver`, { token, body: { statementRef } });
        ok &&= a.status >= 400 && a.status < 500 && a.ms < 5_000 && JSON.stringify(a.body).includes('statementRef');
        seen.push(`${statementRef}: ${a.status} in ${a.ms} ms`);
      }
      return { ok, saw: seen.join('; ') };
    },
  },
  {
    point: '2',
    name: 'guesses sent at once meet the sign-in limit together, before any hash; ops unlock',
    async run({ api, tokenOf }) {
      const ops = await tokenOf('ops');
      const username = `probe-nobody-${Date.now() % 100_000}`;
      const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => api.call('POST', '/v1/auth/sign-in', { body: { username, password: `guess-${i}` } })));
      const tried = burst.filter((a) => a.status === 401).length;
      const refused = burst.filter((a) => a.status === 429).length;
      const unlocked = await api.call('POST', '/v1/auth/unlock', { token: ops, body: { username } });
      return { ok: tried <= 5 && refused >= 25 && unlocked.status === 200, saw: `30 at once: ${tried} tried (401), ${refused} refused (429); unlock ${unlocked.status} (this address keeps ${tried} failures of its 20 for 15 min)` };
    },
  },
  {
    point: '3',
    name: 'the Web UI codec: no credential 401, a foreign Host 421, a foreign Origin 403',
    async run({ api, tokenOf }) {
      const ops = await tokenOf('ops');
      const bare = await api.call('POST', '/codec/decode', { body: codecBody });
      const rebound = await api.call('POST', '/codec/decode', { token: ops, body: codecBody, headers: { host: 'evil.example' } });
      const foreign = await api.call('POST', '/codec/decode', { token: ops, body: codecBody, headers: { origin: 'https://evil.example' } });
      const ok = bare.status === 401 && rebound.status === 421 && foreign.status === 403;
      return { ok, saw: `no credential ${bare.status}, Host evil.example ${rebound.status}, Origin evil.example ${foreign.status}` };
    },
  },
  {
    point: '4',
    name: 'a callback started in clear through the Temporal frontend never runs: its task fails saying why',
    async run({ newContract }) {
      const settings = temporalSettingsFromEnv();
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(settings.connection.address?.split(':')[0] ?? '')) return { ok: true, saw: `skipped: Temporal at ${settings.connection.address} is not on this machine` };
      const connection = await Connection.connect({ ...settings.connection, connectTimeout: '5s' });
      try {
        // A client without the payload codec: the input goes to the server in clear.
        const raw = new Client({ connection, namespace: settings.namespace });
        const contract = newContract();
        const handle = await raw.workflow.start('callbackWorkflow', { taskQueue: settings.taskQueue, workflowId: `callback-${contract.policyNo}`, args: [{ contract }] });
        let failure: string | undefined;
        for (let i = 0; i < 20 && !failure; i++) {
          await new Promise((r) => setTimeout(r, 500));
          const { events } = await handle.fetchHistory();
          failure = events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
        }
        await handle.terminate('probe: started in clear');
        return { ok: /unencrypted/.test(failure ?? ''), saw: failure ? `workflow task failed: ${failure.slice(0, 90)}…; terminated` : 'no task failure within 10 s' };
      } finally {
        await connection.close();
      }
    },
  },
  {
    point: '5',
    name: 'a policy posted again with another branch is a 409 naming the fields',
    async run(ctx) {
      const policyNo = await aPolicy(ctx);
      const token = await ctx.tokenOf('issuance');
      // The comparison is with the system of record, once the workflow has written it.
      let again: Answer | undefined;
      for (let i = 0; i < 20; i++) {
        again = await ctx.api.call('POST', '/v1/contracts', { token, body: { ...probePolicy, org: { branch: 'GD', centralSubBranch: 'GD-TH', tier4Office: 'GD-TH-01' } } });
        if (again.status === 409) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      return { ok: again!.status === 409 && /org\.branch/.test(again!.body?.message), saw: `${policyNo}: ${again!.status}: ${again!.body?.message ?? ''}` };
    },
  },
  {
    point: '6',
    name: "the API's own metrics, for ops, with no policy number in a label",
    async run({ api, tokenOf }) {
      const a = await api.call('GET', '/metrics', { token: await tokenOf('ops') });
      const text = String(a.body);
      const ok = a.status === 200 && /huifang_api_requests_total\{/.test(text) && !/P\d{6,}|PRB\d/.test(text);
      return { ok, saw: `${a.status}, ${text.split('\n').filter((l) => l.startsWith('huifang_api_requests_total')).length} request series` };
    },
  },
  {
    point: '7',
    name: 'documents: HTML named .png refused by content; a second upload of a name is a new version',
    async run(ctx) {
      const policyNo = await aPolicy(ctx);
      const token = await ctx.tokenOf('a10086');
      const html = await ctx.api.call('PUT', `/v1/documents/statements/${policyNo}/scan.png`, { token, raw: '<html><script>alert(1)</script></html>', contentType: 'image/png' });
      const first = await ctx.api.call('PUT', `/v1/documents/statements/${policyNo}/probe.pdf`, { token, raw: Buffer.from('%PDF-1.4 probe one'), contentType: 'application/pdf' });
      const second = await ctx.api.call('PUT', `/v1/documents/statements/${policyNo}/probe.pdf`, { token, raw: Buffer.from('%PDF-1.4 probe two'), contentType: 'application/pdf' });
      const ok = html.status === 415 && first.status === 201 && second.status === 201 && second.body.reference !== first.body.reference;
      return { ok, saw: `HTML as .png ${html.status}; uploads ${first.body?.reference ?? first.status} then ${second.body?.reference ?? second.status}` };
    },
  },
  {
    point: '8',
    name: 'a policyholder read is logged (who, what, when, request id) and ops can see it',
    async run(ctx) {
      const policyNo = await aPolicy(ctx);
      // The call center reads once the callback is recorded and waiting for its call.
      let read: Answer | undefined;
      for (let i = 0; i < 20; i++) {
        read = await ctx.api.call('GET', `/v1/callbacks/${policyNo}/policyholder`, { token: await ctx.tokenOf('cc-sh') });
        if (read.status === 200 || read.status === 403) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const log = await ctx.api.call('GET', `/v1/audit/personal-data-reads?policyNo=${policyNo}`, { token: await ctx.tokenOf('ops') });
      const logged = log.body?.reads?.[0];
      const ok = log.status === 200 && logged?.username === 'cc-sh' && logged?.requestId === read!.headers.get('x-request-id');
      return { ok, saw: `read ${read!.status}; log ${log.status}: ${logged ? `${logged.outcome} to ${logged.username} at ${logged.at}` : 'nothing'}` };
    },
  },
  {
    point: '9',
    name: 'a valid session token with junk appended is refused',
    async run({ api, tokenOf }) {
      const token = await tokenOf('cc-sh');
      return expectStatus(await api.call('GET', '/v1/auth/me', { token: `${token}x` }), 401);
    },
  },
  {
    point: '9',
    name: 'a __proto__ key is named as such, not "not valid JSON"',
    async run({ api, tokenOf }) {
      const a = await api.call('POST', '/v1/contracts', { token: await tokenOf('issuance'), raw: '{"__proto__": {"admin": true}}', contentType: 'application/json' });
      return { ok: a.status === 400 && a.body?.fields?.[0]?.field === '__proto__', saw: `${a.status} ${JSON.stringify(a.body?.fields ?? a.body)}` };
    },
  },
  {
    point: '9',
    name: "another branch's policy and a missing one answer alike (status, words, time)",
    async run(ctx) {
      // A policy of another agent, which a10086 may not see, and one that does not exist.
      const foreign = ctx.newContract({ agent: { code: 'A99999', name: '测试代理乙', phone: '13800000002' } });
      const posted = await ctx.api.call('POST', '/v1/contracts', { token: await ctx.tokenOf('issuance'), body: foreign });
      if (posted.status !== 200) return { ok: false, saw: `posting another agent's policy answered ${posted.status}` };
      const token = await ctx.tokenOf('a10086');
      const other = await ctx.api.call('GET', `/v1/callbacks/${foreign.policyNo}`, { token });
      const missing = await ctx.api.call('GET', `/v1/callbacks/${foreign.policyNo}X`, { token });
      const ok = other.status === 404 && missing.status === 404 && Math.abs(other.ms - missing.ms) < 100;
      return { ok, saw: `other ${other.status} in ${other.ms} ms; missing ${missing.status} in ${missing.ms} ms` };
    },
  },
  {
    point: '9',
    name: 'every answer carries the security headers and a request id',
    async run({ api }) {
      const a = await api.call('GET', '/healthz');
      const missing = ['x-content-type-options', 'x-frame-options', 'content-security-policy', 'x-request-id'].filter((h) => !a.headers.get(h));
      return { ok: missing.length === 0, saw: missing.length ? `missing ${missing.join(', ')}` : 'all there' };
    },
  },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { api: { type: 'string', default: 'http://127.0.0.1:8080' }, credentials: { type: 'string', default: 'data/demo-credentials.txt' } },
  });
  const api = new Api(loopbackUrl(values.api!));
  const credentials = readCredentials(resolve(values.credentials!));
  const tokens = new Map<string, string>();
  const tokenOf = async (username: string): Promise<string> => {
    const known = tokens.get(username);
    if (known) return known;
    const c = credentials.get(username);
    if (!c) throw new Error(`no demo user ${username} in ${values.credentials}`);
    let token = c.token;
    if (!token) {
      const signed = await api.call('POST', '/v1/auth/sign-in', { body: { username, password: c.password } });
      if (signed.status !== 200) throw new Error(`${username} could not sign in: ${signed.status}`);
      token = signed.body.token as string;
    }
    tokens.set(username, token);
    return token;
  };
  let seq = 0;
  const stamp = Date.now().toString().slice(-8);
  const today = localDateOf(new Date(), 'Asia/Shanghai');
  const newContract = (overrides: Record<string, unknown> = {}) => ({
    policyNo: `PRB${stamp}${String(++seq).padStart(3, '0')}`,
    channel: 'agency',
    productCode: 'WL20',
    productType: 'traditional',
    termMonths: 240,
    premium: { amount: 12000, currency: 'CNY', mode: 'annual' },
    issuedOn: addCalendarDays(today, -3),
    receiptSignedOn: addCalendarDays(today, -1),
    regionCode: '310000',
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agent: { code: 'A10086', name: '测试代理', phone: '13800000001' },
    policyholder: { name: '测试投保', phone: '13900000009', idNumber: '310101199001011234' },
    ...overrides,
  });

  const results: ProbeResult[] = [];
  for (const probe of PROBES) {
    let outcome: { ok: boolean; saw: string };
    try {
      outcome = await probe.run({ api, tokenOf, newContract });
    } catch (err) {
      outcome = { ok: false, saw: `error: ${(err as Error).message}` };
    }
    results.push({ point: probe.point, name: probe.name, ...outcome });
    console.log(`${outcome.ok ? 'PASS' : 'FAIL'}  [${probe.point.padStart(2)}] ${probe.name}\n        ${outcome.saw}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`probe: ${(err as Error).message}`);
    process.exitCode = 2;
  });
}
