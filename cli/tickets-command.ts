/**
 * `huifang tickets list|step`: transfer tickets for the staff who route them. `list` reads the
 * system of record (no personal data; no Temporal needed); `step` sends one routing step as the
 * ticket's `advanceTicket` Update, checked by the workflow before anything changes.
 */
import { parseArgs } from 'node:util';
import { NotFoundError, RequestRejectedError } from '../domain/errors';
import type { TicketFilter, TicketSummary } from '../client/huifang-client';
import { ACTOR_ROLES, STEP_RULES, TICKET_STAGES, ticketStepSchema, type Actor, type TicketStage } from '../domain/ticket';
import { TICKET_TYPES, type TicketType } from '../domain/transfer-reasons';
import { localStamp } from '../workflows/summaries';
import { UsageError, type CliContext, type Command } from './command';
import { noWorkerMessage, QUERY_TIMEOUT_MS, withTimeout } from './with-timeout';

const STEPS = Object.keys(STEP_RULES);

const usage = `Usage: huifang tickets list [filters] [--limit N] [--json]
       huifang tickets step <ticketId> <step> --as <role>:<id>[@office] [--phone N] [--action TEXT] [--note TEXT] [--json]

list: the transfer tickets that match every filter given, most recently opened first (from the
system of record: HUIFANG_DATABASE_URL, else \`npm start\`'s database; Temporal is not needed).
  --branch CODE, --central-sub-branch CODE, --tier4-office CODE, --agent CODE
  --stage ${TICKET_STAGES.join('|')}
  --type ${TICKET_TYPES.join('|')}
  --overdue / --not-overdue
  --limit N        at most N tickets (default 200)

step: one routing step, taken by the person named with --as (role ${ACTOR_ROLES.join('|')}; a tier-3
handler or tier-4 office gives its office code after @). Steps, in order:
${STEPS.map((s) => `  ${s.padEnd(14)}by ${STEP_RULES[s as keyof typeof STEP_RULES].role}`).join('\n')}
  --phone N        the corrected phone number (reply to a failed-callback ticket)
  --action TEXT    what was done (reply to a level-1 or level-2 ticket)
  --note TEXT      a remark kept with the step

  e.g. huifang tickets list --central-sub-branch SH-PD --type level-1 --overdue
       huifang tickets step P202611250001-T1 dispatch --as tier3:u-zhao@SH-PD

Exit code: 0 done, 1 the step was refused (the reason is printed) or no such ticket, 2 bad arguments.`;

export const ticketsCommand: Command = {
  name: 'tickets',
  synopsis: 'tickets list|step …',
  summary: 'list transfer tickets (by office, agent, stage, overdue) and take a routing step',
  usage,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, ctx);
    if (sub === 'step') return step(rest, ctx);
    throw new UsageError(sub === undefined ? 'which one: list or step?' : `unknown tickets command '${sub}' (list or step)`);
  },
};

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      branch: { type: 'string' },
      'central-sub-branch': { type: 'string' },
      'tier4-office': { type: 'string' },
      agent: { type: 'string' },
      stage: { type: 'string' },
      type: { type: 'string' },
      overdue: { type: 'boolean' },
      'not-overdue': { type: 'boolean' },
      limit: { type: 'string', default: '200' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`tickets list takes no arguments, only filters (got '${positionals[0]}')`);
  if (values.overdue && values['not-overdue']) throw new UsageError('--overdue and --not-overdue exclude each other');
  const oneOf = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value !== undefined && !allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not '${value}'`);
    return value as T | undefined;
  };
  const code = (name: string, value: string | undefined) => {
    if (value !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(value)) throw new UsageError(`--${name} must be an office or agent code (letters, digits, - and _), not '${value}'`);
    return value;
  };
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, not '${values.limit}'`);
  const filter: TicketFilter = {
    branch: code('branch', values.branch),
    centralSubBranch: code('central-sub-branch', values['central-sub-branch']),
    tier4Office: code('tier4-office', values['tier4-office']),
    agentCode: code('agent', values.agent),
    stage: oneOf<TicketStage>('stage', values.stage, TICKET_STAGES),
    type: oneOf<TicketType>('type', values.type, TICKET_TYPES),
    overdue: values.overdue ? true : values['not-overdue'] ? false : undefined,
  };
  const tickets = await (await ctx.evidence()).ticketRows(filter, limit);
  if (values.json) {
    ctx.stdout.write(JSON.stringify({ count: tickets.length, tickets }, null, 2) + '\n');
    return 0;
  }
  ctx.stdout.write(formatTicketTable(tickets).join('\n') + '\n');
  return 0;
}

/** One line per ticket, aligned; times in Asia/Shanghai. */
export function formatTicketTable(tickets: readonly TicketSummary[]): string[] {
  if (tickets.length === 0) return ['no tickets match'];
  const rows = tickets.map((t) => [
    t.ticketId,
    t.type,
    t.stage,
    t.dueAt ? localStamp(t.dueAt) : '-',
    t.overdue ? 'OVERDUE' : '',
    `${t.centralSubBranch}/${t.tier4Office}`,
    t.agentCode,
    localStamp(t.startedAt),
  ]);
  const header = ['ticket', 'type', 'stage', 'reply due', 'overdue', 'office', 'agent', 'opened'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line), `${tickets.length} ticket${tickets.length === 1 ? '' : 's'}`];
}

async function step(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      phone: { type: 'string' },
      action: { type: 'string' },
      note: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 2) throw new UsageError('tickets step takes a ticket id and a step');
  const [ticketId, stepName] = positionals;
  if (!/^[A-Za-z0-9-]+-T\d+$/.test(ticketId)) throw new UsageError(`'${ticketId}' is not a ticket id (<policyNo>-T<n>)`);
  if (!STEPS.includes(stepName)) throw new UsageError(`'${stepName}' is not a step: one of ${STEPS.join(', ')}`);
  if (!values.as) throw new UsageError('who takes the step? --as <role>:<id>[@office]');
  // Only the fields given: each step's schema is strict about the fields it takes.
  const fields = { correctedPhone: values.phone, actionTaken: values.action, note: values.note };
  const parsed = ticketStepSchema.safeParse({
    step: stepName,
    actor: parseActor(values.as),
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${issue.path.join('.') || 'step'}: ${issue.message}`);
  }
  const huifang = await ctx.connect();
  try {
    const ticket = await withTimeout(huifang, QUERY_TIMEOUT_MS, noWorkerMessage(huifang.taskQueue), () => huifang.advanceTicket(ticketId, parsed.data));
    if (values.json) ctx.stdout.write(JSON.stringify(ticket, null, 2) + '\n');
    else {
      const due = ticket.dueAt && !ticket.reply ? `, reply due ${localStamp(ticket.dueAt)}` : '';
      ctx.stdout.write(`${ticketId}: ${stepName} recorded; now ${ticket.stage}${due}${ticket.reply?.late ? ' (the reply was late)' : ''}\n`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof RequestRejectedError || err instanceof NotFoundError)) throw err;
    ctx.stderr.write(`huifang tickets step: refused: ${err.message}\n`);
    return 1;
  }
}

/** `tier3:u-zhao@SH-PD` → { role: 'tier3', id: 'u-zhao', office: 'SH-PD' }. */
export function parseActor(text: string): Actor {
  const m = /^([a-z0-9]+):([^@\s]+)(?:@(\S+))?$/.exec(text);
  if (!m) throw new UsageError(`--as must be <role>:<id>[@office], not '${text}'`);
  const [, role, id, office] = m;
  if (!(ACTOR_ROLES as readonly string[]).includes(role)) throw new UsageError(`--as: the role must be one of ${ACTOR_ROLES.join(', ')}, not '${role}'`);
  return { role: role as Actor['role'], id, ...(office ? { office } : {}) };
}
