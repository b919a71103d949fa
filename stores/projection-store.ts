/**
 * Where the projection (domain/callback-record.ts) lives. A local folder by default, one JSON file
 * per record, written beside and renamed so a reader never sees half a file:
 *
 *   callbacks/<policyNo>.json
 *   tickets/<ticketId>.json
 *
 * Several workers on one machine share the folder; on a cluster it is a shared volume, or another
 * store (a database table) implements `ProjectionStore`. A write with a revision not above the stored
 * one is ignored: activities are at-least-once, and a retried older write must not win.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CallbackRecord, TicketRecord } from '../domain/callback-record';

/** Narrows a listing to one office; every code given must match. */
export interface OrgFilter {
  branch?: string;
  centralSubBranch?: string;
  tier4Office?: string;
}

export interface ProjectionStore {
  putCallback(record: CallbackRecord): Promise<void>;
  putTicket(record: TicketRecord): Promise<void>;
  getCallback(policyNo: string): Promise<CallbackRecord | undefined>;
  listCallbacks(filter?: OrgFilter): Promise<CallbackRecord[]>;
  listTickets(filter?: OrgFilter): Promise<TicketRecord[]>;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class LocalFolderProjectionStore implements ProjectionStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  putCallback(record: CallbackRecord): Promise<void> {
    return this.put('callbacks', record.policyNo, record);
  }

  putTicket(record: TicketRecord): Promise<void> {
    return this.put('tickets', record.ticketId, record);
  }

  getCallback(policyNo: string): Promise<CallbackRecord | undefined> {
    return this.read<CallbackRecord>('callbacks', policyNo);
  }

  async listCallbacks(filter: OrgFilter = {}): Promise<CallbackRecord[]> {
    return (await this.list<CallbackRecord>('callbacks')).filter((r) => matches(r, filter));
  }

  async listTickets(filter: OrgFilter = {}): Promise<TicketRecord[]> {
    return (await this.list<TicketRecord>('tickets')).filter((r) => matches(r, filter));
  }

  private fileOf(kind: string, id: string): string {
    if (!SAFE_ID.test(id)) throw new Error(`projection id '${id}' is not usable as a file name`);
    return join(this.root, kind, `${id}.json`);
  }

  private async put(kind: string, id: string, record: { revision: number }): Promise<void> {
    const file = this.fileOf(kind, id);
    const stored = await this.read<{ revision: number }>(kind, id);
    if (stored && stored.revision >= record.revision) return;
    await mkdir(join(this.root, kind), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(record));
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async read<T>(kind: string, id: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.fileOf(kind, id), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private async list<T>(kind: string): Promise<T[]> {
    let names: string[];
    try {
      names = (await readdir(join(this.root, kind))).filter((n) => n.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records = await Promise.all(names.map((n) => this.read<T>(kind, n.slice(0, -'.json'.length))));
    return records.filter((r): r is Awaited<T> => r !== undefined) as T[];
  }
}

function matches(record: OrgFilter, filter: OrgFilter): boolean {
  return (
    (filter.branch === undefined || record.branch === filter.branch) &&
    (filter.centralSubBranch === undefined || record.centralSubBranch === filter.centralSubBranch) &&
    (filter.tier4Office === undefined || record.tier4Office === filter.tier4Office)
  );
}
