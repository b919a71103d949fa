/**
 * The operator's surface on the dev server: the summaries and details the Web UI shows on runs,
 * timers and activities (encrypted at rest by the payload codec, readable through it), the current
 * details of a run, and the CLI staff use for tickets (`tickets list`, `tickets step`) and a policy's
 * whole story (`show`), all with a real worker and the simulated dialer calling at once (demo timing).
 * None of what the UI shows holds personal data (names, phone numbers, ID numbers).
 */
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { SimulatedDialer } from '../call-center/simulated-dialer';
import { EncryptionCodec } from '../client/encryption-codec';
import type { CliContext } from '../cli/command';
import { runCli } from '../cli/main';
import { nearCoolingOffEndQuery, overdueLevel1Query, todaysCallsQuery } from '../client/ready-queries';
import { demoSettings } from '../demo/demo-settings';
import { addCalendarDays, instantAt, localDateOf } from '../domain/local-time';
import type { CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { localStamp } from '../workflows/summaries';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { leaksIn, personalDataOf, shownTexts } from './helpers/operator-metadata';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let dialer: SimulatedDialer;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  // Demo timing (a call slot now): the first call goes out as soon as the callback starts.
  h = await createHarness(env, keyring, { settings: demoSettings() });
  dialer = new SimulatedDialer(h.huifang, { delayMs: 200, recordings: new LocalFolderRecordingStore(h.recordingsDir) });
});
afterAll(async () => {
  dialer?.close();
  await stopServer(env);
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, connect: async () => h.huifang, evidence: async () => h.evidence };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

/**
 * A contract with every field the summaries show given here, and personal data unlike anything else
 * in them; `phone` picks the simulated dialer's outcome by its last two digits.
 */
function contractCalling(phone: string, overrides: Partial<Contract> = {}): Contract {
  return aContract({
    channel: 'agency',
    productType: 'traditional',
    productCode: 'WL20',
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agent: { code: 'A10086', name: '欧阳明', phone: '13700770077' },
    policyholder: { name: '司马青', phone, idNumber: '31010119800101777X' },
    ...overrides,
  });
}

/** `2026-12-02 01:52` for `2026-12-01T17:52:00Z`: Shanghai is UTC+8 all year (no summer time). */
function shanghaiStamp(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

async function stateWhere(policyNo: string, ok: (s: CallbackState) => boolean): Promise<CallbackState> {
  let last: CallbackState | undefined;
  const check = async () => {
    last = await h.huifang.getCallbackState(policyNo);
    return ok(last) ? last : undefined;
  };
  return eventually(`${policyNo} never got there`, check, 20_000, () => `; last state ${JSON.stringify(last)}`);
}

test('runs, timers and activities carry summaries, encrypted at rest and readable through the codec, with no personal data', async () => {
  const contract = contractCalling('13912345621');
  const codec = new EncryptionCodec(h.keyring);
  let attempt!: CallbackState['attempts'][number];
  let shown!: Awaited<ReturnType<typeof shownTexts>>;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    attempt = (await stateWhere(contract.policyNo, (s) => s.stage === 'COMPLETED')).attempts[0];
    // The run's current details, as the Web UI asks for them (the SDK's metadata query).
    const meta = (await h.huifang.handle(contract.policyNo).query(workflowMetadataQuery)) as { currentDetails?: string };
    expect(meta.currentDetails).toMatch(new RegExp(`^\\*\\*${contract.policyNo}\\*\\* · COMPLETED since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(recording recordings/`));
    shown = await shownTexts(env.connection, codec, `callback-${contract.policyNo}`, env.client);
  }, dialer);

  // What the server stores: a client without the codec reads the raw history.
  const raw = new Client({ connection: env.connection });
  const history = await raw.workflow.getHandle(`callback-${contract.policyNo}`).fetchHistory();
  const summaries: string[] = [];
  for (const event of history.events ?? []) {
    const payload = event.userMetadata?.summary;
    if (!payload) continue;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [plain] = await codec.decode([payload]);
    summaries.push(`${temporal.api.enums.v1.EventType[event.eventType!]}: ${JSON.parse(Buffer.from(plain.data!).toString())}`);
  }
  const policy = contract.policyNo;
  expect(summaries).toEqual(
    expect.arrayContaining([
      `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: callback ${policy} · agency traditional WL20 · SH-PD / SH-PD-03`,
      // In Asia/Shanghai wall-clock time, computed in the workflow as outside it.
      `EVENT_TYPE_TIMER_STARTED: ${policy} · CALLING · outcome of attempt 1 due by ${shanghaiStamp(attempt.slot.end)}`,
      // A local activity's summary is on its marker.
      `EVENT_TYPE_MARKER_RECORDED: ${policy} · AWAITING_RECORDING · verify recording recordings/${policy}-1.wav`,
      expect.stringMatching(new RegExp(`^EVENT_TYPE_TIMER_STARTED: ${policy} · AWAITING_RECORDING · call center reminded at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`)),
    ]),
  );
  expect(localStamp('2026-12-01T17:52:00Z')).toBe('2026-12-02 01:52');
  // Encrypted at rest: not one summary is in the stored bytes in clear.
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(bytes.includes(Buffer.from('outcome of attempt 1'))).toBe(false);
  expect(bytes.includes(Buffer.from(contract.policyholder.phone!))).toBe(false);
  // The client with the codec reads the run's summary and details as the Web UI does.
  const described = await h.huifang.handle(contract.policyNo).describe();
  expect(await described.staticSummary()).toBe(`callback ${policy} · agency traditional WL20 · SH-PD / SH-PD-03`);
  expect(await described.staticDetails()).toContain('**Org** SH / SH-PD / SH-PD-03 · **agent** A10086');

  // Decoded, what the UI shows holds no personal data: the run's summary and details, each timer's
  // and activity's summary, the current details.
  expect(shown.map((t) => t.where)).toEqual(expect.arrayContaining(['EVENT_TYPE_WORKFLOW_EXECUTION_STARTED summary', 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED details', 'EVENT_TYPE_TIMER_STARTED summary', 'EVENT_TYPE_MARKER_RECORDED summary', 'current details']));
  expect(leaksIn(shown, personalDataOf(contract))).toEqual([]);
  console.log(`summaries in the history of ${contract.policyNo}:\n  ${summaries.join('\n  ')}`);
  // With no worker polling any more, the completed policy still shows, from its result.
  await h.stopWorker();
  const show = await cli('show', contract.policyNo);
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(/^stage\s+COMPLETED since /m);
  expect(show.stdout).toMatch(/recording\s+recordings\/\S+ verified \(\d+ bytes, uploaded by simulated-dialer\)$/m);
}, 60_000);

test('tickets list and step on the CLI, then show tells the whole story in time order', async () => {
  // …06: "the signature is not mine" on every call: a level-1 ticket.
  const contract = contractCalling('13912345606');
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const state = await stateWhere(contract.policyNo, (s) => s.tickets.length === 1);
    const ticketId = state.tickets[0].ticketId;

    const listed = await eventually('the ticket never showed in the list', async () => {
      const run = await cli('tickets', 'list', '--central-sub-branch', 'SH-PD', '--type', 'level-1', '--stage', 'AWAITING_DISPATCH', '--not-overdue');
      return run.code === 0 && run.stdout.includes(ticketId) ? run.stdout : undefined;
    });
    expect(listed).toMatch(/^ticket\s+type\s+stage\s+reply due\s+overdue\s+office\s+agent\s+opened$/m);
    expect(listed).toMatch(new RegExp(`^${ticketId}\\s+level-1\\s+AWAITING_DISPATCH\\s+-\\s+SH-PD/SH-PD-03\\s+A10086\\s+\\d{4}-`, 'm'));
    expect((await cli('tickets', 'list', '--central-sub-branch', 'BJ-CY', '--type', 'level-1')).stdout).not.toContain(ticketId);
    const ticketMeta = (await h.env.client.workflow.getHandle(ticketWorkflowId(ticketId)).query(workflowMetadataQuery)) as { currentDetails?: string };
    expect(ticketMeta.currentDetails).toContain('**Next** dispatch by the tier-3 handler');
    // The ticket's summary and details name the policy, the office and the agent's code, no person.
    const ticketShown = await shownTexts(env.connection, new EncryptionCodec(h.keyring), ticketWorkflowId(ticketId), env.client);
    expect(ticketShown.find((t) => t.where === 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED summary')?.text).toBe(
      `level-1 ticket ${ticketId} · policy ${contract.policyNo} · SH-PD / SH-PD-03 · agent A10086`,
    );
    expect(ticketShown.map((t) => t.where)).toContain('current details');
    expect(leaksIn(ticketShown, personalDataOf(contract))).toEqual([]);

    // A step out of turn is refused with the workflow's reason, and nothing changes.
    const early = await cli('tickets', 'step', ticketId, 'hand-to-agent', '--as', 'tier4:u-qian@SH-PD-03');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`refused: 'hand-to-agent' is not possible in stage AWAITING_DISPATCH (it follows DISPATCHED)`);
    expect((await cli('tickets', 'step', ticketId, 'dispatch', '--as', 'tier9:x')).code).toBe(2);
    expect((await cli('tickets', 'step', ticketId, 'fly', '--as', 'tier3:x@SH-PD')).code).toBe(2);

    const dispatched = await cli('tickets', 'step', ticketId, 'dispatch', '--as', 'tier3:u-zhao@SH-PD');
    expect(dispatched).toMatchObject({ code: 0, stderr: '' });
    expect(dispatched.stdout).toMatch(new RegExp(`^${ticketId}: dispatch recorded; now DISPATCHED, reply due \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d$`, 'm'));
    expect((await cli('tickets', 'step', ticketId, 'hand-to-agent', '--as', 'tier4:u-qian@SH-PD-03')).stdout).toContain('now WITH_AGENT');
    const wrongAgent = await cli('tickets', 'step', ticketId, 'sign-receipt', '--as', 'agent:A99999');
    expect(wrongAgent.stderr).toContain(`agent A99999 is not the agent of ticket ${ticketId}`);
    expect((await cli('tickets', 'step', ticketId, 'sign-receipt', '--as', 'agent:A10086')).stdout).toContain('now SIGNED');
    const replied = await cli('tickets', 'step', ticketId, 'reply', '--as', 'agent:A10086', '--action', '已当面核实，客户补签', '--note', '见签收单');
    expect(replied.stdout).toContain(`${ticketId}: reply recorded; now CLOSED`);

    const closed = await eventually('the closed ticket never showed as closed', async () => {
      const run = await cli('tickets', 'list', '--central-sub-branch', 'SH-PD', '--stage', 'CLOSED', '--json');
      const found = (JSON.parse(run.stdout) as { tickets: { ticketId: string; stage: string }[] }).tickets.find((t) => t.ticketId === ticketId);
      return found;
    });
    expect(closed.stage).toBe('CLOSED');

    const show = await cli('show', contract.policyNo);
    expect(show.code).toBe(0);
    const timeline = show.stdout.split('\ntimeline\n')[1].split('\n').filter(Boolean);
    const at = (pattern: RegExp) => {
      const i = timeline.findIndex((l) => pattern.test(l));
      if (i < 0) throw new Error(`no timeline line matches ${pattern}:\n${timeline.join('\n')}`);
      return i;
    };
    const order = [
      at(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}stage\s+ASSESSING$/),
      at(/stage\s+AWAITING_CALL/),
      at(/attempt #1\s+placed, slot demo-\d\d:\d\d /),
      at(/attempt #1\s+completed by simulated-dialer; answered no to: signed-in-person$/),
      at(/stage\s+PROBLEM_FOUND/),
      at(new RegExp(`ticket ${ticketId}\\s+opened, level-1: not-signed-by-policyholder$`)),
      at(new RegExp(`ticket ${ticketId}\\s+dispatch by tier3 u-zhao@SH-PD, reply due \\d{4}-`)),
      at(new RegExp(`ticket ${ticketId}\\s+hand-to-agent by tier4 u-qian@SH-PD-03$`)),
      at(new RegExp(`ticket ${ticketId}\\s+sign-receipt by agent A10086$`)),
      at(new RegExp(`ticket ${ticketId}\\s+reply by agent A10086: 已当面核实，客户补签 "见签收单"$`)),
      at(new RegExp(`ticket ${ticketId}\\s+closed$`)),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(show.stdout).not.toContain(contract.policyholder.phone!);
    // And the callback's own summaries, after the ticket's steps: still nobody's personal data.
    expect(leaksIn(await shownTexts(env.connection, new EncryptionCodec(h.keyring), `callback-${contract.policyNo}`, env.client), personalDataOf(contract))).toEqual([]);
    console.log(`huifang show ${contract.policyNo}:\n${show.stdout}`);
    // The confirming calls would go on: end the policy here, with no outcome left on its way.
    dialer.close();
    await dialer.drain();
    await h.huifang.handle(contract.policyNo).terminate('test done');
  }, dialer);
}, 90_000);

test("the README's ready queries run on the dev server and find what they say", async () => {
  // The contract's dates from the server's date, read once; the queries' instants from that date or
  // from the workflow's own state, never from the wall clock again (a run across midnight changes nothing).
  const day = localDateOf(new Date(await env.currentTimeMs()));
  // Receipt signed 13 days before: the 15-day cooling-off period ends at midnight after day + 2; nobody answers the call.
  const contract = aContract({ issuedOn: addCalendarDays(day, -15), receiptSignedOn: addCalendarDays(day, -13) });
  let calling!: CallbackState;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    calling = await stateWhere(contract.policyNo, (s) => s.stage === 'CALLING');
  });
  // Held there: with no worker, the attempt's outcome timer (end of the slot) moves nothing on.
  await h.stopWorker();
  expect(calling.coolingOff?.endsAt).toBe(instantAt(addCalendarDays(day, 3), '00:00').toISOString());
  // Today's calls are those of the day the attempt being made falls on (the workflow's clock).
  const callDay = localDateOf(new Date(calling.nextAttemptAt!));
  const count = (query: string) => eventually(`nothing matches ${query}`, async () => {
    const n = (await env.client.workflow.count(`${query} AND PolicyNo="${contract.policyNo}"`)).count;
    return n > 0 ? n : undefined;
  });
  expect(await count(todaysCallsQuery(callDay))).toBe(1);
  // As asked at noon of the day: the period ends within 3 days, not within 2.
  const noon = instantAt(day, '12:00');
  expect(await count(nearCoolingOffEndQuery(noon, 3))).toBe(1);
  // Seen by visibility above: the negative counts below read the same, caught-up, record.
  const countNow = async (query: string) => (await env.client.workflow.count(`${query} AND PolicyNo="${contract.policyNo}"`)).count;
  expect(await countNow(todaysCallsQuery(addCalendarDays(callDay, 1)))).toBe(0);
  expect(await countNow(todaysCallsQuery(addCalendarDays(callDay, -1)))).toBe(0);
  expect(await countNow(nearCoolingOffEndQuery(noon, 2))).toBe(0);
  // The level-1 ticket of the test before is open or closed but not overdue: the query runs and skips it.
  expect((await env.client.workflow.count(overdueLevel1Query('SH-PD'))).count).toBe(0);
  expect((await env.client.workflow.count(overdueLevel1Query('SH-PD').replace('Overdue=true', 'Overdue=false'))).count).toBeGreaterThanOrEqual(1);
}, 60_000);
