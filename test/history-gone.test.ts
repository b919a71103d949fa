/**
 * The system of record keeps a policy's story after Temporal has let go of it (issue 15's "done
 * when"): a policy runs through a problem call, a level-1 ticket routed tier-3 → tier-4 → agent, the
 * confirming call and its recording, to COMPLETED; another waits for its first call. Then the
 * Temporal server that ran them is torn down, and the API is pointed at a fresh, empty one, which
 * knows neither workflow (as after its retention period). The API's view, lists, ticket detail and
 * transfer register, `huifang show` and `huifang tickets list` (with no Temporal at all) still tell
 * the closed policy's whole story: attempts, answers, recording, ticket and steps. The open one is
 * shown as last recorded, its run UNKNOWN and why, never as RUNNING.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildApi } from '../api/server';
import type { CliContext } from '../cli/command';
import { runCli } from '../cli/main';
import { HuifangClient } from '../client/huifang-client';
import type { Contract } from '../domain/contract';
import { localDateOf } from '../domain/local-time';
import { reasonLabelsOf } from '../documents/format';
import type { TestApiUsers, TestUsername } from './helpers/api-users';
import { testApiUsers } from './helpers/api-users';
import { aContractSignedDaysAgo, completedCall, OPERATOR, RecordingCallCenter, routeTicket, storeRecording, waitForCall, waitForState, waitForTicket, workflowResult } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment | undefined;
let empty: TestWorkflowEnvironment | undefined;
let h: TestHarness;
let api: FastifyInstance | undefined;
let users: TestApiUsers;

let closed: Contract;
let open: Contract;
let ticketId: string;
let openStage: string;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  h = await createHarness(env, keyring, { settings: settingsWithCalendar(syntheticCalendar(today)), callCenter: new RecordingCallCenter() });
  users = await testApiUsers();
  await skipToQuietTimeWithMargin(h);

  closed = await aContractSignedDaysAgo(h, 1);
  open = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    // The problem call: the customer did not sign in person → a level-1 ticket.
    await h.huifang.startCallback(closed);
    const first = await waitForCall(h, closed.policyNo, 1);
    await h.huifang.recordCallOutcome(closed.policyNo, completedCall(first, { 'signed-in-person': 'no' }));
    ticketId = await waitForTicket(h, closed.policyNo, 1);
    await routeTicket(h, ticketId, { actionTaken: '业务员上门核实，投保人本人补签并确认投保意愿' });
    // The confirming call, everything yes, and its recording: COMPLETED.
    const second = await waitForCall(h, closed.policyNo, 2);
    const report = completedCall(second);
    await h.huifang.recordCallOutcome(closed.policyNo, report);
    const stored = storeRecording(h, report.recordingRef!);
    await h.huifang.uploadRecording(closed.policyNo, { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR });
    expect((await workflowResult(h, closed.policyNo)).stage).toBe('COMPLETED');

    await h.huifang.startCallback(open);
    await waitForState(h, open.policyNo, (s) => s.stage === 'AWAITING_CALL', { what: 'the first planned call' });
    // The ticket writes its evidence in the background: wait until its last step is on record.
    await eventually('the reply on record', async () => ((await h.evidence.ticketState(ticketId))?.steps.some((s) => s.step === 'reply') ? true : undefined));
    // Its stage as last written (the record is written at milestones: the first is the assessment's).
    openStage = await eventually('the open policy on record', async () => (await h.evidence.callbackState(open.policyNo))?.state.stage);
  });

  // Temporal lets go: the server that ran them is gone, and the API's is a new one that knows neither.
  await h.stopWorker();
  await env.teardown();
  env = undefined;
  empty = await startTimeSkippingServer(keyring);
  api = buildApi({
    huifang: new HuifangClient(empty.client, h.taskQueue),
    auth: users.auth,
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
  });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await stopServer(empty);
  if (env) await stopServer(env);
  else await h?.database.drop();
});

const get = (url: string, user: TestUsername = 'cc-sh') => api!.inject({ method: 'GET', url, headers: users.headers(user) });

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    // No Temporal at all: the record must be enough.
    connect: () => Promise.reject(new Error('Temporal is gone')),
    evidence: async () => h.evidence,
  };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

test("the API still shows a completed policy's attempts, answers, recording, ticket and steps, from the record alone", async () => {
  const res = await get(`/v1/callbacks/${closed.policyNo}`);
  expect(res.statusCode).toBe(200);
  const view = res.json();
  expect(view).toMatchObject({ policyNo: closed.policyNo, stage: 'COMPLETED', run: { status: 'COMPLETED', closedAt: expect.any(String) } });
  expect(view.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['completed', 'completed']);
  expect(view.tickets).toEqual([expect.objectContaining({ ticketId, type: 'level-1' })]);
  const story = view.evidence;
  expect(story).toMatchObject({
    policyNo: closed.policyNo,
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03', agentCode: 'A10086' },
    decision: { required: true, reason: expect.any(String) },
    stage: 'COMPLETED',
    completedBy: 'phone',
    closedAt: view.closedAt,
    evidenceKeptUntil: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
  });
  expect(story.attempts.map((a: object) => ({ ...a }))).toEqual([
    expect.objectContaining({ attemptNo: 1, outcome: 'completed', operator: OPERATOR, phoneSource: 'contract', placedAt: expect.any(String) }),
    expect.objectContaining({ attemptNo: 2, outcome: 'completed', operator: OPERATOR, phoneSource: 'contract' }),
  ]);
  expect(story.answers).toContainEqual(expect.objectContaining({ source: 'attempt-1', questionId: 'signed-in-person', answer: 'no' }));
  expect(story.answers.filter((a: { source: string; answer: string }) => a.source === 'attempt-2').every((a: { answer: string }) => a.answer === 'yes')).toBe(true);
  expect(story.recordings).toEqual([expect.objectContaining({ reference: view.recording.reference, checksum: view.recording.checksum, uploadedBy: OPERATOR })]);
  expect(story.stageChanges.at(-1)).toMatchObject({ stage: 'COMPLETED' });
  expect(story.tickets).toEqual([
    expect.objectContaining({
      ticketId,
      type: 'level-1',
      openedAt: expect.any(String),
      steps: ['dispatch', 'hand-to-agent', 'sign-receipt', 'reply'].map((step) => expect.objectContaining({ step, at: expect.any(String) })),
    }),
  ]);
  // The story carries no personal data: not the number dialled, not a name.
  const text = JSON.stringify(view);
  for (const secret of [closed.policyholder.phone!, closed.policyholder.name, closed.policyholder.idNumber, closed.agent.phone!]) expect(text).not.toContain(secret);

  // Office isolation reads the record too: another branch does not see it.
  expect((await get(`/v1/callbacks/${closed.policyNo}`, 'cc-bj')).statusCode).toBe(404);
});

test('an open policy Temporal no longer knows is shown as last recorded, its run UNKNOWN and why, never as RUNNING', async () => {
  const res = await get(`/v1/callbacks/${open.policyNo}`);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({
    stage: openStage,
    run: { status: 'UNKNOWN', reason: expect.stringContaining('Temporal does not know this callback'), stateRecordedAt: expect.any(String) },
    evidence: { stage: openStage },
  });
  expect(res.json().closedAt).toBeUndefined();
  expect((await get('/v1/callbacks/P999999999', 'ops')).statusCode).toBe(404);
});

test('the lists, the ticket detail, the order and the transfer register come from the record', async () => {
  const callbacks = await get(`/v1/callbacks?stage=COMPLETED`);
  expect(callbacks.statusCode).toBe(200);
  expect(callbacks.json().callbacks).toContainEqual(expect.objectContaining({ policyNo: closed.policyNo, stage: 'COMPLETED', run: 'COMPLETED', closedAt: expect.any(String) }));
  const openOnes = (await get('/v1/callbacks?run=RUNNING')).json().callbacks.map((c: { policyNo: string }) => c.policyNo);
  expect(openOnes).toContain(open.policyNo);
  expect(openOnes).not.toContain(closed.policyNo);

  const tickets = await get('/v1/tickets?type=level-1', 't3-shpd');
  expect(tickets.statusCode).toBe(200);
  expect(tickets.json().tickets).toEqual([expect.objectContaining({ ticketId, policyNo: closed.policyNo, type: 'level-1', centralSubBranch: 'SH-PD', startedAt: expect.any(String) })]);

  const ticket = await get(`/v1/tickets/${ticketId}`, 't3-shpd');
  expect(ticket.statusCode).toBe(200);
  expect(ticket.json().steps.map((s: { step: string }) => s.step)).toEqual(['dispatch', 'hand-to-agent', 'sign-receipt', 'reply']);
  const order = await get(`/v1/tickets/${ticketId}/order.html`, 't3-shpd');
  expect(order.statusCode).toBe(200);
  expect(order.body).toContain(ticketId);

  const day = localDateOf(new Date(ticket.json().steps[0].at));
  const register = await get(`/v1/registers/SH-PD/${day}.xlsx`, 't3-shpd');
  expect(register.statusCode).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(register.rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  book.worksheets[0].eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
  expect(cells).toContain(ticketId);
});

test('huifang show and huifang tickets list tell the same story with no Temporal at all', async () => {
  const show = await cli('show', closed.policyNo);
  expect(show).toMatchObject({ code: 0, stderr: '' });
  expect(show.stdout).toMatch(/^stage\s+COMPLETED since /m);
  expect(show.stdout).toMatch(/^ {2}#1 .*: completed, by agent-0042, recorded /m);
  expect(show.stdout).toMatch(/^ {2}#2 .*: completed, by agent-0042, recorded /m);
  expect(show.stdout).toMatch(/^answers\s+attempt-1: \d+ yes, 1 no; attempt-2: \d+ yes$/m);
  expect(show.stdout).toMatch(/^recording\s+recordings\/\S+ \(sha256:/m);
  expect(show.stdout).toMatch(/^kept until\s+\d{4}-\d\d-\d\d$/m);
  expect(show.stdout).toMatch(/attempt #1\s+completed by agent-0042; answered no to: signed-in-person/);
  for (const step of ['dispatch by tier3', 'hand-to-agent by tier4', 'sign-receipt by agent', 'reply by agent']) {
    expect(show.stdout).toMatch(new RegExp(`ticket ${ticketId}\\s+${step}`));
  }
  expect(show.stdout).toMatch(/recording\s+recordings\/\S+ verified/);

  const json = JSON.parse((await cli('show', closed.policyNo, '--json')).stdout);
  expect(json).toMatchObject({ stage: 'COMPLETED', run: { status: 'COMPLETED' }, evidence: { tickets: [{ ticketId }] } });

  const openShow = await cli('show', open.policyNo);
  expect(openShow.code).toBe(0);
  expect(openShow.stdout).toMatch(/^run\s+UNKNOWN: Temporal did not answer within 2 s \(Temporal is gone\): the state as last recorded$/m);
  expect(openShow.stdout).toMatch(new RegExp(`^stage\\s+${openStage} since .* \\(as last recorded \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\)$`, 'm'));

  const list = await cli('tickets', 'list', '--central-sub-branch', 'SH-PD', '--json');
  expect(list.code).toBe(0);
  expect(JSON.parse(list.stdout).tickets).toEqual([expect.objectContaining({ ticketId, type: 'level-1' })]);
});
