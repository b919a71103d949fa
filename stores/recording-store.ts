/**
 * Recording storage: where call recordings are uploaded before a callback can close. The workflow
 * only closes once the upload is verified here (present, checksum matching). A local folder by
 * default; another store (object storage, the CMP case system) implements `RecordingStore`. The
 * `verifyRecording` activity (activities/verify-recording.ts) asks it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

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

export class LocalFolderRecordingStore implements RecordingStore {
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
