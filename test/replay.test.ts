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
import { loadHistories, SCENARIOS } from './helpers/replay-histories';
import { replayTestKeyring } from './helpers/replay-keyring';
import { workflowBundle } from './helpers/temporal-env';

const histories = loadHistories();

test('every scenario has a committed history', () => {
  expect(histories.map((r) => r.name).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
});

describe.each(histories)('history $name', ({ name, workflowId, history }) => {
  const scenario = SCENARIOS.find((s) => s.name === name)!;

  test('is a finished callback workflow whose payloads the test key decrypts', async () => {
    const events = history.events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('callbackWorkflow');
    const completed = events.at(-1)?.workflowExecutionCompletedEventAttributes;
    expect(completed).toBeDefined();
    // Nothing personal in clear text: the contract went in encrypted.
    expect(JSON.stringify(history)).not.toContain('13912345678');
    const [payload] = await new EncryptionCodec(replayTestKeyring()).decode(completed!.result!.payloads!);
    const summary = defaultPayloadConverter.fromPayload<CallbackSummary>(payload);
    expect(summary.stage).toBe(scenario.expectedStage);
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
