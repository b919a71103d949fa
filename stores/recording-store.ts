/**
 * Recording storage: where call recordings are uploaded before a callback can close. The workflow
 * only closes once the upload is verified here (present, checksum matching). A local folder by
 * default; another store (object storage, the CMP case system) implements `RecordingStore`. The
 * `verifyRecording` activity (activities/verify-recording.ts) asks it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, rm, stat, unlink } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AUDIO_HEAD_BYTES, sniffAudioType, type AudioType } from '../domain/recording-files';

export interface VerifiedRecording {
  sizeBytes: number;
}

export interface RecordingStore {
  /** Throws RecordingRejected when the recording is absent or does not match; other errors are retried. */
  verify(reference: string, checksum: string): Promise<VerifiedRecording>;
  /** Deletes the recording (its legal period is over); false when it was not there. */
  remove(reference: string): Promise<boolean>;
}

/** A definite "no": retrying will not help, so the Update fails at once with this message. */
export class RecordingRejected extends Error {}

/** An upload refused while it streamed in: not audio, or larger than allowed. Nothing of it is kept. */
export class RecordingUploadRefused extends Error {
  constructor(
    readonly why: 'not-audio' | 'too-large' | 'empty' | 'too-many',
    message: string,
  ) {
    super(message);
  }
}

/** A recording stored from an upload: where, what it is, and its checksum computed as it was written. */
export interface StoredRecording {
  reference: string;
  type: AudioType;
  checksum: string;
  sizeBytes: number;
}

/**
 * Recording storage that takes uploads (the staff pages'), streamed: the file is written as it
 * arrives, its type checked on its first bytes, its SHA-256 computed on the way, and it appears
 * under its reference only whole, never over an earlier upload.
 */
export interface RecordingUploads {
  /**
   * Stores `content` under the first free reference `referenceOf(type, version)` gives (1, 2, …).
   * Throws RecordingUploadRefused (nothing kept) when the content is not audio or passes `maxBytes`.
   */
  saveNew(content: AsyncIterable<Buffer>, referenceOf: (type: AudioType, version: number) => string, maxBytes: number): Promise<StoredRecording>;
}

/** How many uploads one call's recording may have (each kept: a verification may have cited any). */
const MAX_VERSIONS = 20;

export class LocalFolderRecordingStore implements RecordingStore, RecordingUploads {
  constructor(readonly root: string) {}

  pathOf(reference: string): string {
    const path = resolve(this.root, reference);
    if (!path.startsWith(resolve(this.root) + sep)) throw new RecordingRejected(`reference '${reference}' leaves the recording folder`);
    return path;
  }

  async remove(reference: string): Promise<boolean> {
    const path = this.pathOf(reference);
    const there = await stat(path).then(() => true, () => false);
    await rm(path, { force: true });
    return there;
  }

  async saveNew(content: AsyncIterable<Buffer>, referenceOf: (type: AudioType, version: number) => string, maxBytes: number): Promise<StoredRecording> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    // Written beside the root under a name no reference can have, then linked into place whole.
    const part = resolve(this.root, `.upload-${randomUUID()}.part`);
    const file = await open(part, 'wx', 0o600);
    const hash = createHash('sha256');
    let head = Buffer.alloc(0);
    let type: AudioType | undefined;
    let size = 0;
    try {
      for await (const chunk of content) {
        size += chunk.length;
        if (size > maxBytes) throw new RecordingUploadRefused('too-large', `the recording is larger than the ${maxBytes} bytes allowed`);
        if (!type) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= AUDIO_HEAD_BYTES) {
            type = sniffAudioType(head);
            if (!type) throw new RecordingUploadRefused('not-audio', 'the file is not a recording (WAV, MP3, AMR, M4A or OGG, by its content)');
          }
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      if (size === 0) throw new RecordingUploadRefused('empty', 'the recording is empty');
      type ??= sniffAudioType(head);
      if (!type) throw new RecordingUploadRefused('not-audio', 'the file is not a recording (WAV, MP3, AMR, M4A or OGG, by its content)');
      await file.sync();
      await file.close();
      for (let version = 1; version <= MAX_VERSIONS; version++) {
        const reference = referenceOf(type, version);
        const path = this.pathOf(reference);
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        try {
          await link(part, path);
          return { reference, type, checksum: `sha256:${hash.digest('hex')}`, sizeBytes: size };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      throw new RecordingUploadRefused('too-many', `${MAX_VERSIONS} recordings are already stored for this call`);
    } finally {
      await file.close().catch(() => undefined);
      await unlink(part).catch(() => undefined);
    }
  }

  async verify(reference: string, checksum: string): Promise<VerifiedRecording> {
    const path = this.pathOf(reference);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new RecordingRejected(`recording '${reference}' is not in storage`);
      throw err;
    }
    const actual = `sha256:${await sha256File(path)}`;
    if (actual !== checksum) {
      throw new RecordingRejected(`recording '${reference}' does not match its checksum (stored file has ${actual})`);
    }
    return { sizeBytes: size };
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
