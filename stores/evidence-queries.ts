/**
 * Questions answered from the evidence (stores/evidence-store.ts), the same way for the
 * activities, the API and the CLI: an office's compliance figures for a period, and an office-month's
 * letter/on-site count. Each reads only the office's rows of the period (the org column of the
 * office's level and the callback month, both indexed) and counts in SQL, so a branch-month on
 * millions of policies stays fast.
 */
import { sql } from 'kysely';
import { figuresOf, checkPeriod, type ComplianceCounts, type ComplianceFigures, type ComplianceOptions, type ComplianceQuery, type OfficeLevel } from '../domain/compliance';
import { addCalendarDays, instantAt } from '../domain/local-time';
import { TICKET_TYPES, type TicketType } from '../domain/transfer-reasons';
import type { EvidenceStore, OrgFilter } from './evidence-store';

/** The org column of each level, most specific first (an office code is looked for in that order). */
const LEVEL_COLUMNS: readonly [OfficeLevel, 'tier4_office' | 'central_sub_branch' | 'branch'][] = [
  ['tier4Office', 'tier4_office'],
  ['centralSubBranch', 'central_sub_branch'],
  ['branch', 'branch'],
];

/**
 * The level an office code has in the evidence (any period), or undefined when no policy or ticket
 * names it. Office codes are unique across levels (SH, SH-PD, SH-PD-01), so one level answers.
 */
export async function officeLevelOf(evidence: EvidenceStore, office: string): Promise<OfficeLevel | undefined> {
  for (const [level, column] of LEVEL_COLUMNS) {
    const { rows } = await sql<{ found: boolean }>`
      select exists (select 1 from policies where ${sql.ref(column)} = ${office})
          or exists (select 1 from tickets where ${sql.ref(column)} = ${office}) as found`.execute(evidence.db);
    if (rows[0].found) return level;
  }
  return undefined;
}

const columnOf = (level: OfficeLevel) => LEVEL_COLUMNS.find(([l]) => l === level)![1];

/**
 * The figures, counted in SQL over the office's period only. Each count is the SQL form of the same
 * count in domain/compliance.ts countCompliance (test/compliance.test.ts holds both to the same hand counts).
 */
export async function complianceFromEvidence(evidence: EvidenceStore, query: ComplianceQuery, options: ComplianceOptions): Promise<ComplianceFigures> {
  checkPeriod(query);
  const found = await officeLevelOf(evidence, query.office);
  if (!found) return figuresOf(emptyCounts(), query, undefined, options);
  const org = sql.ref(columnOf(found));
  const tz = options.timeZone;
  // The policies of the period: by the callback date (domain/callback-month.ts), narrowed first by the indexed month.
  const policiesOfPeriod = sql`${org} = ${query.office}
    and callback_month between ${query.from.slice(0, 7)} and ${query.to.slice(0, 7)}
    and coalesce(receipt_signed_on, (started_at at time zone ${tz})::date) between ${query.from}::date and ${query.to}::date`;
  const closing = sql`stage in ('COMPLETED', 'WAIVED', 'REFUSED')`;
  const granted = sql`coalesce((record->'fallback'->>'granted')::boolean, false)`;
  const n = (cond: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where required and ${cond}))::int`;

  const policies = sql<PolicyCounts>`
    select count(*)::int as policies,
      (count(*) filter (where required))::int as needing,
      ${n(sql`stage = 'COMPLETED'`)} as completed,
      ${n(sql`stage = 'COMPLETED' and completed_by = 'phone'`)} as by_phone,
      ${n(sql`stage = 'COMPLETED' and completed_by = 'letter'`)} as by_letter,
      ${n(sql`stage = 'COMPLETED' and completed_by = 'onsite'`)} as by_onsite,
      ${n(sql`stage = 'COMPLETED' and completed_by = 'e-callback'`)} as by_e_callback,
      ${n(sql`stage = 'WAIVED'`)} as waived,
      ${n(sql`stage = 'REFUSED'`)} as refused,
      ${n(sql`closed_at is null and not ${closing}`)} as open,
      ${n(sql`closed_at is not null and not ${closing}`)} as unsuccessful,
      ${n(sql`stage = 'COMPLETED' and completed_by = 'phone' and successful_call_at < cooling_off_ends_at`)} as called,
      ${n(sql`${granted} and record->'fallback'->>'kind' = 'letter'`)} as granted_letter,
      ${n(sql`${granted} and record->'fallback'->>'kind' = 'onsite'`)} as granted_onsite,
      ${n(sql`jsonb_typeof(record->'fallback') = 'object' and not ${granted}`)} as fallback_refused,
      ${n(sql`escalated_at is not null`)} as escalated,
      ${n(sql`stage = 'UNRESOLVED'`)} as unresolved,
      ${n(sql`stage = 'CLOSED_BY_BRANCH'`)} as closed_by_branch
    from policies where ${policiesOfPeriod}`;
  const sampling = sql<{ rule_id: string; ratio: number; eligible: number; required: number }>`
    select rule_id, ratio, count(*)::int as eligible, (count(*) filter (where required))::int as required
    from policies where ${policiesOfPeriod} and rule_id is not null and ratio > 0 and ratio < 1
    group by rule_id, ratio`;
  // Tickets by the local day they were opened: [from 00:00, the day after to 00:00) in the time zone.
  const start = instantAt(query.from, '00:00', tz).toISOString();
  const end = instantAt(addCalendarDays(query.to, 1), '00:00', tz).toISOString();
  const tickets = sql<TicketCounts>`
    select count(*)::int as opened,
      ${sql.join(TICKET_TYPES.map((type, i) => sql`(count(*) filter (where type = ${type}))::int as ${sql.ref(`type_${i}`)}`))},
      (count(*) filter (where replied_at is not null))::int as replied,
      (count(*) filter (where replied_at is not null and not coalesce(reply_late, false)))::int as replied_on_time,
      (count(*) filter (where overdue))::int as overdue,
      (count(*) filter (where overdue and replied_at is null))::int as overdue_unreplied
    from tickets where ${org} = ${query.office} and opened_at >= ${start} and opened_at < ${end}`;

  const [p, s, t] = await Promise.all([policies.execute(evidence.db), sampling.execute(evidence.db), tickets.execute(evidence.db)]);
  const c = p.rows[0];
  const tk = t.rows[0];
  const counts: ComplianceCounts = {
    policies: c.policies,
    needing: c.needing,
    completed: c.completed,
    completedBy: { phone: c.by_phone, eCallback: c.by_e_callback, letter: c.by_letter, onsite: c.by_onsite },
    waived: c.waived,
    refused: c.refused,
    open: c.open,
    unsuccessful: c.unsuccessful,
    calledInCoolingOff: c.called,
    fallbackGranted: { letter: c.granted_letter, onsite: c.granted_onsite },
    fallbackRefused: c.fallback_refused,
    escalated: c.escalated,
    unresolved: c.unresolved,
    closedByBranch: c.closed_by_branch,
    sampling: s.rows.map((r) => ({ ruleId: r.rule_id, ratio: r.ratio, eligible: r.eligible, required: r.required })),
    tickets: {
      opened: tk.opened,
      byType: Object.fromEntries(TICKET_TYPES.map((type, i) => [type, tk[`type_${i}`] as number])) as Record<TicketType, number>,
      replied: tk.replied,
      repliedOnTime: tk.replied_on_time,
      overdue: tk.overdue,
      overdueUnreplied: tk.overdue_unreplied,
    },
  };
  // As in memory: the level is the office's only when some record of the period names it.
  return figuresOf(counts, query, c.policies + tk.opened > 0 ? found : undefined, options);
}

interface PolicyCounts {
  policies: number;
  needing: number;
  completed: number;
  by_phone: number;
  by_letter: number;
  by_onsite: number;
  by_e_callback: number;
  waived: number;
  refused: number;
  open: number;
  unsuccessful: number;
  called: number;
  granted_letter: number;
  granted_onsite: number;
  fallback_refused: number;
  escalated: number;
  unresolved: number;
  closed_by_branch: number;
}

type TicketCounts = { opened: number; replied: number; replied_on_time: number; overdue: number; overdue_unreplied: number } & Record<string, number>;

function emptyCounts(): ComplianceCounts {
  return {
    policies: 0,
    needing: 0,
    completed: 0,
    completedBy: { phone: 0, eCallback: 0, letter: 0, onsite: 0 },
    waived: 0,
    refused: 0,
    open: 0,
    unsuccessful: 0,
    calledInCoolingOff: 0,
    fallbackGranted: { letter: 0, onsite: 0 },
    fallbackRefused: 0,
    escalated: 0,
    unresolved: 0,
    closedByBranch: 0,
    sampling: [],
    tickets: { opened: 0, byType: Object.fromEntries(TICKET_TYPES.map((t) => [t, 0])) as Record<TicketType, number>, replied: 0, repliedOnTime: 0, overdue: 0, overdueUnreplied: 0 },
  };
}

/**
 * Whether a policy naming `office` (at its level) lies outside the caller's part of the organisation
 * (`own`): then the caller may not read the office's figures. One indexed lookup, not a listing.
 */
export async function officeReachesOutside(evidence: EvidenceStore, office: string, own: OrgFilter): Promise<boolean> {
  const level = await officeLevelOf(evidence, office);
  if (!level) return false;
  const columns: Record<keyof OrgFilter, string> = { branch: 'branch', centralSubBranch: 'central_sub_branch', tier4Office: 'tier4_office', agentCode: 'agent_code' };
  const outside = (Object.entries(own) as [keyof OrgFilter, string | undefined][])
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => sql`${sql.ref(columns[k])} <> ${v}`);
  if (outside.length === 0) return false;
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from policies where ${sql.ref(columnOf(level))} = ${office} and (${sql.join(outside, sql` or `)})) as found`.execute(evidence.db);
  return rows[0].found;
}

export interface OfficeMonthCount {
  callbacks: number;
  /** Policies of the office-month already granted a fallback (from the evidence). */
  granted: string[];
  /** When the office-month's quota stops taking requests: the start of the month after next. */
  closesAt: string;
}

/**
 * The cap's denominator, live: callbacks needing a call in the tier-4 office's callback month (the
 * `countOfficeMonth` activity, the API). The month is the callback month (domain/callback-month.ts),
 * the policies.callback_month column: the one the compliance report places the policy in.
 */
export async function countOfficeMonth(evidence: EvidenceStore, office: string, month: string, tz: string): Promise<OfficeMonthCount> {
  const rows = await evidence.db
    .selectFrom('policies')
    .select(['policy_no', 'required', sql<boolean>`coalesce((record->'fallback'->>'granted')::boolean, false)`.as('granted')])
    .where('tier4_office', '=', office)
    .where('callback_month', '=', month)
    .execute();
  const [y, m] = month.split('-').map(Number);
  const after = new Date(Date.UTC(y, m + 1, 1)).toISOString().slice(0, 10);
  return {
    callbacks: rows.filter((r) => r.required).length,
    granted: rows.filter((r) => r.granted).map((r) => r.policy_no),
    closesAt: instantAt(after, '00:00', tz).toISOString(),
  };
}
