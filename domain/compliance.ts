/**
 * The compliance figures of one office (branch, central sub-branch or tier-4 office) for one period,
 * computed from projection records alone (domain/callback-record.ts). Pure: the same records and
 * the same period always give the same figures, whenever they are asked for.
 *
 * The period is placed by fixed business dates, never by "now":
 *   - a policy belongs to the period its receipt was signed in (回执签收日, the day the cooling-off
 *     period counts from); records written before that date was kept fall back to the local date the
 *     callback started;
 *   - a ticket belongs to the period it was opened in (local date).
 * A record's state is its last write, so figures of a period still in progress grow as cases close;
 * a closed period's figures stay put.
 */
import { z } from 'zod';
import type { CallbackRecord, TicketRecord } from './callback-record';
import { isValidLocalDate, localDateOf, type LocalDate } from './local-time';
import { TICKET_TYPES, type TicketType } from './transfer-reasons';

export type OfficeLevel = 'branch' | 'centralSubBranch' | 'tier4Office';

const localDate = z.string().refine(isValidLocalDate, 'must be a calendar date written YYYY-MM-DD');

/** The API's query string and the CLI's options, checked alike. */
export const complianceQuerySchema = z
  .object({
    /** An office code of any level: a branch, a central sub-branch or a tier-4 office. */
    office: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be an office code'),
    from: localDate,
    /** Inclusive. */
    to: localDate,
  })
  .refine((q) => q.to >= q.from, { path: ['to'], message: 'must not be before from' });
export type ComplianceQuery = z.infer<typeof complianceQuerySchema>;

export interface ComplianceOptions {
  timeZone: string;
  /** The letter + on-site cap (config/fallback.json maxShare). */
  maxShare: number;
}

/** A count over a count; `rate` is undefined when there is nothing to divide by. */
export interface Ratio {
  count: number;
  of: number;
  rate?: number;
}

export interface ComplianceFigures {
  office: string;
  /** Which level the code was found at; undefined when no record of the period names it. */
  level?: OfficeLevel;
  period: { from: LocalDate; to: LocalDate; policiesBy: 'receiptSignedOn'; ticketsBy: 'openedOn' };
  /** Policies that entered the callback process in the period. */
  policies: number;
  /** Policies a rule (R1-R4) requires a callback for: the denominator of everything below. */
  needingCallback: number;
  notRequired: number;
  /** A completed phone call before the cooling-off period ended, over policies needing a callback. */
  calledInCoolingOff: Ratio;
  completed: { total: number; byPhone: number; byLetter: number; byOnsite: number };
  /** The legitimate exclusions: a signed waiver accepted, or the policyholder refused on the call. */
  exclusions: { waived: number; refused: number };
  /** Completed over policies needing a callback less the exclusions (the regulator expects 100%). */
  successRate: Ratio;
  /** Still open: a call, ticket, receipt or recording outstanding. */
  open: number;
  /** Closed without a callback and not excluded: unreachable, escalated to the branch, problems unresolved. */
  unsuccessful: number;
  /** Letter + on-site callbacks granted, over policies needing a callback, against the cap. */
  fallback: Ratio & { letter: number; onsite: number; refused: number; cap: number; withinCap: boolean };
  tickets: {
    opened: number;
    byType: Record<TicketType, number>;
    /** Replies in by the due time, over replies in. */
    repliedOnTime: Ratio;
    /** Tickets that went past their due time (replied late, or not replied). */
    overdue: number;
    /** Of those, still without a reply. */
    overdueUnreplied: number;
  };
}

function ratio(count: number, of: number): Ratio {
  return { count, of, rate: of > 0 ? count / of : undefined };
}

function levelOf(record: Pick<CallbackRecord, OfficeLevel>, office: string): OfficeLevel | undefined {
  if (record.tier4Office === office) return 'tier4Office';
  if (record.centralSubBranch === office) return 'centralSubBranch';
  if (record.branch === office) return 'branch';
  return undefined;
}

/** The business date that places a policy in a period. */
export function policyPeriodDate(record: CallbackRecord, timeZone: string): LocalDate {
  return record.receiptSignedOn ?? localDateOf(new Date(record.startedAt), timeZone);
}

const inPeriod = (date: LocalDate, q: ComplianceQuery) => date >= q.from && date <= q.to;

export function computeCompliance(
  callbacks: readonly CallbackRecord[],
  tickets: readonly TicketRecord[],
  query: ComplianceQuery,
  options: ComplianceOptions,
): ComplianceFigures {
  if (query.to < query.from) throw new RangeError(`the period ends (${query.to}) before it starts (${query.from})`);
  const policies = callbacks.filter((r) => levelOf(r, query.office) && inPeriod(policyPeriodDate(r, options.timeZone), query));
  const opened = tickets.filter((t) => levelOf(t, query.office) && inPeriod(localDateOf(new Date(t.openedAt), options.timeZone), query));
  const level = policies.map((r) => levelOf(r, query.office)).concat(opened.map((t) => levelOf(t, query.office)))[0];

  const needing = policies.filter((r) => r.required);
  const count = (pred: (r: CallbackRecord) => boolean) => needing.filter(pred).length;
  const completed = (by?: CallbackRecord['completedBy']) => count((r) => r.stage === 'COMPLETED' && (by === undefined || r.completedBy === by));
  const waived = count((r) => r.stage === 'WAIVED');
  const refused = count((r) => r.stage === 'REFUSED');
  const closed = (r: CallbackRecord) => r.closedAt !== undefined || ['COMPLETED', 'WAIVED', 'REFUSED'].includes(r.stage);
  const calledInTime = count((r) => r.completedCallAt !== undefined && r.coolingOffEndsAt !== undefined && r.completedCallAt < r.coolingOffEndsAt);
  const granted = needing.filter((r) => r.fallback?.granted);
  const fallbackShare = ratio(granted.length, needing.length);

  const replied = opened.filter((t) => t.repliedAt !== undefined);
  const byType = Object.fromEntries(TICKET_TYPES.map((type) => [type, opened.filter((t) => t.type === type).length])) as Record<TicketType, number>;

  return {
    office: query.office,
    level,
    period: { from: query.from, to: query.to, policiesBy: 'receiptSignedOn', ticketsBy: 'openedOn' },
    policies: policies.length,
    needingCallback: needing.length,
    notRequired: policies.length - needing.length,
    calledInCoolingOff: ratio(calledInTime, needing.length),
    completed: { total: completed(), byPhone: completed('phone'), byLetter: completed('letter'), byOnsite: completed('onsite') },
    exclusions: { waived, refused },
    successRate: ratio(completed(), needing.length - waived - refused),
    open: count((r) => !closed(r)),
    unsuccessful: count((r) => closed(r) && !['COMPLETED', 'WAIVED', 'REFUSED'].includes(r.stage)),
    fallback: {
      ...fallbackShare,
      letter: granted.filter((r) => r.fallback!.kind === 'letter').length,
      onsite: granted.filter((r) => r.fallback!.kind === 'onsite').length,
      refused: count((r) => r.fallback !== undefined && !r.fallback.granted),
      cap: options.maxShare,
      withinCap: (fallbackShare.rate ?? 0) <= options.maxShare + 1e-9,
    },
    tickets: {
      opened: opened.length,
      byType,
      repliedOnTime: ratio(replied.filter((t) => !t.replyLate).length, replied.length),
      overdue: opened.filter((t) => t.overdue).length,
      overdueUnreplied: opened.filter((t) => t.overdue && t.repliedAt === undefined).length,
    },
  };
}

/** The figures as labelled rows (指标, 数值), for the table, CSV and .xlsx renderings. */
export function complianceRows(f: ComplianceFigures): [label: string, value: string][] {
  const pct = (r: Ratio) => (r.rate === undefined ? `${r.count}/${r.of}` : `${r.count}/${r.of} (${(r.rate * 100).toFixed(1)}%)`);
  return [
    ['机构 office', `${f.office}${f.level ? ` (${f.level})` : ' (no records)'}`],
    ['期间 period (回执签收日 receipt signed)', `${f.period.from} – ${f.period.to}`],
    ['保单 policies', String(f.policies)],
    ['需回访 needing a callback', String(f.needingCallback)],
    ['无需回访 not required', String(f.notRequired)],
    ['犹豫期内电话回访成功 called inside the cooling-off period', pct(f.calledInCoolingOff)],
    ['回访成功 completed (phone / letter / on-site)', `${f.completed.total} (${f.completed.byPhone} / ${f.completed.byLetter} / ${f.completed.byOnsite})`],
    ['免回访 waived', String(f.exclusions.waived)],
    ['拒绝回访 refused', String(f.exclusions.refused)],
    ['回访成功率 success rate (exclusions removed)', pct(f.successRate)],
    ['处理中 open', String(f.open)],
    ['回访失败 unsuccessful (closed)', String(f.unsuccessful)],
    ['信函+上门 letter + on-site share', `${pct(f.fallback)}, cap ${(f.fallback.cap * 100).toFixed(0)}%, ${f.fallback.withinCap ? 'within' : 'ABOVE'} the cap`],
    ['信函 / 上门 letter / on-site', `${f.fallback.letter} / ${f.fallback.onsite}`],
    ['信函上门未获准 fallback refused (region, cap)', String(f.fallback.refused)],
    ['转办件 tickets opened', String(f.tickets.opened)],
    ...TICKET_TYPES.map((t): [string, string] => [`  ${t}`, String(f.tickets.byType[t])]),
    ['按时回复 replies on time', pct(f.tickets.repliedOnTime)],
    ['超时 overdue tickets', String(f.tickets.overdue)],
    ['超时未回复 overdue, no reply yet', String(f.tickets.overdueUnreplied)],
  ];
}
