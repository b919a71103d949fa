/**
 * The compliance figures of one office (branch, central sub-branch or tier-4 office) for one period.
 * Counted in two ways that must agree: in memory from projection records (computeCompliance, pure:
 * the same records and period always give the same figures), and in SQL over the office's period
 * only (stores/evidence-queries.ts). Both produce the same ComplianceCounts, and figuresOf turns
 * those into the figures, so each derived number is computed once.
 *
 * The period is placed by fixed business dates, never by "now":
 *   - a policy belongs to the period of its callback date (domain/callback-month.ts: the day its
 *     receipt was signed, 回执签收日, else the local day its callback started): the same definition
 *     as the fallback cap's office-month and the sampling draw's scope;
 *   - a ticket belongs to the period it was opened in (local date).
 * A record's state is its last write, so figures of a period still in progress grow as cases close;
 * a closed period's figures stay put.
 *
 * "Called inside the cooling-off period" (犹豫期内电话回访成功) counts a SUCCESSFUL phone callback only:
 * the callback ended completed by phone (stage COMPLETED, recording verified, completedBy 'phone')
 * and the call it was completed on (successfulCallAt: the last call whose outcome was 'completed',
 * the confirming call when the first call's answers needed the agent) was recorded before the
 * cooling-off period ended. A call that reached someone other than the policyholder, or whose
 * answers left problems unresolved, does not count, however early it was.
 */
import { z } from 'zod';
import { callbackDateOf } from './callback-month';
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
  /**
   * Successful phone callbacks inside the cooling-off period (see the header: completed by phone, on a
   * call recorded before the period ended), over policies needing a callback.
   */
  calledInCoolingOff: Ratio;
  /** Completed callbacks by the channel they were completed through. */
  completed: { total: number; byPhone: number; byECallback: number; byLetter: number; byOnsite: number };
  /** The legitimate exclusions: a signed waiver accepted, or the policyholder refused on the call. */
  exclusions: { waived: number; refused: number };
  /** Completed over policies needing a callback less the exclusions (the regulator expects 100%). */
  successRate: Ratio;
  /** Still open: a call, ticket, receipt or recording outstanding. */
  open: number;
  /** Closed without a callback and not excluded: unreachable, closed by the branch, problems unresolved. */
  unsuccessful: number;
  /**
   * Cases that went up to the branch (escalated: a deadline passed, a loop bound was reached, no
   * fallback allowed); of those, still unresolved (open, with the branch) and closed by the branch's
   * decision. The rest completed late (a recording or receipt arrived) or were waived.
   */
  escalation: { escalated: number; unresolved: number; closedByBranch: number };
  /**
   * Sampled rules (0 < ratio < 1, R3 and its regional raises): per rule and ratio, the policies it
   * applied to and those drawn for a callback. The systematic draw (domain/sampling.ts) keeps the
   * share at or above the ratio in every tier-4 office and callback month, so a whole-month period
   * of any office shows atLeastRatio.
   */
  sampling: { ruleId: string; ratio: number; called: Ratio; atLeastRatio: boolean }[];
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

/**
 * The counts the figures are made of (every one over the office's policies or tickets of the period),
 * counted in memory by computeCompliance or in SQL by stores/evidence-queries.ts.
 */
export interface ComplianceCounts {
  policies: number;
  /** Policies a rule requires a callback for; every count below but `sampling` is of these. */
  needing: number;
  completed: number;
  completedBy: { phone: number; eCallback: number; letter: number; onsite: number };
  waived: number;
  refused: number;
  /** Not closed: no closedAt and not COMPLETED, WAIVED or REFUSED. */
  open: number;
  /** Closed, and not COMPLETED, WAIVED or REFUSED. */
  unsuccessful: number;
  calledInCoolingOff: number;
  fallbackGranted: { letter: number; onsite: number };
  fallbackRefused: number;
  escalated: number;
  unresolved: number;
  closedByBranch: number;
  /** Of all the period's policies (required or not) under a sampled rule: per rule and ratio. */
  sampling: { ruleId: string; ratio: number; eligible: number; required: number }[];
  tickets: { opened: number; byType: Record<TicketType, number>; replied: number; repliedOnTime: number; overdue: number; overdueUnreplied: number };
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

const inPeriod = (date: LocalDate, q: ComplianceQuery) => date >= q.from && date <= q.to;
const CLOSING_STAGES: readonly string[] = ['COMPLETED', 'WAIVED', 'REFUSED'];

/** A successful phone callback inside the cooling-off period: the definition in the header. */
export function calledInCoolingOff(r: CallbackRecord): boolean {
  return (
    r.stage === 'COMPLETED' &&
    r.completedBy === 'phone' &&
    r.successfulCallAt !== undefined &&
    r.coolingOffEndsAt !== undefined &&
    Date.parse(r.successfulCallAt) < Date.parse(r.coolingOffEndsAt)
  );
}

/** A rule that samples: a draw decides (domain/sampling.ts). */
export const isSampledRatio = (ratio: number | undefined): ratio is number => ratio !== undefined && ratio > 0 && ratio < 1;

export function checkPeriod(query: ComplianceQuery): void {
  if (query.to < query.from) throw new RangeError(`the period ends (${query.to}) before it starts (${query.from})`);
}

/** The counts over records already in memory: the office's own (at any level) of the period are kept. */
export function countCompliance(callbacks: readonly CallbackRecord[], tickets: readonly TicketRecord[], query: ComplianceQuery, timeZone: string): { counts: ComplianceCounts; level?: OfficeLevel } {
  checkPeriod(query);
  const policies = callbacks.filter((r) => levelOf(r, query.office) && inPeriod(callbackDateOf(r, timeZone), query));
  const opened = tickets.filter((t) => levelOf(t, query.office) && inPeriod(localDateOf(new Date(t.openedAt), timeZone), query));
  const level = policies.map((r) => levelOf(r, query.office)).concat(opened.map((t) => levelOf(t, query.office)))[0];

  const needing = policies.filter((r) => r.required);
  const count = (pred: (r: CallbackRecord) => boolean) => needing.filter(pred).length;
  const closed = (r: CallbackRecord) => r.closedAt !== undefined || CLOSING_STAGES.includes(r.stage);
  const completedBy = (by: CallbackRecord['completedBy']) => count((r) => r.stage === 'COMPLETED' && r.completedBy === by);
  const granted = (kind: string) => count((r) => r.fallback?.granted === true && r.fallback.kind === kind);

  const scopes = new Map<string, { ruleId: string; ratio: number; eligible: number; required: number }>();
  for (const r of policies) {
    if (r.ruleId === undefined || !isSampledRatio(r.ratio)) continue;
    const key = `${r.ruleId} ${r.ratio}`;
    const scope = scopes.get(key) ?? { ruleId: r.ruleId, ratio: r.ratio, eligible: 0, required: 0 };
    scope.eligible++;
    if (r.required) scope.required++;
    scopes.set(key, scope);
  }

  const replied = opened.filter((t) => t.repliedAt !== undefined);
  const byType = Object.fromEntries(TICKET_TYPES.map((type) => [type, opened.filter((t) => t.type === type).length])) as Record<TicketType, number>;
  return {
    level,
    counts: {
      policies: policies.length,
      needing: needing.length,
      completed: count((r) => r.stage === 'COMPLETED'),
      completedBy: { phone: completedBy('phone'), eCallback: completedBy('e-callback'), letter: completedBy('letter'), onsite: completedBy('onsite') },
      waived: count((r) => r.stage === 'WAIVED'),
      refused: count((r) => r.stage === 'REFUSED'),
      open: count((r) => !closed(r)),
      unsuccessful: count((r) => closed(r) && !CLOSING_STAGES.includes(r.stage)),
      calledInCoolingOff: count(calledInCoolingOff),
      fallbackGranted: { letter: granted('letter'), onsite: granted('onsite') },
      fallbackRefused: count((r) => r.fallback !== undefined && !r.fallback.granted),
      escalated: count((r) => r.escalatedAt !== undefined),
      unresolved: count((r) => r.stage === 'UNRESOLVED'),
      closedByBranch: count((r) => r.stage === 'CLOSED_BY_BRANCH'),
      sampling: [...scopes.values()],
      tickets: {
        opened: opened.length,
        byType,
        replied: replied.length,
        repliedOnTime: replied.filter((t) => !t.replyLate).length,
        overdue: opened.filter((t) => t.overdue).length,
        overdueUnreplied: opened.filter((t) => t.overdue && t.repliedAt === undefined).length,
      },
    },
  };
}

/** The figures from their counts: every ratio and comparison, in one place for both ways of counting. */
export function figuresOf(counts: ComplianceCounts, query: ComplianceQuery, level: OfficeLevel | undefined, options: ComplianceOptions): ComplianceFigures {
  const c = counts;
  const grantedTotal = c.fallbackGranted.letter + c.fallbackGranted.onsite;
  const fallbackShare = ratio(grantedTotal, c.needing);
  const sampling = [...c.sampling]
    .sort((a, b) => (a.ruleId === b.ruleId ? a.ratio - b.ratio : a.ruleId < b.ruleId ? -1 : 1))
    .map((s) => ({ ruleId: s.ruleId, ratio: s.ratio, called: ratio(s.required, s.eligible), atLeastRatio: s.required >= s.eligible * s.ratio - 1e-9 }));
  return {
    office: query.office,
    level,
    period: { from: query.from, to: query.to, policiesBy: 'receiptSignedOn', ticketsBy: 'openedOn' },
    policies: c.policies,
    needingCallback: c.needing,
    notRequired: c.policies - c.needing,
    calledInCoolingOff: ratio(c.calledInCoolingOff, c.needing),
    completed: { total: c.completed, byPhone: c.completedBy.phone, byECallback: c.completedBy.eCallback, byLetter: c.completedBy.letter, byOnsite: c.completedBy.onsite },
    exclusions: { waived: c.waived, refused: c.refused },
    successRate: ratio(c.completed, c.needing - c.waived - c.refused),
    open: c.open,
    unsuccessful: c.unsuccessful,
    escalation: { escalated: c.escalated, unresolved: c.unresolved, closedByBranch: c.closedByBranch },
    sampling,
    fallback: {
      ...fallbackShare,
      letter: c.fallbackGranted.letter,
      onsite: c.fallbackGranted.onsite,
      refused: c.fallbackRefused,
      cap: options.maxShare,
      withinCap: (fallbackShare.rate ?? 0) <= options.maxShare + 1e-9,
    },
    tickets: {
      opened: c.tickets.opened,
      byType: c.tickets.byType,
      repliedOnTime: ratio(c.tickets.repliedOnTime, c.tickets.replied),
      overdue: c.tickets.overdue,
      overdueUnreplied: c.tickets.overdueUnreplied,
    },
  };
}

export function computeCompliance(
  callbacks: readonly CallbackRecord[],
  tickets: readonly TicketRecord[],
  query: ComplianceQuery,
  options: ComplianceOptions,
): ComplianceFigures {
  const { counts, level } = countCompliance(callbacks, tickets, query, options.timeZone);
  return figuresOf(counts, query, level, options);
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
    ['犹豫期内电话回访成功 completed by phone on a call inside the cooling-off period', pct(f.calledInCoolingOff)],
    ['回访成功 completed (phone / e-callback / letter / on-site)', `${f.completed.total} (${f.completed.byPhone} / ${f.completed.byECallback} / ${f.completed.byLetter} / ${f.completed.byOnsite})`],
    ['  电话回访成功 completed by phone', String(f.completed.byPhone)],
    ['  电子化回访成功 completed by e-callback', String(f.completed.byECallback)],
    ['  信函回访成功 completed by letter', String(f.completed.byLetter)],
    ['  上门回访成功 completed on site', String(f.completed.byOnsite)],
    ['免回访 waived', String(f.exclusions.waived)],
    ['拒绝回访 refused', String(f.exclusions.refused)],
    ['回访成功率 success rate (exclusions removed)', pct(f.successRate)],
    ['处理中 open', String(f.open)],
    ['回访失败 unsuccessful (closed)', String(f.unsuccessful)],
    ['上报分公司 escalated to the branch', String(f.escalation.escalated)],
    ['  待分公司处理 unresolved (with the branch)', String(f.escalation.unresolved)],
    ['  分公司决定结案 closed by the branch', String(f.escalation.closedByBranch)],
    ...f.sampling.map((s): [string, string] => [
      `抽样回访 ${s.ruleId} sampled share (比例 ratio ${s.ratio})`,
      `${pct(s.called)}, ${s.atLeastRatio ? 'at or above' : 'BELOW'} the ratio`,
    ]),
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
