/**
 * The operator's surface on the dev server: the summaries and details the Web UI shows on runs,
 * timers and activities (encrypted at rest by the payload codec, readable through it), the current
 * details of a run, and the CLI staff use for tickets (`tickets list`, `tickets step`) and a policy's
 * whole story (`show`), all with a real worker and the simulated dialer calling at once (demo timing).
 */
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { LocalFolderRecordingStore } from '../activities/recording-store';
import { SimulatedDialer } from '../activities/simulated-dialer';
import { EncryptionCodec } from '../client/encryption-codec';
import type { CliContext } from '../cli/command';
import { runCli } from '../cli/main';
import { nearCoolingOffEndQuery, overdueLevel1Query, todaysCallsQuery } from '../client/ready-queries';
import { demoSettings } from '../demo/demo-settings';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import type { CallbackState } from '../domain/callback-state';
import { callbackStaticSummary, localStamp, outcomeDueSummary } from '../workflows/summaries';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
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
  const ctx: CliContext = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, connect: async () => h.huifang };
  const code = await runCli(argv, ctx);
  return { code, stdout, stderr };
}

async function stateWhere(policyNo: string, ok: (s: CallbackState) => boolean): Promise<CallbackState> {
  let last: CallbackState | undefined;
  const check = async () => {
    last = await h.huifang.getCallbackState(policyNo);
    return ok(last) ? last : undefined;
  };
  return eventually(`${policyNo} never got there`, check, 20_000, () => `; last state ${JSON.stringify(last)}`);
}

test('runs, timers and activities carry summaries, encrypted at rest and readable through the codec', async () => {
  const contract = aContract({ policyholder: { ...aContract().policyholder, phone: '13912345621' } });
  let attempt!: CallbackState['attempts'][number];
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    attempt = (await stateWhere(contract.policyNo, (s) => s.stage === 'COMPLETED')).attempts[0];
    // The run's current details, as the Web UI asks for them (the SDK's metadata query).
    const meta = (await h.huifang.handle(contract.policyNo).query(workflowMetadataQuery)) as { currentDetails?: string };
    expect(meta.currentDetails).toMatch(new RegExp(`^\\*\\*${contract.policyNo}\\*\\* · COMPLETED since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(recording recordings/`));
  }, dialer);

  // What the server stores: a client without the codec reads the raw history.
  const raw = new Client({ connection: env.connection });
  const history = await raw.workflow.getHandle(`callback-${contract.policyNo}`).fetchHistory();
  const codec = new EncryptionCodec(h.keyring);
  const summaries: string[] = [];
  for (const event of history.events ?? []) {
    const payload = event.userMetadata?.summary;
    if (!payload) continue;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const [plain] = await codec.decode([payload]);
    summaries.push(`${temporal.api.enums.v1.EventType[event.eventType!]}: ${JSON.parse(Buffer.from(plain.data!).toString())}`);
  }
  expect(summaries).toEqual(
    expect.arrayContaining([
      `EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: ${callbackStaticSummary(contract)}`,
      // In Asia/Shanghai wall-clock time, computed in the workflow as outside it.
      `EVENT_TYPE_TIMER_STARTED: ${outcomeDueSummary(contract.policyNo, 1, attempt.slot)}`,
      expect.stringMatching(new RegExp(`^EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: ${contract.policyNo} · AWAITING_RECORDING · verify recording recordings/`)),
    ]),
  );
  expect(localStamp('2026-12-01T17:52:00Z')).toBe('2026-12-02 01:52');
  // Encrypted at rest: not one summary is in the stored bytes in clear.
  const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  expect(bytes.includes(Buffer.from('outcome of attempt 1'))).toBe(false);
  expect(bytes.includes(Buffer.from(contract.policyholder.phone!))).toBe(false);
  // The client with the codec reads the run's summary and details as the Web UI does.
  const described = await h.huifang.handle(contract.policyNo).describe();
  expect(await described.staticSummary()).toBe(callbackStaticSummary(contract));
  expect(await described.staticDetails()).toContain(`**Org** SH / SH-PD / SH-PD-03 · **agent** ${contract.agent.code}`);
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
  const contract = aContract({ policyholder: { ...aContract().policyholder, phone: '13912345606' } });
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
    console.log(`huifang show ${contract.policyNo}:\n${show.stdout}`);
    // The confirming calls would go on: end the policy here, with no outcome left on its way.
    dialer.close();
    await dialer.drain();
    await h.huifang.handle(contract.policyNo).terminate('test done');
  }, dialer);
}, 90_000);

test("the README's ready queries run on the dev server and find what they say", async () => {
  const today = localDateOf(new Date());
  // Receipt signed 13 days ago: the cooling-off period ends within 3 days; nobody answers the call.
  const contract = aContract({ issuedOn: addCalendarDays(today, -15), receiptSignedOn: addCalendarDays(today, -13) });
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await stateWhere(contract.policyNo, (s) => s.stage === 'CALLING');
  });
  const count = (query: string) => eventually(`nothing matches ${query}`, async () => {
    const n = (await env.client.workflow.count(`${query} AND PolicyNo="${contract.policyNo}"`)).count;
    return n > 0 ? n : undefined;
  });
  expect(await count(todaysCallsQuery(today))).toBe(1);
  expect(await count(nearCoolingOffEndQuery(new Date(), 3))).toBe(1);
  expect((await env.client.workflow.count(`${todaysCallsQuery(addCalendarDays(today, 1))} AND PolicyNo="${contract.policyNo}"`)).count).toBe(0);
  expect((await env.client.workflow.count(`${nearCoolingOffEndQuery(new Date(), 0)} AND PolicyNo="${contract.policyNo}"`)).count).toBe(0);
  // The level-1 ticket of the test before is open or closed but not overdue: the query runs and skips it.
  expect((await env.client.workflow.count(overdueLevel1Query('SH-PD'))).count).toBe(0);
  expect((await env.client.workflow.count(overdueLevel1Query('SH-PD').replace('Overdue=true', 'Overdue=false'))).count).toBeGreaterThanOrEqual(1);
}, 60_000);
