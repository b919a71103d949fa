/**
 * The `huifang` CLI on the Temporal dev server: `import` of CSV and JSON files (a result per row,
 * bad rows named and never started, a repeat import starting nothing new), `show`, and the real
 * binary run as a subprocess, as a user runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CliContext } from '../cli/command';
import { CONTRACT_COLUMNS } from '../cli/contract-columns';
import { csvRows } from '../cli/contract-file';
import { parseCsv } from '../cli/csv';
import { importContracts, type ImportResult } from '../client/import-contracts';
import { callbackTimeline, formatTimeline } from '../cli/callback-timeline';
import { formatCallbackState } from '../cli/format-callback-state';
import { runCli } from '../cli/main';
import type { CallbackView } from '../client/huifang-client';
import type { Contract } from '../domain/contract';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { testNow, testToday } from './helpers/test-clock';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';

const ROOT = resolve(__dirname, '..');
let env: TestWorkflowEnvironment;
let h: TestHarness;
const dir = mkdtempSync(join(tmpdir(), 'huifang-cli-'));

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
});
afterAll(async () => {
  await stopServer(env);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, on the test's server and task queue. */
function cli(...argv: string[]): Promise<Run> {
  return cliAt(undefined, ...argv);
}

/** The same, its clock at `now` (the wall clock when undefined). */
async function cliAt(now: Date | undefined, ...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    connect: async () => h.huifang,
    evidence: async () => h.evidence,
    now: now && (() => now),
  };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

/** The real binary, as `npx huifang` runs it. */
function bin(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile('node', ['cli/bin.js', ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

function csvCell(value: unknown): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Contracts (or contract-shaped junk) as a CSV file with the dotted-name header. */
function writeCsv(name: string, contracts: unknown[], { bom = false, eol = '\n' } = {}): string {
  const header = CONTRACT_COLUMNS.map((c) => c.name).join(',');
  const lines = contracts.map((c) =>
    CONTRACT_COLUMNS.map((col) => csvCell(col.path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], c))).join(','),
  );
  const file = join(dir, name);
  writeFileSync(file, (bom ? '\ufeff' : '') + [header, ...lines].join(eol) + eol);
  return file;
}

function readResults(file: string): ImportResult[] {
  return JSON.parse(readFileSync(file, 'utf8')).results;
}

async function runIdOf(policyNo: string): Promise<string> {
  return (await h.huifang.handle(policyNo).describe()).runId;
}

test('a CSV with good and bad rows starts the good ones and names the fields of the bad ones', async () => {
  const good = [aContract(), aContract(), aContract()];
  const badChannel = { ...aContract(), channel: 'broker' };
  const badId = { ...aContract(), policyholder: { ...aContract().policyholder, idNumber: '310101199001011235' } };
  const file = writeCsv('mixed.csv', [good[0], badChannel, good[1], badId, good[2]]);
  const out = join(dir, 'mixed-results.json');

  const run = await cli('import', file, '--out', out);

  expect(run.code).toBe(1);
  expect(run.stdout).toContain('5 rows, 3 started or already running, 2 rejected');
  expect(run.stdout).toContain(`line 3 (${badChannel.policyNo}): channel:`);
  expect(run.stdout).toContain(`line 5 (${badId.policyNo}): policyholder.idNumber:`);
  const results = readResults(out);
  // Rows are the file's lines: the header is line 1.
  expect(results.map((r) => [r.row, r.ok])).toEqual([[2, true], [3, false], [4, true], [5, false], [6, true]]);
  for (const [i, r] of [results[0], results[2], results[4]].entries()) {
    expect(r).toEqual({ row: expect.any(Number), policyNo: good[i].policyNo, ok: true, workflowId: `callback-${good[i].policyNo}`, runId: expect.any(String) });
    expect(await runIdOf(good[i].policyNo)).toBe(r.runId);
  }
  expect(results[1].fields!.map((f) => f.field)).toEqual(['channel']);
  expect(results[3].fields!.map((f) => f.field)).toEqual(['policyholder.idNumber']);
  for (const bad of [badChannel, badId]) {
    await expect(h.huifang.handle(bad.policyNo).describe()).rejects.toThrow(/not found/i);
  }
});

test("import checks every row at intake against its own clock and the calling hours: no receipt after today, no window wholly outside calling hours unless the customer asked", async () => {
  // The CLI's clock 40 days after the server's: rows are dated from it, and only it makes them right.
  const now = new Date(testNow().getTime() + 40 * 86_400_000);
  const today = localDateOf(now, h.settings.timeZone);
  const hours = h.settings.callPlan.callingHours;
  const dated = (receiptSignedOn: string, callPreference?: Contract['callPreference']) => aContract({ issuedOn: addCalendarDays(receiptSignedOn, -2), receiptSignedOn, callPreference });
  const rows = [
    dated(today),
    dated(addCalendarDays(today, 1)),
    dated(today, { from: hours.to, to: '23:30' }),
    dated(today, { from: hours.to, to: '23:30', customerRequested: true }),
    dated(today, { from: '06:00', to: hours.from }),
    dated(today, { from: '07:00', to: '10:00' }),
  ];
  const file = writeCsv('intake.csv', rows);
  const out = join(dir, 'intake-results.json');

  const run = await cliAt(now, 'import', file, '--dry-run', '--out', out);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('6 rows, 3 valid, 3 rejected (dry run: nothing started)');
  expect(run.stdout).toContain(`line 3 (${rows[1].policyNo}): receiptSignedOn: is after today (${today}): a receipt cannot be signed in the future`);
  expect(run.stdout).toContain(`line 4 (${rows[2].policyNo}): callPreference: ${hours.to}-23:30 is wholly outside calling hours ${hours.from}-${hours.to}: accepted only as the customer's own request (callPreference.customerRequested: true)`);
  expect(readResults(out).map((r) => [r.row, r.ok, r.fields?.map((f) => f.field)])).toEqual([
    [2, true, undefined],
    [3, false, ['receiptSignedOn']],
    [4, false, ['callPreference']],
    [5, true, undefined],
    [6, false, ['callPreference']],
    [7, true, undefined],
  ]);
  // On the wall clock (40 days earlier) the first row's receipt is in the future too.
  const early = await cli('import', writeCsv('intake-early.csv', [rows[0]]), '--dry-run');
  expect(early.stdout).toContain(`line 2 (${rows[0].policyNo}): receiptSignedOn: is after today`);
  // A yes/no cell that is neither is named, not guessed.
  const maybe = writeCsv('intake-maybe.csv', [rows[3]]);
  writeFileSync(maybe, readFileSync(maybe, 'utf8').replace(/,true,/, ',yes,'));
  expect((await cliAt(now, 'import', maybe, '--dry-run')).stdout).toMatch(/line 2 \(\S+\): callPreference\.customerRequested: /);
});

test('importing the same file twice starts nothing new and reports the same runs', async () => {
  const contracts = Array.from({ length: 12 }, () => aContract());
  const file = writeCsv('twice.csv', contracts);
  const [first, second] = [join(dir, 'twice-1.json'), join(dir, 'twice-2.json')];

  expect((await cli('import', file, '--concurrency', '4', '--out', first)).code).toBe(0);
  expect((await cli('import', file, '--out', second)).code).toBe(0);

  const a = readResults(first);
  const b = readResults(second);
  expect(a.every((r) => r.ok && r.runId)).toBe(true);
  expect(b).toEqual(a);
  // One workflow per policy, as visibility counts them (eventually consistent: wait for it).
  const query = `PolicyNo = "${contracts[0].policyNo}" OR PolicyNo = "${contracts[11].policyNo}"`;
  let count = 0;
  for (let i = 0; i < 20 && count < 2; i++) {
    count = (await env.client.workflow.count(query)).count;
    if (count < 2) await new Promise((r) => setTimeout(r, 250));
  }
  expect(count).toBe(2);
});

test('a policy imported again with other values is refused naming the fields, never their values, as the API does', async () => {
  const contract = aContract();
  const file = writeCsv('taken.csv', [contract]);
  expect((await cli('import', file)).code).toBe(0);
  // The comparison is with the system of record: once the callback has written its first evidence.
  await h.withWorker(() => eventually('the policy in the system of record', async () => h.evidence.storedContract(contract.policyNo), 30_000));
  expect((await cli('import', file)).code).toBe(0);

  const changed = writeCsv('taken-changed.csv', [{ ...contract, org: { ...contract.org, branch: 'GD' }, policyholder: { ...contract.policyholder, phone: '13911112222' } }]);
  const refused = await cli('import', changed);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(`line 2 (${contract.policyNo}): policy ${contract.policyNo} was posted before with other values (org.branch, policyholder.phone)`);
  expect(refused.stdout + refused.stderr).not.toContain('13911112222');
});

test('a JSON file is imported the same way, rows numbered by their index', async () => {
  const good = [aContract(), aContract()];
  const bad = { ...aContract(), termMonths: -3, premium: { amount: 0, currency: 'CNY', mode: 'annual' } };
  const file = join(dir, 'batch.json');
  writeFileSync(file, JSON.stringify([good[0], bad, good[1]]));
  const out = join(dir, 'batch-results.json');

  const run = await cli('import', file, '--out', out);

  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`row 1 (${bad.policyNo}): termMonths:`);
  const results = readResults(out);
  expect(results[0]).toMatchObject({ row: 0, ok: true, policyNo: good[0].policyNo });
  expect(results[1]).toMatchObject({ row: 1, ok: false, policyNo: bad.policyNo });
  expect(results[1].fields!.map((f) => f.field).sort()).toEqual(['premium.amount', 'termMonths']);
  expect(results[2]).toMatchObject({ row: 2, ok: true, policyNo: good[1].policyNo });
  expect(await runIdOf(good[1].policyNo)).toBe(results[2].runId);
  await expect(h.huifang.handle(bad.policyNo).describe()).rejects.toThrow(/not found/i);
});

test('quoted cells keep their commas and quotes; BOM, CRLF and an empty optional phone are understood', async () => {
  const base = aContract();
  const quoted: Contract = {
    ...base,
    agent: { ...base.agent, name: 'Chen, "Jack" Li' },
    policyholder: { name: '欧阳, 明', idNumber: base.policyholder.idNumber },
  };
  const plain = aContract();
  const file = writeCsv('quoted.csv', [quoted, plain], { bom: true, eol: '\r\n' });
  expect(readFileSync(file, 'utf8')).toContain('"Chen, ""Jack"" Li"');
  const started = jest.spyOn(h.huifang, 'startCallback');
  try {
    const run = await cli('import', file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 rows, 2 started or already running, 0 rejected');
    const seen = started.mock.calls.map(([c]) => c).find((c) => c.policyNo === quoted.policyNo);
    // Exactly the contract written: names intact, no phone key at all for the empty cell.
    expect(seen).toEqual(quoted);
    expect('phone' in seen!.policyholder).toBe(false);
  } finally {
    started.mockRestore();
  }
  await expect(h.huifang.handle(quoted.policyNo).describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
});

test('the import core: bounded concurrency, file order kept, a repeated policy refused, a failing start reported', async () => {
  const contracts = Array.from({ length: 20 }, () => aContract());
  const rows = [...contracts, contracts[4]].map((value, row) => ({ row, value }));
  let inFlight = 0;
  let maxInFlight = 0;
  const progress: number[] = [];
  const results = await importContracts(
    rows,
    async (c) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5 + (c.policyNo.charCodeAt(c.policyNo.length - 1) % 4) * 5));
      inFlight--;
      if (c.policyNo === contracts[7].policyNo) throw new Error('frontend unavailable');
      return { policyNo: c.policyNo, workflowId: `callback-${c.policyNo}`, runId: 'r' };
    },
    { concurrency: 3, intake: { today: testToday(), callingHours: h.settings.callPlan.callingHours } },
    (p) => progress.push(p.done),
  );
  expect(maxInFlight).toBe(3);
  expect(results.map((r) => r.row)).toEqual(rows.map((r) => r.row));
  expect(progress).toEqual(rows.map((_, i) => i + 1));
  expect(results[7]).toEqual({ row: 7, policyNo: contracts[7].policyNo, ok: false, error: 'frontend unavailable' });
  expect(results[20]).toEqual({ row: 20, policyNo: contracts[4].policyNo, ok: false, fields: [{ field: 'policyNo', message: 'repeats the policy of row 4' }] });
  expect(results.filter((r) => r.ok)).toHaveLength(19);
});

test('the CSV reader: cells across lines, rows numbered by the line they start on, blank lines skipped', () => {
  expect(parseCsv('a,b\n"x\ny",2\n\n3,""\n')).toEqual([
    { line: 1, cells: ['a', 'b'] },
    { line: 2, cells: ['x\ny', '2'] },
    { line: 5, cells: ['3', ''] },
  ]);
  expect(() => parseCsv('a,b\n"x,2\n')).toThrow(/line 2: a quoted cell is never closed/);
  expect(() => parseCsv('a,b\nx"y,2\n')).toThrow(/line 2/);
  // A row with the wrong number of cells is a rejected row, not a failed file.
  const header = CONTRACT_COLUMNS.map((c) => c.name).join(',');
  expect(csvRows(`${header}\nP1,agency\n`)).toEqual([{ row: 2, policyNo: 'P1', error: expect.stringContaining(`2 cells, the header ${CONTRACT_COLUMNS.length}`) }]);
});

test('a file that cannot be imported at all is a usage error (exit 2) and starts nothing', async () => {
  const badHeader = join(dir, 'bad-header.csv');
  writeFileSync(badHeader, 'policyNo,chanel\nP1,agency\n');
  const run = await cli('import', badHeader);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/unknown column\(s\): "chanel"/);
  expect(run.stderr).toMatch(/missing column\(s\): channel, productCode/);

  expect((await cli('import', join(dir, 'nope.csv'))).code).toBe(2);
  expect((await cli('import', badHeader, '--concurrency', '0')).code).toBe(2);
  const unknown = await cli('frobnicate');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  expect(unknown.stderr).toMatch(/import <file\.csv\|file\.json>/);
});

test('show prints the stage, the decision, the cooling-off period and the next attempt', async () => {
  const contract = aContract();
  const startsOn = addCalendarDays(contract.receiptSignedOn, 1);
  const lastDay = addCalendarDays(contract.receiptSignedOn, 15);
  // The harness calls nobody today or tomorrow (test-calendar.ts): the first slot is a later day.
  const firstCallDay = addCalendarDays(testToday(), 2);
  await h.huifang.startCallback(contract);
  await h.withWorker(async () => {
    const run = await eventually('show past ASSESSING', async () => {
      const r = await cli('show', contract.policyNo);
      return /^stage\s+ASSESSING/m.test(r.stdout) ? undefined : r;
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^stage\s+AWAITING_CALL since /m);
    expect(run.stdout).toMatch(/^decision\s+callback required: R1 /m);
    expect(run.stdout).toMatch(new RegExp(`^cooling-off\\s+15 days, ${startsOn} to ${lastDay} \\(last day\\)`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^next attempt\\s+${firstCallDay} ${h.settings.callPlan.slots[0].from}`, 'm'));
    expect(run.stdout).toMatch(/^attempts\s+/m);
  });
  const missing = await cli('show', 'P999999999');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/no callback for policy P999999999/);
});

test('show lists every attempt with its slot and outcome, in Asia/Shanghai time', () => {
  const slot = (start: string, end: string) => ({ slot: 'morning', start, end, late: false });
  const state: CallbackView = {
    run: { status: 'RUNNING' },
    policyNo: 'P202611240002',
    stage: 'PROBLEM_FOUND',
    plan: [],
    attempts: [
      { attemptId: 'a1', attemptNo: 1, slot: slot('2026-11-24T01:30:00Z', '2026-11-24T03:30:00Z'), placedAt: '2026-11-24T01:30:00Z', outcome: 'busy', report: { attemptId: 'a1', outcome: 'busy', operator: 'op-7' }, recordedAt: '2026-11-24T01:31:00Z' },
      { attemptId: 'a2', attemptNo: 2, slot: slot('2026-11-25T01:30:00Z', '2026-11-25T03:30:00Z'), placedAt: '2026-11-25T01:30:00Z', outcome: 'completed', report: { attemptId: 'a2', outcome: 'completed', operator: 'op-7', answers: {}, note: '客户称合同未收到' }, recordedAt: '2026-11-25T01:42:00Z' },
    ],
    attemptsMade: 2,
    problems: [{ reason: 'contract-not-received', ticketType: 'level-2' }],
    tickets: [],
    phoneSource: 'contract',
    stageHistory: [{ stage: 'PROBLEM_FOUND', at: '2026-11-25T01:42:00Z' }],
  };
  expect(formatCallbackState(state)).toEqual([
    'policy P202611240002  (times Asia/Shanghai)',
    'stage        PROBLEM_FOUND since 2026-11-25 09:42',
    'attempts     2 (2 with an outcome)',
    '  #1 2026-11-24 09:30-11:30 morning: busy, by op-7, recorded 2026-11-24 09:31',
    '  #2 2026-11-25 09:30-11:30 morning: completed, by op-7, recorded 2026-11-25 09:42 "客户称合同未收到"',
    'problems     contract-not-received → level-2',
  ]);
});

test("show prints a refusal (not the operator's note), the escalation, the reminders and the branch's decision, on their own lines and in the timeline", () => {
  const state: CallbackView = {
    run: { status: 'COMPLETED', closedAt: '2026-12-20T02:00:00Z' },
    policyNo: 'P202611240003',
    stage: 'CLOSED_BY_BRANCH',
    plan: [],
    attempts: [],
    attemptsMade: 1,
    problems: [],
    tickets: [],
    phoneSource: 'contract',
    refusal: { at: '2026-11-25T01:42:00Z', note: '客户说家里人不同意，电话13912345678' },
    escalation: { to: 'branch', at: '2026-11-28T01:42:00Z', reason: 'no recording uploaded within 72 h', cause: 'recording' },
    reminders: [
      { to: 'call center SH', at: '2026-11-26T01:42:00Z', about: 'recording not uploaded' },
      { to: 'branch SH', at: '2026-12-05T01:42:00Z', about: 'unresolved callback' },
    ],
    branchDecision: { reason: '录音系统故障，已补录并经客户确认', by: { role: 'branch', id: 'CC-ZHANG', office: 'SH' }, at: '2026-12-20T02:00:00Z' },
    stageHistory: [{ stage: 'CLOSED_BY_BRANCH', at: '2026-12-20T02:00:00Z', note: 'closed by branch SH CC-ZHANG' }],
    closedAt: '2026-12-20T02:00:00Z',
  };
  const lines = formatCallbackState(state);
  expect(lines).toEqual([
    'policy P202611240003  (times Asia/Shanghai)',
    'stage        CLOSED_BY_BRANCH since 2026-12-20 10:00 (closed by branch SH CC-ZHANG)',
    'attempts     none yet',
    'refused      2026-11-25 09:42 on the phone (closes as REFUSED once its recording is verified)',
    'escalated    to the branch 2026-11-28 09:42 (recording): no recording uploaded within 72 h',
    'reminders    2 sent',
    '  2026-11-26 09:42 to call center SH: recording not uploaded',
    '  2026-12-05 09:42 to branch SH: unresolved callback',
    'branch       closed the case 2026-12-20 10:00, by branch CC-ZHANG@SH: 录音系统故障，已补录并经客户确认',
    'closed       2026-12-20 10:00',
  ]);
  const timeline = formatTimeline(callbackTimeline(state));
  expect(timeline).toEqual([
    '  2026-11-25 09:42  refusal     refused on the phone: closes as REFUSED once its recording is verified',
    '  2026-11-26 09:42  reminder    to call center SH: recording not uploaded',
    '  2026-11-28 09:42  escalation  to the branch (recording): no recording uploaded within 72 h',
    '  2026-12-05 09:42  reminder    to branch SH: unresolved callback',
    '  2026-12-20 10:00  branch      closed the case, by branch CC-ZHANG@SH: 录音系统故障，已补录并经客户确认',
    '  2026-12-20 10:00  stage       CLOSED_BY_BRANCH: closed by branch SH CC-ZHANG',
  ]);
  // The operator's free text about the policyholder is never printed.
  expect([...lines, ...timeline].join('\n')).not.toContain('13912345678');
});

test('the real binary validates the example file with --dry-run', async () => {
  const run = await bin(['import', 'examples/contracts.csv', '--dry-run']);
  expect(run.code).toBe(1); // the example holds one deliberately bad row
  expect(run.stdout).toContain('examples/contracts.csv: 11 rows, 10 valid, 1 rejected (dry run: nothing started)');
  expect(run.stdout).toContain('line 12 (P202611240011): policyholder.idNumber:');
  await expect(h.huifang.handle('P202611240001').describe()).rejects.toThrow(/not found/i);
});

test('the real binary imports the example file into Temporal, configured by the environment alone', async () => {
  const keys = [...h.keyring.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');
  const run = await bin(['import', 'examples/contracts.csv'], {
    TEMPORAL_ADDRESS: env.address,
    HUIFANG_TASK_QUEUE: h.taskQueue,
    HUIFANG_PAYLOAD_KEYS: keys,
    HUIFANG_PAYLOAD_KEY_ID: h.keyring.currentKeyId,
    HUIFANG_DATABASE_URL: h.database.url,
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('examples/contracts.csv: 11 rows, 10 started or already running, 1 rejected');
  await expect(h.huifang.handle('P202611240001').describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
  await expect(h.huifang.handle('P202611240011').describe()).rejects.toThrow(/not found/i);
});
