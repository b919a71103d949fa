/**
 * AES-256-GCM payload codec. Contracts carry names, phone numbers and ID numbers (personal data under
 * PIPL); with this codec on the worker and every client, Temporal stores only ciphertext in workflow
 * histories. The key id travels in each payload's metadata, so keys can rotate: new payloads use the
 * current key, old ones are still read with the key they name.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKeyring {
  /** Id of the key new payloads are encrypted with. */
  currentKeyId: string;
  /** Every key that may still be needed to read history, by id; each 32 bytes. */
  keys: ReadonlyMap<string, Buffer>;
}

export interface EncryptionCodecOptions {
  /**
   * Refuse a payload that is not encrypted instead of passing it through (the worker): a workflow
   * started or signalled in clear (through the frontend, by a client without the keys) then never
   * runs, its task failing visibly with this reason, and its personal data reaches no activity.
   */
  requireEncrypted?: boolean;
}

/** The reason a worker gives for a payload in clear; also what its workflow task failure says. */
export const UNENCRYPTED_PAYLOAD = 'a payload arrived unencrypted: huifang takes only payloads encrypted with its keys (start and signal through the API, the CLI or a client with the payload codec)';

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keyring: PayloadKeyring,
    private readonly options: EncryptionCodecOptions = {},
  ) {
    for (const [id, key] of keyring.keys) {
      if (key.length !== 32) throw new Error(`payload key '${id}' must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!keyring.keys.has(keyring.currentKeyId)) {
      throw new Error(`the current payload key '${keyring.currentKeyId}' is not in the keyring`);
    }
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID_METADATA]: Buffer.from(keyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) {
        if (this.options.requireEncrypted) throw new Error(UNENCRYPTED_PAYLOAD);
        return payload;
      }
      const keyIdBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = keyIdBytes ? Buffer.from(keyIdBytes).toString() : '';
      const key = this.keyring.keys.get(keyId);
      if (!key) throw new Error(`payload was encrypted with key '${keyId}', which is not in the keyring`);
      const data = Buffer.from(payload.data ?? []);
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
