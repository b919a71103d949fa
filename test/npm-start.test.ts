/**
 * A smoke test of `npm start` as the README's Quick start describes it: package.json's prestart
 * (the staff pages' build), then its start command (scripts/start.ts), both read from package.json
 * and run as they are, the start command in its own process group like a command in a terminal, on
 * ports and folders of its own (free ports picked here, a temporary data folder). It says it is
 * ready; then every part it claims is up answers: the HTTP API, the staff pages, the Temporal
 * frontend, the Web UI, the worker's metrics; a contract posted with the issuance token it left in its owner-only credentials file
 * is assessed by the worker. Ctrl-C then stops everything: exit 0, every port closed, no process
 * left behind (the dev server runs in a process group of its own).
 *
 * The start command is run without npm around it: npm, interrupted, ends itself by SIGINT once its
 * script has ended (130 in a shell), which hides the exit code of huifang's own process. What npm
 * adds to a Ctrl-C, a second SIGINT forwarded to the script while it stops, is sent here too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { localDateOf, addCalendarDays } from '../domain/local-time';
import { writeTestConfigDir } from './helpers/test-calendar';
import { freePort } from '../bench/dev-server';

const ROOT = resolve(__dirname, '..');

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s${context()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A process's parent pid and state, from /proc (undefined once it is gone). */
function procStat(pid: number): { ppid: number; state: string; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { ppid: Number(ppid), state, comm: stat.slice(stat.indexOf('(') + 1, close) };
  } catch {
    return undefined;
  }
}

/** Every descendant of `root` alive now. */
function descendants(root: number): { pid: number; comm: string }[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map<number, { pid: number; comm: string }[]>();
  for (const pid of all) {
    const s = procStat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), { pid, comm: s.comm }]);
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c.pid);
    }
  };
  walk(root);
  return out;
}

const alive = (pid: number) => {
  const s = procStat(pid);
  return s !== undefined && s.state !== 'Z';
};

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ports: { temporal: number; ui: number; api: number; metrics: number };
}

const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** package.json's start command in its own process group, as a terminal runs it; resolves once it says it is ready. */
async function npmStart(dataDir: string, configDir: string): Promise<Started> {
  const picked = new Set<number>();
  const another = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (picked.has(port)) continue;
      picked.add(port);
      return port;
    }
  };
  const ports = { temporal: await another(), ui: await another(), api: await another(), metrics: await another(), postgres: await another() };
  // Nothing of the calling environment decides where it goes: a cluster address would start no dev server.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUIFANG_') && !k.startsWith('TEMPORAL_')));
  Object.assign(env, {
    HUIFANG_DEV_SERVER_PORT: String(ports.temporal),
    HUIFANG_DEV_UI_PORT: String(ports.ui),
    HUIFANG_DEV_SERVER_DB: join(dataDir, 'temporal.db'),
    HUIFANG_API_PORT: String(ports.api),
    HUIFANG_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
    HUIFANG_API_USERS: join(dataDir, 'api-users.json'),
    HUIFANG_PAYLOAD_KEYS_FILE: join(dataDir, 'payload-keys.json'),
    HUIFANG_RECORDINGS_DIR: join(dataDir, 'recordings'),
    HUIFANG_OUTPUT_DIR: join(dataDir, 'output'),
    // Its own embedded PostgreSQL, as on a fresh clone (the real path: no HUIFANG_DATABASE_URL).
    HUIFANG_EMBEDDED_PG_DIR: join(dataDir, 'postgres'),
    HUIFANG_EMBEDDED_PG_PORT: String(ports.postgres),
    HUIFANG_CONFIG_DIR: configDir,
    HUIFANG_DIALER_DELAY_MS: '200',
  });
  const [command, ...args] = SCRIPTS.start.split(' ');
  const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let ended = false;
  void exited.then(() => (ended = true));
  await until(
    'npm start never said it was ready',
    async () => (out.includes('Ctrl-C stops everything.') ? true : ended ? Promise.reject(new Error('exited')) : undefined),
    240_000,
    () => `; its output:\n${out}`,
  ).catch((err: Error) => {
    kill(child);
    throw ended ? new Error(`npm start ended before it was ready; its output:\n${out}`) : err;
  });
  return { child, output: () => out, exited, ports };
}

function kill(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone already
  }
}

let started: Started | undefined;
let devServerPid: number | undefined;
afterAll(() => {
  // On a failure: nothing left running (the dev server is in a process group of its own).
  if (started && started.child.exitCode === null) kill(started.child);
  if (devServerPid && alive(devServerPid)) process.kill(devServerPid, 'SIGKILL');
});

test('npm start brings up the API, the staff pages, Temporal and its Web UI and the worker; a posted contract is assessed; Ctrl-C stops it all', async () => {
  // What npm runs first: the staff pages' build.
  expect(SCRIPTS).toMatchObject({ prestart: 'npm run build:web', start: 'node --import tsx scripts/start.ts' });
  const prestart = spawnSync('npm', ['run', 'prestart'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect({ status: prestart.status, stderr: prestart.status === 0 ? '' : prestart.stderr }).toEqual({ status: 0, stderr: '' });
  const dataDir = mkdtempSync(join(tmpdir(), 'huifang-npm-start-'));
  // The shipped configuration on a synthetic calendar around the server's date (the dev server runs
  // on this machine's clock), today and tomorrow public holidays: whatever the date (a year with no
  // holiday file yet) and the hour, a new policy is assessed and waits for its first call.
  const now = new Date();
  const configDir = writeTestConfigDir(now);
  // A port taken between our pick and the program's bind (another job on the machine): start again on others.
  for (let attempt = 1; ; attempt++) {
    try {
      started = await npmStart(dataDir, configDir);
      break;
    } catch (err) {
      if (attempt >= 3 || !/address already in use|EADDRINUSE|is taken|bind/i.test(String(err))) throw err;
      console.warn(`npm start lost a port (attempt ${attempt}); starting again on other ports`);
    }
  }
  const { ports, output } = started;
  const out = output();
  const api = `http://127.0.0.1:${ports.api}`;

  // It says where everything is.
  expect(out).toContain(`[huifang] API        ${api}   `);
  expect(out).toContain(`[huifang] Pages      ${api}/app/   `);
  expect(out).toContain(`[huifang] Web UI     http://localhost:${ports.ui}   `);
  expect(out).toContain(`[huifang] metrics    http://127.0.0.1:${ports.metrics}/metrics   `);
  expect(out).toContain(`data in ${join(dataDir, 'temporal.db')}`);
  expect(out).toMatch(/\[huifang\] exemption list schedule 'huifang-exemption-list' created: every day at 08:00 Asia\/Shanghai/);
  expect(out).toMatch(/\[huifang\] namespace 'default' (now keeps closed workflow histories 30 days \(was [\d.]+\)|keeps closed workflow histories 30 days \(already so\))\n/);
  expect(out).toMatch(/\[huifang\] retention purge schedule 'huifang-retention-purge' created: every day at 02:30 Asia\/Shanghai/);
  // Piped, as here, the secrets are not in the output but in an owner-only file beside the users file.
  expect(out).not.toMatch(/password \S+|token hf[ms]_/);
  const credentialsFile = join(dataDir, 'demo-credentials.txt');
  expect(statSync(credentialsFile).mode & 0o777).toBe(0o600);
  const token = /^ {2}issuance\s+issuance ISSUANCE\s+token (hfm_\S+)$/m.exec(readFileSync(credentialsFile, 'utf8'))?.[1];
  expect(token).toBeDefined();

  // The HTTP API.
  const health = await fetch(`${api}/healthz`);
  expect(health.status).toBe(200);
  // Up, and nothing for ops to act on: the test calendar reaches well past warnDaysAhead, no callback waits for it.
  expect(await health.json()).toMatchObject({ ok: true, status: 'ok', problems: [], awaitingCalendar: 0 });
  // The staff pages, built by prestart, and the script they load.
  const page = await fetch(`${api}/app/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  const script = /<script[^>]+src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const asset = await fetch(`${api}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toContain('javascript');
  // The Temporal frontend, with huifang's search attributes registered.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}`, connectTimeout: '5s' });
  try {
    await connection.workflowService.getSystemInfo({});
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(['PolicyNo', 'CallbackStage']));
  } finally {
    await connection.close();
  }
  // The Web UI.
  const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
  expect(ui.status).toBe(200);
  expect(await ui.text()).toMatch(/<html/i);
  // The worker's metrics (Prometheus text), with its pollers' figures.
  const metrics = await until('the worker reported no metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    return /^temporal_\w+/m.test(text) ? text : undefined;
  }, 30_000);
  expect(metrics).toMatch(/task_queue="huifang-callbacks"/);

  // The README's example contract, posted with the issuance token from that file (dated from the server's
  // date), is assessed by the worker.
  const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'contract.json'), 'utf8')) as Record<string, unknown>;
  const today = localDateOf(now);
  const contract = { ...example, issuedOn: addCalendarDays(today, -4), receiptSignedOn: addCalendarDays(today, -2) };
  const auth = { authorization: `Bearer ${token}` };
  const posted = await fetch(`${api}/v1/contracts`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(contract) });
  expect(posted.status).toBe(200);
  expect(await posted.json()).toMatchObject({ workflowId: `callback-${example.policyNo}` });
  const assessed = await until(
    `${example.policyNo} was never assessed`,
    async () => {
      const state = (await (await fetch(`${api}/v1/callbacks/${example.policyNo}`, { headers: auth })).json()) as { stage: string; decision?: { required: boolean }; nextAttemptAt?: string };
      return state.stage !== 'ASSESSING' ? state : undefined;
    },
    60_000,
  );
  // Rule R1 (agency, 240 months) requires a callback; the first call after the two quiet days.
  expect(assessed).toMatchObject({ stage: 'AWAITING_CALL', decision: { required: true } });
  expect(localDateOf(new Date(assessed.nextAttemptAt!)) >= addCalendarDays(today, 2)).toBe(true);

  // Ctrl-C, as a terminal sends it: to the whole foreground process group; then again, as npm
  // forwards it, while huifang is stopping.
  const processes = descendants(started.child.pid!);
  devServerPid = processes.find((p) => p.comm === 'temporal')?.pid;
  expect(devServerPid).toBeDefined();
  const watched = [started.child.pid!, ...processes.map((p) => p.pid)];
  process.kill(-started.child.pid!, 'SIGINT');
  await until('huifang never said it was stopping', async () => (output().includes('[huifang] stopping…') ? true : undefined), 10_000);
  if (started.child.exitCode === null) process.kill(started.child.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    started.exited,
    new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(`npm start did not stop within 60 s; its output:\n${output()}`)), 60_000))),
  ]).finally(() => clearTimeout(timer));
  expect(exit).toEqual({ code: 0, signal: null });
  expect(output()).toMatch(/\[huifang\] stopping…\n(?:.*\n)*\[huifang\] stopped\n/);
  // Nothing left: not one of its processes (the dev server included), not one port.
  await until('a process of npm start outlived it', async () => (watched.filter(alive).length === 0 ? true : undefined), 30_000, () => `: ${watched.filter(alive).map((pid) => `${pid} ${procStat(pid)?.comm}`).join(', ')}`);
  for (const [name, port] of Object.entries(ports)) expect([name, await listening(port)]).toEqual([name, false]);
}, 420_000);
