/**
 * Observability of the worker as `npm run worker` runs it (a real process on the dev server): its
 * Prometheus endpoint serves the SDK's temporal_* metrics, and its output is JSON lines carrying the
 * policy and ticket ids, with no personal data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../bench/dev-server';
import { idsOfWorkflow, jsonLogLine, telemetryFromEnv } from '../workers/telemetry';
import { aContract } from './helpers/contracts';
import { writeTestConfigDir } from './helpers/test-calendar';
import { eventually as poll } from './helpers/eventually';
import type { PayloadKeyring } from '../client/encryption-codec';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';

const ROOT = resolve(__dirname, '..');
let env: TestWorkflowEnvironment;
let h: TestHarness;
let worker: ChildProcess | undefined;
let output = '';

const eventually = <T>(what: string, fn: () => Promise<T | undefined>) => poll(what, fn, 30_000, () => `; worker output:\n${output.slice(-3000)}`);

let metricsUrl: string;
let metricsAddress: string;
let keyringOfWorker: PayloadKeyring;
let configDir: string;

/**
 * Starts the worker on a free metrics port. A port found free can be taken by another process
 * before the worker binds it: the worker then stops at once saying so, and we try another port.
 */
async function spawnWorkerOnFreePort(keyring: PayloadKeyring): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    metricsAddress = `127.0.0.1:${port}`;
    metricsUrl = `http://${metricsAddress}/metrics`;
    output = '';
    const child = spawnWorker(keyring, metricsAddress, mkdtempSync(join(tmpdir(), 'huifang-observability-')), configDir);
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<'exited'>((r) => child.once('exit', () => r('exited')));
    const polling = poll('the worker polling', async () => (output.includes('worker polling task queue') ? ('polling' as const) : undefined), 60_000, () => `; worker output:\n${output.slice(-3000)}`);
    const first = await Promise.race([exited, polling]);
    if (first === 'polling') {
      worker = child;
      return;
    }
    if (attempt >= 3 || !output.includes('is taken')) throw new Error(`the worker stopped at start:\n${output.slice(-3000)}`);
  }
}

/** `npm run worker` as a process: workers/main.ts with its settings from the environment. */
function spawnWorker(keyring: PayloadKeyring, metrics: string, data: string, configDir: string): ChildProcess {
  return spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['workers/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      HUIFANG_TASK_QUEUE: h.taskQueue,
      HUIFANG_PAYLOAD_KEYS: [...keyring.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(','),
      HUIFANG_PAYLOAD_KEY_ID: keyring.currentKeyId,
      HUIFANG_METRICS_ADDRESS: metrics,
      HUIFANG_CALL_CENTER: 'staff',
      HUIFANG_CONFIG_DIR: configDir,
      HUIFANG_RECORDINGS_DIR: join(data, 'recordings'),
      HUIFANG_OUTPUT_DIR: join(data, 'output'),
      HUIFANG_DATABASE_URL: h.database.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
  keyringOfWorker = keyring;
  // The worker process reads its configuration from files: the harness's test settings, written out.
  configDir = writeTestConfigDir(new Date(await env.currentTimeMs()));
  await spawnWorkerOnFreePort(keyring);
}, 60_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await stopServer(env);
});

test('the worker serves temporal_* metrics in Prometheus format and logs JSON lines with the policy number', async () => {
  const contract = aContract();
  await h.huifang.startCallback(contract);
  // The worker process answers the query once the first task has run: the callback is waiting for its first call.
  await eventually('the callback never reached AWAITING_CALL', async () => {
    const state = await h.huifang.getCallbackState(contract.policyNo);
    return state.stage === 'AWAITING_CALL' ? state : undefined;
  });

  const text = await eventually('no metrics for the task queue', async () => {
    const res = await fetch(metricsUrl);
    const body = await res.text();
    return res.ok && body.includes(`task_queue="${h.taskQueue}"`) && /^temporal_workflow_completed|^temporal_workflow_task_execution_latency/m.test(body) ? body : undefined;
  });
  expect(text).toMatch(/^# TYPE temporal_\w+ (counter|histogram|gauge)$/m);
  // Counters of this worker's own polls and tasks, labelled with its namespace and task queue.
  const polls = text.split('\n').filter((l) => l.startsWith('temporal_workflow_task_queue_poll_succeed') && l.includes(`task_queue="${h.taskQueue}"`));
  expect(polls.length).toBeGreaterThan(0);
  expect(Number(polls[0].split(' ').at(-1))).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
  expect(text).toMatch(/^temporal_request\{/m);
  console.log(`metrics sample:\n${text.split('\n').filter((l) => /^temporal_(workflow_task_queue_poll_succeed|workflow_completed|request|workflow_task_execution_latency_bucket)\{/.test(l)).slice(0, 6).join('\n')}`);

  // Output: JSON lines only, and the workflow's stage log carries the policy number.
  const lines = await eventually('no stage log line', async () => {
    const parsed = output.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    return parsed.some((l) => l.message === `callback ${contract.policyNo} stage AWAITING_CALL`) ? parsed : undefined;
  });
  const stageLine = lines.find((l) => l.message === `callback ${contract.policyNo} stage AWAITING_CALL`)!;
  console.log(`log line: ${JSON.stringify(stageLine)}`);
  expect(stageLine).toMatchObject({ level: 'INFO', policyNo: contract.policyNo, stage: 'AWAITING_CALL', workflowId: `callback-${contract.policyNo}` });
  expect(Date.parse(stageLine.time as string)).toBeGreaterThan(Date.now() - 60_000);
  expect(lines.some((l) => String(l.message).startsWith('metrics (Prometheus) at http://127.0.0.1:'))).toBe(true);
  for (const value of [contract.policyholder.name, contract.policyholder.phone!, contract.policyholder.idNumber, contract.agent.name]) {
    expect(output).not.toContain(value);
  }
}, 90_000);

test('log lines: ids read off workflow ids, bigints and errors serialised; settings checked', () => {
  expect(idsOfWorkflow('ticket-P2026-T2')).toEqual({ policyNo: 'P2026', ticketId: 'P2026-T2' });
  expect(idsOfWorkflow('callback-P2026')).toEqual({ policyNo: 'P2026' });
  expect(idsOfWorkflow('fallback-quota-SH')).toEqual({});
  const line = JSON.parse(
    jsonLogLine({ level: 'WARN', message: 'retrying', timestampNanos: 1_764_000_000_000_000_000n, meta: { workflowId: 'ticket-P9-T1', attempt: 3n, error: new Error('smtp down') } }),
  );
  expect(line).toEqual({
    time: new Date(1_764_000_000_000).toISOString(),
    level: 'WARN',
    message: 'retrying',
    policyNo: 'P9',
    ticketId: 'P9-T1',
    workflowId: 'ticket-P9-T1',
    attempt: '3',
    error: { name: 'Error', message: 'smtp down' },
  });
  expect(telemetryFromEnv({})).toEqual({ metricsAddress: '127.0.0.1:9464', logLevel: 'INFO' });
  expect(telemetryFromEnv({ HUIFANG_METRICS_ADDRESS: 'off', HUIFANG_LOG_LEVEL: 'debug' })).toEqual({ metricsAddress: undefined, logLevel: 'DEBUG' });
  expect(() => telemetryFromEnv({ HUIFANG_METRICS_ADDRESS: '9464' })).toThrow(/host:port/);
});

test("a second worker on the first one's metrics address stops at once and says what to set", async () => {
  await eventually('the first worker serving metrics', async () => ((await fetch(metricsUrl)).ok ? true : undefined));
  const second = spawnWorker(keyringOfWorker, metricsAddress, mkdtempSync(join(tmpdir(), 'huifang-observability-2-')), configDir);
  let said = '';
  second.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  second.stderr!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const code = await new Promise<number | null>((r) => second.once('exit', r));
  expect(code).not.toBe(0);
  expect(said).toContain(`HUIFANG_METRICS_ADDRESS ${metricsAddress} is taken (another worker on this machine?)`);
}, 60_000);
