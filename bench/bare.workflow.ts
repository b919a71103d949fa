/**
 * The bare workflow: the happy path's shape with no domain logic, the yardstick the callback
 * workflow is measured against. Its `shape` (the local activities, activities, timers, Updates and
 * search-attribute upserts of the happy path, in their order) is counted by the bench from a
 * recorded happy-path history (bench/history.ts), so the two do the same Temporal work:
 *
 *   the main flow's commands up to the first Update, one of them handing the "call" to the bare
 *   driver (bench/bare-activities.ts), a timer being a wait for the next Update with a timeout (as
 *   the call slot is) → the driver's Updates, in order, each handler with its own commands → the
 *   main flow's remaining commands → done
 */
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';
import type { BareOp, BareShape } from './bare-shape';
import * as sa from '../workflows/search-attributes';

export const bareUpdate = defineUpdate<number, [number]>('bareUpdate');

const { bareLocal } = proxyLocalActivities<BareActivities>({ startToCloseTimeout: '30 seconds' });
const { bareActivity } = proxyActivities<BareActivities>({ startToCloseTimeout: '1 minute' });

export async function bareWorkflow({ payload, shape }: { payload: unknown; shape: BareShape }): Promise<{ updates: number }> {
  void payload; // carried only so the start input is as large as a real contract
  const workflowId = workflowInfo().workflowId;
  let updatesDone = 0;
  let upserts = 0;
  let timers = 0;
  const upsert = () => {
    upserts++;
    // The same keys the callback's stage upsert carries.
    upsertSearchAttributes([
      { key: sa.CallbackStage, value: `BARE-${upserts}` },
      { key: sa.AttemptCount, value: upserts },
      { key: sa.NextAttemptAt, value: null },
      { key: sa.CoolingOffEnd, value: new Date(Date.now()) },
    ]);
  };
  const run = async (op: BareOp, dispatch: boolean, afterUpdates: boolean) => {
    const input = { workflowId, dispatch, updates: shape.updates.length };
    if (op === 'localActivity') await bareLocal(input);
    else if (op === 'activity') await bareActivity(input);
    else if (op === 'upsert') upsert();
    else if (op === 'sleep') {
      if ((shape.sleepMs ?? 0) > 0) await sleep(shape.sleepMs!);
    }
    else if (afterUpdates) await sleep(1);
    else {
      const k = timers++; // waits for Update k+1 (or a day), as the callback waits for the outcome until the slot ends
      await condition(() => updatesDone > k, '1 day');
    }
  };

  setHandler(bareUpdate, async (i) => {
    const u = shape.updates[i] ?? { localActivities: 0, activities: 0, upserts: 0 };
    for (let n = 0; n < u.localActivities; n++) await bareLocal({ workflowId, dispatch: false, updates: 0 });
    for (let n = 0; n < u.activities; n++) await bareActivity({ workflowId, dispatch: false, updates: 0 });
    for (let n = 0; n < u.upserts; n++) upsert();
    updatesDone++;
    return i;
  });

  for (const [i, op] of shape.before.entries()) await run(op, i === shape.dispatchAt, false);
  await condition(() => updatesDone >= shape.updates.length);
  for (const op of shape.after) await run(op, false, true);
  await condition(allHandlersFinished);
  return { updates: updatesDone };
}
