/** `huifang import <file>`: a file of contracts in, a callback started and a result per row out. */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings } from '../config/settings';
import { localDateOf } from '../domain/local-time';
import { describeFieldErrors } from '../domain/validation';
import { UsageError, type CliContext, type Command } from './command';
import { CONTRACT_COLUMNS } from './contract-columns';
import { ContractFileError, readContractFile } from './contract-file';
import { DEFAULT_CONCURRENCY, importContracts, NOT_REACHED, startUnlessChanged, summarize, type ImportResult } from '../client/import-contracts';
import { progressReporter } from './progress';

/** More than this many rejected rows are counted, not listed (they are all in --out). */
const LISTED_REJECTIONS = 50;

const usage = `Usage: huifang import <file.csv|file.json> [--concurrency N] [--dry-run] [--out results.json]

Starts the callback of every contract in the file and reports a result per row. Rows are checked
against the contract schema one by one, and as the API checks them (no receiptSignedOn after today,
no callPreference wholly outside calling hours unless callPreference.customerRequested is true): a
bad row is reported with its fields named and the others still start. A policy already started is not started again (its existing run is reported), so a
file can safely be imported again, whole or after an interruption.

  file.csv    a header line of the contract's dotted field names, in any order:
              ${CONTRACT_COLUMNS.map((c) => c.name).join(',')}
              (UTF-8, with or without BOM; cells with commas, quotes or line breaks in double
              quotes, a quote doubled; an empty policyholder.phone means none on file;
              callPreference.customerRequested is true or false)
  file.json   an array of contracts, as the API's POST /v1/contracts batch takes them

Options:
  --concurrency N   starts in flight at once (default ${DEFAULT_CONCURRENCY})
  --dry-run         validate every row, start nothing
  --out FILE        write every row's result as JSON: { row, policyNo, ok, workflowId, runId, fields, error }
  -h, --help        this text

Rows are numbered by their line in a CSV file (the header is line 1) and by their index in a JSON
array. Progress goes to stderr, the summary to stdout.
Exit code: 0 every row accepted, 1 some row rejected, 2 bad arguments or unreadable file (nothing
started), 130 interrupted (Ctrl-C: starts in flight finish, the rest are reported as not imported).`;

export const importCommand: Command = {
  name: 'import',
  synopsis: 'import <file.csv|file.json>',
  summary: 'start the callback of every contract in a CSV or JSON file, a result per row',
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        concurrency: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        out: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one file at a time, got ${positionals.length}` : 'which file?');
    const file = positionals[0];
    const concurrency = values.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 256, got '${values.concurrency}'`);
    }
    const dryRun = values['dry-run'];

    let rows;
    try {
      rows = readContractFile(file);
    } catch (err) {
      if (!(err instanceof ContractFileError)) throw err;
      ctx.stderr.write(`huifang import: ${err.message}\n`);
      return 2;
    }
    // Today and the calling hours of the configuration the worker plans with (HUIFANG_CONFIG_DIR).
    const settings = loadSettings();
    const intake = { today: localDateOf(ctx.now?.() ?? new Date(), settings.timeZone), callingHours: settings.callPlan.callingHours };
    // Connect before the bar starts, so a wrong address or missing keys fail once, not per row.
    const huifang = dryRun ? undefined : await ctx.connect();
    const evidence = dryRun ? undefined : await ctx.evidence();

    const progress = progressReporter(ctx.stderr);
    const results = await importContracts(
      rows,
      dryRun ? async () => Promise.reject(new Error('a dry run starts nothing')) : startUnlessChanged(huifang!, evidence!),
      { intake, concurrency, dryRun, signal: ctx.signal },
      (p) => progress.update(p),
    );
    progress.finish();

    const counts = summarize(results);
    if (values.out) writeFileSync(values.out, JSON.stringify({ file, dryRun, ...counts, results }, null, 2) + '\n');
    const label = extname(file).toLowerCase() === '.csv' ? 'line' : 'row';
    ctx.stdout.write(formatSummary(file, results, dryRun, label, values.out));
    if (ctx.signal?.aborted) return 130;
    return counts.rejected === 0 ? 0 : 1;
  },
};

export function formatSummary(file: string, results: readonly ImportResult[], dryRun: boolean, label: string, out?: string): string {
  const { total, accepted, rejected, notReached } = summarize(results);
  const interrupted = notReached ? `, ${notReached} not reached (interrupted: import the file again to finish)` : '';
  const lines = [
    dryRun
      ? `${file}: ${total} rows, ${accepted} valid, ${rejected - notReached} rejected${interrupted} (dry run: nothing started)`
      : `${file}: ${total} rows, ${accepted} started or already running, ${rejected - notReached} rejected${interrupted}`,
  ];
  const refused = results.filter((r) => !r.ok && r.error !== NOT_REACHED);
  for (const r of refused.slice(0, LISTED_REJECTIONS)) {
    const why = r.fields ? describeFieldErrors(r.fields) : r.error;
    lines.push(`  ${label} ${r.row}${r.policyNo ? ` (${r.policyNo})` : ''}: ${why}`);
  }
  if (refused.length > LISTED_REJECTIONS) {
    lines.push(`  … and ${refused.length - LISTED_REJECTIONS} more rejected${out ? '' : ' (--out FILE lists them all)'}`);
  }
  if (out) lines.push(`results written to ${out}`);
  return lines.join('\n') + '\n';
}
