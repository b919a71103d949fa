/**
 * The document store: where the documents of the flows are written (registers, transfer orders,
 * letters, the exemption lists) and where scanned documents (waiver statements, receipts) are
 * uploaded. A local folder by default; another store (object storage, a file share) implements
 * `DocumentStore`. Where each document lives in it: stores/document-paths.ts; what they say:
 * documents/.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

export interface DocumentStore {
  /** Writes (or replaces) the document at `path` (relative to the store); returns where it now is. */
  save(path: string, content: Buffer | string): Promise<string>;
  read(path: string): Promise<Buffer>;
  /** Deletes the document, or the folder of documents, at `path` (its legal period is over); false when nothing was there. */
  remove(path: string): Promise<boolean>;
}

/** A definite "no" (a path outside the store, an unusable name): retrying will not help. */
export class DocumentPathRejected extends Error {}

export class LocalFolderDocumentStore implements DocumentStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The absolute path of `path` inside the root; rejects anything that would leave it. */
  pathOf(path: string): string {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new DocumentPathRejected(`document path '${path}' is not usable`);
    const full = resolve(this.root, path);
    if (!full.startsWith(this.root + sep)) throw new DocumentPathRejected(`document path '${path}' leaves the document folder`);
    return full;
  }

  async save(path: string, content: Buffer | string): Promise<string> {
    const full = this.pathOf(path);
    // Owner only: documents name policies and offices, scanned ones carry signatures.
    await mkdir(dirname(full), { recursive: true, mode: 0o700 });
    // Write beside, then rename: a reader (or a retried activity) never sees half a file.
    const temp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, content, { mode: 0o600 });
      await rename(temp, full);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return full;
  }

  async remove(path: string): Promise<boolean> {
    const full = this.pathOf(path);
    const there = await stat(full).then(() => true, () => false);
    await rm(full, { recursive: true, force: true });
    return there;
  }

  async read(path: string): Promise<Buffer> {
    return readFile(this.pathOf(path));
  }
}
