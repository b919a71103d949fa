/** `huifang report compliance`: an office's compliance figures for a period, from the system of record. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { complianceFromEvidence } from '../stores/evidence-queries';
import { complianceCsv, complianceTable, complianceXlsx } from '../documents/compliance-report';
import { loadSettings } from '../config/settings';
import { complianceQuerySchema } from '../domain/compliance';
import { describeFieldErrors, toFieldErrors } from '../domain/validation';
import { UsageError, type Command } from './command';

const FORMATS = ['table', 'csv', 'xlsx', 'json'] as const;

const usage = `Usage: huifang report compliance --office CODE --from YYYY-MM-DD --to YYYY-MM-DD [--format table|csv|xlsx|json] [--out FILE]

The compliance figures of one office (a branch, a central sub-branch or a tier-4 office) for a
period: policies needing a callback, called inside the cooling-off period, success rate (waivers
and refusals excluded), letter + on-site share against the cap, tickets by type, replies on time,
overdue tickets. The same as GET /v1/compliance/CODE?from=…&to=… .

A policy counts in the period its receipt was signed in, a ticket in the period it was opened in:
the same period always gives the same figures for the same records.

Options:
  --office CODE        the office code, of any level
  --from, --to DATE    the period, both days included
  --format F           table (default), csv, xlsx (needs --out) or json
  --out FILE           write there instead of to stdout
  -h, --help           this text

Reads the system of record (HUIFANG_DATABASE_URL, else npm start's embedded PostgreSQL); needs no
Temporal connection.
Exit code: 0 written, 2 bad arguments.`;

export const reportCommand: Command = {
  name: 'report',
  synopsis: 'report compliance --office X --from D --to D',
  summary: "an office's compliance figures for a period (table, CSV or .xlsx)",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        office: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        format: { type: 'string', default: 'table' },
        out: { type: 'string' },
      },
    });
    if (positionals.length !== 1 || positionals[0] !== 'compliance') throw new UsageError("which report? 'report compliance' is the one there is");
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${values.format}'`);
    if (format === 'xlsx' && !values.out) throw new UsageError('--format xlsx needs --out FILE');
    const parsed = complianceQuerySchema.safeParse({ office: values.office, from: values.from, to: values.to });
    if (!parsed.success) throw new UsageError(describeFieldErrors(toFieldErrors(parsed.error).map((e) => ({ ...e, field: `--${e.field}` }))));

    const settings = loadSettings();
    const figures = await complianceFromEvidence(await ctx.evidence(), parsed.data, { timeZone: settings.timeZone, maxShare: settings.fallback.maxShare });
    const content =
      format === 'xlsx'
        ? await complianceXlsx(figures, settings.timeZone)
        : format === 'csv'
          ? complianceCsv(figures)
          : format === 'json'
            ? JSON.stringify(figures, null, 2) + '\n'
            : complianceTable(figures);
    if (values.out) {
      writeFileSync(values.out, content);
      ctx.stdout.write(`wrote ${values.out}\n`);
    } else {
      ctx.stdout.write(content.toString());
    }
    return 0;
  },
};
