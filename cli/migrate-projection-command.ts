/**
 * `huifang migrate-projection <dir>`: loads a JSON projection folder (the local-folder store's, before
 * PostgreSQL was the system of record) into the evidence database, record by record.
 *
 * Each record goes through EvidenceStore.putCallback / putTicket, as a workflow's write would: one
 * transaction, applied only when its revision is newer than the stored one. So nothing is ever half
 * applied, a re-run changes nothing, and a record a workflow has written since (a newer revision) is
 * never replaced by the older file. A bad file is reported with its field and skipped; the others load.
 */
import { parseArgs } from 'node:util';
import type { EvidenceStore } from '../stores/evidence-store';
import { UsageError, type Command } from './command';
import { ProjectionFolderError, readProjectionFolder, type ProjectionFile } from './projection-folder';

/** Records written at once (each in its own transaction). */
const CONCURRENCY = 8;

const usage = `Usage: huifang migrate-projection <dir> [--dry-run]

Loads a JSON projection folder, as the local-folder projection store kept it, into the system of
record: <dir>/callbacks/<policyNo>.json (a callback's record) and <dir>/tickets/<ticketId>.json (a
ticket's record).

Every file is checked first (each field of the record, and that the file is named after it). A bad
file is reported with the file and the field, and skipped; the others are loaded. Each record is
written in a transaction of its own, and only when the database has no newer revision of it: running
the command again changes nothing, and a record a workflow has written since is kept. The records
carry no personal data and no evidence detail (attempts, answers, steps): those come with the
workflow's next write.

Options:
  --dry-run    check every file and compare with the database, write nothing
  -h, --help   this text

The database is HUIFANG_DATABASE_URL, else npm start's embedded PostgreSQL; its schema is brought to
the latest first. Payload keys from HUIFANG_PAYLOAD_KEYS or HUIFANG_PAYLOAD_KEYS_FILE. Needs no Temporal.
Prints the counts: read, written, already there (same or newer revision), refused (bad files).
Exit code: 0 every file loaded or already there, 1 some file refused, 2 bad arguments or not a
projection folder, 130 interrupted (records in flight finish; the counts say how far it got).`;

export interface MigrationCounts {
  read: number;
  written: number;
  alreadyThere: number;
  refused: number;
}

export const migrateProjectionCommand: Command = {
  name: 'migrate-projection',
  synopsis: 'migrate-projection <dir>',
  summary: 'load a JSON projection folder (the old folder store) into the system of record',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false } } });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one folder at a time, got ${positionals.length}` : 'which folder?');
    const dryRun = values['dry-run'];
    let files: ProjectionFile[];
    try {
      files = readProjectionFolder(positionals[0]);
    } catch (err) {
      if (!(err instanceof ProjectionFolderError)) throw err;
      ctx.stderr.write(`huifang migrate-projection: ${err.message}\n`);
      return 2;
    }

    const counts: MigrationCounts = { read: files.length, written: 0, alreadyThere: 0, refused: 0 };
    for (const f of files) {
      if (f.ok) continue;
      counts.refused++;
      ctx.stderr.write(`refused ${f.file}: ${f.error}\n`);
    }
    const good = files.filter((f) => f.ok);
    const store = await ctx.evidence();
    let interrupted = false;
    try {
      let next = 0;
      const lane = async () => {
        while (next < good.length) {
          if (ctx.signal?.aborted) {
            interrupted = true;
            return;
          }
          const outcome = await load(store, good[next++], dryRun);
          if (outcome === 'written') counts.written++;
          else counts.alreadyThere++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, good.length) }, lane));
    } finally {
      // The store is the CLI's (closed by main): nothing to close here.
    }
    const verb = dryRun ? 'to write' : 'written';
    ctx.stdout.write(
      `${dryRun ? 'dry run, nothing written: ' : ''}read ${counts.read}, ${verb} ${counts.written}, already there ${counts.alreadyThere}, refused ${counts.refused}` +
        `${interrupted ? ` (interrupted: ${good.length - counts.written - counts.alreadyThere} not looked at)` : ''}\n`,
    );
    return interrupted ? 130 : counts.refused > 0 ? 1 : 0;
  },
};

/**
 * One record: written when the database has no revision of it as new. The store's own guard (in
 * its transaction) decides; the revision read before and after only tells the two cases apart.
 */
async function load(store: EvidenceStore, file: ProjectionFile & { ok: true }, dryRun: boolean): Promise<'written' | 'already there'> {
  const { revision } = file.record;
  const stored = await storedRevision(store, file);
  if (stored !== undefined && stored >= revision) return 'already there';
  if (dryRun) return 'written';
  if (file.kind === 'callbacks') await store.putCallback(file.record);
  else await store.putTicket(file.record);
  // A workflow writing the same record meanwhile may have won with its own revision.
  return (await storedRevision(store, file)) === revision ? 'written' : 'already there';
}

async function storedRevision(store: EvidenceStore, file: ProjectionFile & { ok: true }): Promise<number | undefined> {
  const row =
    file.kind === 'callbacks'
      ? await store.db.selectFrom('policies').select('revision').where('policy_no', '=', file.record.policyNo).executeTakeFirst()
      : await store.db.selectFrom('tickets').select('revision').where('ticket_id', '=', file.record.ticketId).executeTakeFirst();
  return row?.revision;
}
