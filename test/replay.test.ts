/**
 * Replays recorded histories of the callback workflow (test/histories/*.json) against the current
 * workflow code. A failure means a change to workflows/ is not deterministic for workflows already
 * running: put it behind `patched()` (or a new workflow type) rather than re-recording. Re-record
 * only after a deliberate compatible change: `npx tsx scripts/record-histories.ts`.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { EncryptionCodec } from '../client/encryption-codec';
import { huifangDataConverter } from '../client/payload-keys';
import type { CallbackSummary } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import type { CallbackWorkflowInput } from '../workflows/callback.workflow';
import { findClearText } from './helpers/clear-text-scan';
import { assessmentResultInNextTask, loadHistories, SCENARIOS, type RecordedHistory } from './helpers/replay-histories';
import { replayTestKeyring } from './helpers/replay-keyring';
import { workflowBundle } from './helpers/temporal-env';

const all = loadHistories();
const histories = all.filter((r) => r.workflowType === 'callbackWorkflow');
const ticketHistories = all.filter((r) => r.workflowType === 'transferTicketWorkflow');
const { EventType } = temporal.api.enums.v1;

/** The contract a callback history was started with, decrypted with the test key. */
async function contractOf(history: History): Promise<Contract> {
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
  const [payload] = await new EncryptionCodec(replayTestKeyring()).decode(input);
  return defaultPayloadConverter.fromPayload<CallbackWorkflowInput>(payload).contract;
}

/** The personal data of a contract, by label: none of it may be readable in a history. */
function personalDataOf(c: Contract): Record<string, string> {
  const pd: Record<string, string | undefined> = {
    'policyholder name': c.policyholder.name,
    'policyholder phone': c.policyholder.phone, // a contract may come without one
    'policyholder ID number': c.policyholder.idNumber,
    'agent name': c.agent.name,
    'agent phone': c.agent.phone,
  };
  return Object.fromEntries(Object.entries(pd).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The callback history a ticket history belongs to (`level-2-ticket.ticket-T1` → `level-2-ticket`). */
const callbackHistoryOf = (ticket: RecordedHistory) => histories.find((r) => r.name === ticket.name.replace(/\.ticket-T\d+$/, ''))!;

const plain = (value: unknown) => defaultPayloadConverter.toPayload(value);

test('every scenario has a committed history, and those that record tickets have their tickets too', () => {
  // Earlier versions' histories stay alongside, as `<scenario>.<version>.json`.
  expect([...new Set(histories.map((r) => r.scenario))].sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  expect(all.length).toBe(histories.length + ticketHistories.length);
  for (const s of SCENARIOS.filter((sc) => sc.recordTickets)) expect(ticketHistories.some((t) => t.scenario === s.name)).toBe(true);
});

test("the queried-while-assessed history has the shape it stands for: the assessment's marker closes the first workflow task, and the workflow's commands after it are in the next", () => {
  // Replaying it is what checks that no patched() is asked where this shape answers it differently.
  const { history } = histories.find((r) => r.name === 'queried-while-assessed')!;
  expect(assessmentResultInNextTask(history.events ?? [])).toBe(true);
  expect(assessmentResultInNextTask(histories.find((r) => r.name === 'clean-call')!.history.events ?? [])).toBe(false);
});

test('the clear-text search finds personal data planted in each place a history can carry text: payload data, memo, search attributes, user metadata, failure messages', async () => {
  // The negative control of the checks below, on every run: a history with one piece of personal data
  // in plain text, in each place in turn, must be caught; the untouched history must not be.
  const { history } = histories.find((r) => r.name === 'clean-call')!;
  const contract = await contractOf(history);
  const pd = personalDataOf(contract);
  expect(Object.keys(pd)).toHaveLength(5);
  expect(pd['policyholder phone']).toMatch(/^1\d{10}$/); // the decrypted contract is a real one
  expect(findClearText(history, pd)).toEqual([]);

  const planted = (plant: (events: NonNullable<History['events']>) => void): History => {
    const copy = structuredClone(history);
    plant(copy.events!);
    return copy;
  };
  const started = (events: NonNullable<History['events']>) => events[0].workflowExecutionStartedEventAttributes!;
  const cases: [string, History, string][] = [
    // The contract re-encoded without the codec: json/plain, as a worker without the codec would write it.
    ['input', planted((e) => (started(e).input!.payloads = [plain({ contract })])), 'policyholder phone'],
    ['memo', planted((e) => (started(e).memo = { fields: { note: plain(`call ${contract.policyholder.phone}`) } })), 'policyholder phone'],
    [
      'search attribute',
      planted((e) => e.push({ eventType: EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { Holder: plain(contract.policyholder.name) } } } })),
      'policyholder name',
    ],
    ['user metadata summary', planted((e) => (e[0].userMetadata = { summary: plain(`ID ${contract.policyholder.idNumber}`) })), 'policyholder ID number'],
    ['user metadata details', planted((e) => (e[1].userMetadata = { details: plain({ agent: contract.agent.name }) })), 'agent name'],
    [
      'failure message',
      planted((e) =>
        e.push({ eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED, activityTaskFailedEventAttributes: { failure: { message: `could not reach ${contract.agent.phone}` } } }),
      ),
      'agent phone',
    ],
  ];
  for (const [where, tampered, what] of cases) {
    expect({ where, found: findClearText(tampered, pd).map((f) => f.what) }).toEqual({ where, found: expect.arrayContaining([what]) });
  }
  // A CJK name JSON-escaped (\\uXXXX) is found too.
  const escaped = planted((e) => (started(e).input!.payloads = [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify({ n: contract.policyholder.name }).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)) }]));
  expect(findClearText(escaped, pd).map((f) => f.what)).toEqual(['policyholder name']);
});

describe.each(ticketHistories)('ticket history $name', (ticket) => {
  const { workflowId, history } = ticket;
  test('is a closed transfer ticket, with no personal data of its policy in clear text', async () => {
    expect(findClearText(history, personalDataOf(await contractOf(callbackHistoryOf(ticket).history)))).toEqual([]);
    const stages = (history.events ?? [])
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TicketStage)
      .filter((p) => p != null)
      .map((p) => defaultPayloadConverter.fromPayload<string>(p));
    expect(stages.at(-1)).toBe('CLOSED');
    expect(history.events?.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  });

  test('replays deterministically with the current workflow code', async () => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter: huifangDataConverter(replayTestKeyring()) }, history, workflowId),
    ).resolves.toBeUndefined();
  });
});

describe.each(histories)('history $name', ({ scenario: scenarioName, workflowId, history }) => {
  const scenario = SCENARIOS.find((s) => s.name === scenarioName)!;

  test('is a callback workflow in the recorded stage, whose payloads the test key decrypts', async () => {
    const events = history.events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('callbackWorkflow');
    // Nothing personal in clear text anywhere (the contract went in encrypted): every string and every
    // payload's bytes, read as text, searched for the contract's own personal data.
    expect(findClearText(history, personalDataOf(await contractOf(history)))).toEqual([]);
    // The last stage the workflow published (search attributes are not encrypted, by design).
    const stages = events
      .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.CallbackStage)
      .filter((p) => p != null)
      .map((p) => defaultPayloadConverter.fromPayload<string>(p));
    expect(stages.at(-1)).toBe(scenario.expectedStage);
    const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes;
    expect(completed != null).toBe(scenario.finished);
    if (completed) {
      const [payload] = await new EncryptionCodec(replayTestKeyring()).decode(completed.result!.payloads!);
      expect(defaultPayloadConverter.fromPayload<CallbackSummary>(payload).stage).toBe(scenario.expectedStage);
    }
  });

  test('replays deterministically with the current workflow code', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: huifangDataConverter(replayTestKeyring()) },
        history,
        workflowId,
      ),
    ).resolves.toBeUndefined();
  });
});
