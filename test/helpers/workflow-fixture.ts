/**
 * A workflow test in a few lines. `useWorkflowFixture` starts the time-skipping server for the file
 * and a harness whose worker runs the real activities, any of them replaced by `activities`
 * (Partial<Activities>). The Java test server's workarounds stay where they are kept once: locked
 * time skipping and HUIFANG_TEST_START_AT (temporal-env.ts), day-sized skips (clock.ts, flow-clock.ts),
 * results read without unlocking the clock (drive.ts workflowResult), one cached worker per harness.
 *
 *   const fixture = useWorkflowFixture({ activities: { verifyRecording: async () => { throw … } } });
 *   test('…', () => fixture().withWorker(async () => { … }));
 */
import type { Activities } from '../../activities';
import type { CallCenter } from '../../call-center/call-center';
import type { Settings } from '../../config/settings';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './temporal-env';
import { testSettings } from './test-calendar';

export interface WorkflowFixtureOptions {
  /** Activities to run instead of the real ones. */
  activities?: Partial<Activities>;
  /** Settings built from the server's clock; default: testSettings (no call today or tomorrow). */
  settings?: (serverNow: Date) => Settings;
  callCenter?: CallCenter;
}

/** Registers the file's beforeAll/afterAll; returns the harness once it is up. */
export function useWorkflowFixture(options: WorkflowFixtureOptions = {}): () => TestHarness {
  let harness: TestHarness | undefined;
  beforeAll(async () => {
    const keyring = generateKeyring();
    const env = await startTimeSkippingServer(keyring);
    const now = new Date(await env.currentTimeMs());
    harness = await createHarness(env, keyring, { settings: (options.settings ?? testSettings)(now), activities: options.activities, callCenter: options.callCenter });
  });
  afterAll(async () => {
    await stopServer(harness?.env);
  });
  return () => {
    if (!harness) throw new Error('the workflow fixture is not started (call useWorkflowFixture at the top of the file)');
    return harness;
  };
}
