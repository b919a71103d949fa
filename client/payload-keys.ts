/**
 * Where the payload encryption keys come from.
 *   HUIFANG_PAYLOAD_KEYS     "id1:<base64 32 bytes>,id2:<base64>" (a secret store's injection in production)
 *   HUIFANG_PAYLOAD_KEY_ID   id of the key to encrypt with (default: the last one listed)
 *   HUIFANG_PAYLOAD_KEYS_FILE  else a JSON file { "current": "id", "keys": { "id": "<base64>" } };
 *                            default data/payload-keys.json, created with a fresh key for local runs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type EncryptionCodecOptions, type PayloadKeyring } from './encryption-codec';

export const DEFAULT_KEYS_FILE = resolve(__dirname, '..', 'data', 'payload-keys.json');

export function parseKeyList(list: string, currentKeyId?: string): PayloadKeyring {
  const keys = new Map<string, Buffer>();
  for (const entry of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error(`HUIFANG_PAYLOAD_KEYS: '${entry.slice(0, 8)}…' is not of the form id:base64`);
    keys.set(entry.slice(0, colon), Buffer.from(entry.slice(colon + 1), 'base64'));
  }
  if (keys.size === 0) throw new Error('HUIFANG_PAYLOAD_KEYS lists no key');
  return { keys, currentKeyId: currentKeyId ?? [...keys.keys()].at(-1)! };
}

export function generateKeyring(keyId = `k${Date.now()}`): PayloadKeyring {
  return { currentKeyId: keyId, keys: new Map([[keyId, randomBytes(32)]]) };
}

export function writeKeyringFile(file: string, keyring: PayloadKeyring): void {
  mkdirSync(dirname(file), { recursive: true });
  const keys = Object.fromEntries([...keyring.keys].map(([id, key]) => [id, key.toString('base64')]));
  writeFileSync(file, JSON.stringify({ current: keyring.currentKeyId, keys }, null, 2) + '\n', { mode: 0o600 });
}

export function readKeyringFile(file: string): PayloadKeyring {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
  return {
    currentKeyId: parsed.current,
    keys: new Map(Object.entries(parsed.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')])),
  };
}

/**
 * The keyring from the environment. `createIfMissing` is for local runs only: it writes a fresh key
 * to the default file so a first `npm start` just works.
 */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env, createIfMissing = false): PayloadKeyring {
  if (env.HUIFANG_PAYLOAD_KEYS) return parseKeyList(env.HUIFANG_PAYLOAD_KEYS, env.HUIFANG_PAYLOAD_KEY_ID);
  const file = env.HUIFANG_PAYLOAD_KEYS_FILE ?? DEFAULT_KEYS_FILE;
  if (!existsSync(file)) {
    if (!createIfMissing) {
      throw new Error(`no payload keys: set HUIFANG_PAYLOAD_KEYS or create ${file} (npm start makes one for local runs)`);
    }
    writeKeyringFile(file, generateKeyring('local-1'));
  }
  return readKeyringFile(file);
}

/** The data converter every worker and client of huifang uses: payloads encrypted at rest; a worker refuses any in clear. */
export function huifangDataConverter(keyring: PayloadKeyring, options: EncryptionCodecOptions = {}): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring, options)] };
}
