/**
 * TEST-ONLY payload key. It encrypts the workflow histories committed under test/histories/ so the
 * replay test can decrypt them; it is public (it is in the repository), so it protects nothing.
 * Never configure it for a worker, a client or any environment (HUIFANG_PAYLOAD_KEYS,
 * data/payload-keys.json): anything encrypted with it is readable by anyone with the code.
 * The histories hold only fictional test data (aContract in test/helpers/contracts.ts).
 */
import type { PayloadKeyring } from '../../client/encryption-codec';

export const REPLAY_TEST_KEY_ID = 'replay-test-only-not-a-secret';
const REPLAY_TEST_KEY_BASE64 = 'P2wYOoVz0V7pduyH/iBi17KQBhtJox/CD26NHENwiWU=';

export function replayTestKeyring(): PayloadKeyring {
  return { currentKeyId: REPLAY_TEST_KEY_ID, keys: new Map([[REPLAY_TEST_KEY_ID, Buffer.from(REPLAY_TEST_KEY_BASE64, 'base64')]]) };
}
