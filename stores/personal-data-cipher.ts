/**
 * Personal data in the system of record: each policy has a data key of its own (random, AES-256),
 * kept only wrapped by a key of the payload keyring (the ones that encrypt workflow histories), and
 * every personal field is AES-256-GCM ciphertext under the policy's key. Deleting the policy's key
 * row crypto-shreds all of its personal data at once, wherever copies of the ciphertext went (backups).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The keys that wrap data keys: the payload keyring's shape (client/encryption-codec.ts). */
export interface WrappingKeys {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export function open(key: Buffer, sealed: Buffer): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/** A new data key for one policy, and its wrapped form to store. */
export function newDataKey(wrapping: WrappingKeys): { key: Buffer; wrapped: Buffer; wrappingKeyId: string } {
  const key = randomBytes(32);
  const wrappingKey = wrapping.keys.get(wrapping.currentKeyId);
  if (!wrappingKey) throw new Error(`the current payload key '${wrapping.currentKeyId}' is not in the keyring`);
  return { key, wrapped: seal(wrappingKey, key), wrappingKeyId: wrapping.currentKeyId };
}

export function unwrapDataKey(wrapping: WrappingKeys, wrapped: Buffer, wrappingKeyId: string): Buffer {
  const wrappingKey = wrapping.keys.get(wrappingKeyId);
  if (!wrappingKey) throw new Error(`a policy's data key is wrapped with payload key '${wrappingKeyId}', which is not in the keyring`);
  return open(wrappingKey, wrapped);
}

export const sealText = (key: Buffer, text: string | undefined): Buffer | null => (text === undefined ? null : seal(key, Buffer.from(text, 'utf8')));
export const openText = (key: Buffer, sealed: Buffer | null): string | undefined => (sealed ? open(key, sealed).toString('utf8') : undefined);
