/**
 * Replays recorded histories of the callback workflow (test/histories/*.json) against the current
 * workflow code. A failure means a change to workflows/ is not deterministic for workflows already
 * running: put it behind `patched()` (or a new workflow type) rather than re-recording. Re-record
 * only after a deliberate compatible change: `npx tsx scripts/record-histories.ts`.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { EncryptionCodec } from '../client/encryption-codec';
import { huifangDataConverter } from '../client/payload-keys';
import type { CallbackSummary } from '../domain/callback-state';
import { aContract } from './helpers/contracts';
import { loadHistories, SCENARIOS } from './helpers/replay-histories';
import { replayTestKeyring } from './helpers/replay-keyring';
import { workflowBundle } from './helpers/temporal-env';

const all = loadHistories();
const histories = all.filter((r) => r.workflowType === 'callbackWorkflow');
const ticketHistories = all.filter((r) => r.workflowType === 'transferTicketWorkflow');

test('every scenario has a committed history, and those that record tickets have their tickets too', () => {
  // Earlier versions' histories stay alongside, as `<scenario>.<version>.json`.
  expect([...new Set(histories.map((r) => r.scenario))].sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  expect(all.length).toBe(histories.length + ticketHistories.length);
  for (const s of SCENARIOS.filter((sc) => sc.recordTickets)) expect(ticketHistories.some((t) => t.scenario === s.name)).toBe(true);
});

describe.each(ticketHistories)('ticket history $name', ({ workflowId, history }) => {
  test('is a closed transfer ticket', () => {
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
    // Nothing personal in clear text: the contract went in encrypted.
    expect(JSON.stringify(history)).not.toContain(aContract().policyholder.phone);
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
