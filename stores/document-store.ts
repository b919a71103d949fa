/**
 * The document store: where the documents of the flows are written (registers, transfer orders,
 * letters, the exemption lists) and where scanned documents (waiver statements, receipts) are
 * uploaded. A local folder by default; another store (object storage, a file share) implements
 * `DocumentStore`. Where each document lives in it: stores/document-paths.ts; what they say:
 * documents/.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

export interface DocumentStore {
  /** Writes (or replaces) the document at `path` (relative to the store); returns where it now is. */
  save(path: string, content: Buffer | string): Promise<string>;
  /** Writes the document at `path` only if nothing is there yet (scanned documents are never replaced); false when taken. */
  saveNew(path: string, content: Buffer): Promise<boolean>;
  /** Reads the document at `path` (a missing one: ENOENT; a folder: EISDIR, as the file system says). */
  read(path: string): Promise<Buffer>;
  /** The documents directly in the folder `path` (none when it does not exist). */
  list(path: string): Promise<{ name: string; sizeBytes: number }[]>;
  /** Deletes the document, or the folder of documents, at `path` (its legal period is over); false when nothing was there. */
  remove(path: string): Promise<boolean>;
}

/** A definite "no" (a path outside the store, an unusable name): retrying will not help. */
export class DocumentPathRejected extends Error {}

/** A scanned document as a waiver or receipt may cite it: there, a file, read whole; a definite "no" otherwise. */
export async function readCitedDocument(store: DocumentStore, path: string): Promise<Buffer> {
  try {
    return await store.read(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DocumentPathRejected(`document '${path}' is not in the document store; upload it first`);
    if (code === 'EISDIR') throw new DocumentPathRejected(`'${path}' is a folder, not a document`);
    throw err; // the store itself is unavailable: worth trying again
  }
}

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
    const temp = await this.writeBeside(full, content);
    try {
      await rename(temp, full);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return full;
  }

  async saveNew(path: string, content: Buffer): Promise<boolean> {
    const full = this.pathOf(path);
    const temp = await this.writeBeside(full, content);
    try {
      // A hard link fails when the name is taken: two uploads racing for one name never both win.
      await link(temp, full);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  /** Writes `content` beside `full`, whole, owner-only: a reader (or a retried activity) never sees half a file. */
  private async writeBeside(full: string, content: Buffer | string): Promise<string> {
    // Owner only: documents name policies and offices, scanned ones carry signatures.
    await mkdir(dirname(full), { recursive: true, mode: 0o700 });
    const temp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, content, { mode: 0o600 });
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return temp;
  }

  async list(path: string): Promise<{ name: string; sizeBytes: number }[]> {
    const full = this.pathOf(path);
    const entries = await readdir(full, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    const files = entries.filter((e) => e.isFile() && !e.name.endsWith('.tmp'));
    return Promise.all(files.map(async (e) => ({ name: e.name, sizeBytes: (await stat(`${full}${sep}${e.name}`)).size })));
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
