/**
 * Compliance figures over a scripted mix of 242 policies and 19 tickets, against counts worked out
 * by hand from the script below; the same records through the CLI (table, CSV, .xlsx) and the API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { reasonLabelsOf } from '../documents/format';
import type { EvidenceStore } from '../stores/evidence-store';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';
import { generateKeyring } from '../client/payload-keys';
import { testApiUsers, type TestUsername } from './helpers/api-users';
import { buildApi } from '../api/server';
import { runCli } from '../cli/main';
import { HuifangClient } from '../client/huifang-client';
import { loadSettings } from '../config/settings';
import type { CallbackRecord, TicketRecord } from '../domain/callback-record';
import { complianceRows, computeCompliance, type ComplianceFigures } from '../domain/compliance';
import type { TicketType } from '../domain/transfer-reasons';
import { xlsxRows } from './helpers/xlsx';
import { complianceFromEvidence, countOfficeMonth } from '../stores/evidence-queries';
import { createFallbackActivities } from '../activities/fallback';

const TZ = 'Asia/Shanghai';
const OPTIONS = { timeZone: TZ, maxShare: 0.15 };
const NOV = { from: '2026-11-01', to: '2026-11-30' };
const ORG: Record<string, { branch: string; centralSubBranch: string }> = {
  'SH-PD-01': { branch: 'SH', centralSubBranch: 'SH-PD' },
  'SH-PD-02': { branch: 'SH', centralSubBranch: 'SH-PD' },
  'SH-JD-01': { branch: 'SH', centralSubBranch: 'SH-JD' },
  'SH-JD-02': { branch: 'SH', centralSubBranch: 'SH-JD' },
  'BJ-HD-01': { branch: 'BJ', centralSubBranch: 'BJ-HD' },
};

type Kind =
  | 'phone-in-time' // completed by phone, on a call before the cooling-off end, recording in (R1)
  | 'r3-in-time' // the same, under R3 (drawn at ratio 0.5)
  | 'phone-late' // completed by phone, on a call after the cooling-off end
  | 'phone-confirmed-late' // first call in time found someone other than the policyholder; the confirming call came after the end
  | 'letter'
  | 'onsite'
  | 'waived'
  | 'refused'
  | 'escalated-cap' // letter refused by the cap, escalated: still with the branch (UNRESOLVED, open)
  | 'escalated-region' // region forbids both kinds, escalated, closed by the branch
  | 'escalated-late-recording' // escalated for a missing recording, which then arrived: completed by phone in time
  | 'awaiting-call'
  | 'awaiting-receipt' // letter granted, receipt outstanding
  | 'problem-found' // call completed in time, level-1 problems left after the last ticket, escalated, closed by the branch
  | 'not-required'; // R3, not drawn

const IN_TIME = '2026-12-04T02:00:00.000Z';
const LATE = '2026-12-21T02:00:00.000Z'; // after the cooling-off end below

let seq = 0;
function policy(tier4Office: string, kind: Kind, receiptSignedOn: string): CallbackRecord {
  const n = ++seq;
  const coolingOffEndsAt = '2026-12-20T16:00:00.000Z';
  const closed = !['awaiting-call', 'awaiting-receipt', 'escalated-cap'].includes(kind);
  const base: CallbackRecord = {
    policyNo: `P2026110${String(n).padStart(5, '0')}`,
    channel: 'agency',
    productType: 'traditional',
    regionCode: '310115',
    ...ORG[tier4Office],
    tier4Office,
    agentCode: 'A10086',
    issuedOn: '2026-10-28',
    receiptSignedOn,
    // Deliberately not in the period's month: the receipt date places a policy, not the start.
    startedAt: '2026-12-02T02:00:00.000Z',
    required: kind !== 'not-required',
    ruleId: 'R1',
    ratio: 1,
    decisionReason: 'R1',
    coolingOffEndsAt,
    stage: 'COMPLETED',
    attemptsMade: 1,
    ticketIds: [],
    closedAt: closed ? '2026-12-05T02:00:00.000Z' : undefined,
    revision: 3,
    updatedAt: '2026-12-05T02:00:00.000Z',
  };
  const fallback = (kindOf: 'letter' | 'onsite' | undefined, granted: boolean) => ({
    kind: kindOf,
    trigger: 'no-number',
    requestedAt: '2026-12-03T02:00:00.000Z',
    granted,
    refusal: granted ? undefined : 'refused',
  });
  const escalatedAt = '2026-12-06T02:00:00.000Z';
  const r3 = { ruleId: 'R3', ratio: 0.5 };
  switch (kind) {
    case 'phone-in-time':
      return { ...base, completedCallAt: IN_TIME, successfulCallAt: IN_TIME, completedBy: 'phone' };
    case 'r3-in-time':
      return { ...base, ...r3, decisionReason: 'R3 drawn', completedCallAt: IN_TIME, successfulCallAt: IN_TIME, completedBy: 'phone' };
    case 'phone-late':
      return { ...base, completedCallAt: LATE, successfulCallAt: LATE, completedBy: 'phone' };
    case 'phone-confirmed-late':
      return { ...base, attemptsMade: 2, completedCallAt: IN_TIME, successfulCallAt: LATE, completedBy: 'phone' };
    case 'letter':
    case 'onsite':
      return { ...base, completedBy: kind, fallback: fallback(kind, true) };
    case 'waived':
      return { ...base, stage: 'WAIVED', attemptsMade: 0 };
    case 'refused':
      return { ...base, stage: 'REFUSED' };
    case 'escalated-cap':
      return { ...base, stage: 'UNRESOLVED', fallback: fallback('letter', false), escalatedAt };
    case 'escalated-region':
      return { ...base, stage: 'CLOSED_BY_BRANCH', fallback: fallback(undefined, false), escalatedAt };
    case 'escalated-late-recording':
      return { ...base, completedCallAt: IN_TIME, successfulCallAt: IN_TIME, completedBy: 'phone', escalatedAt };
    case 'awaiting-call':
      return { ...base, stage: 'AWAITING_CALL', attemptsMade: 0 };
    case 'awaiting-receipt':
      return { ...base, stage: 'AWAITING_RECEIPT', fallback: fallback('letter', true) };
    case 'problem-found':
      return { ...base, stage: 'CLOSED_BY_BRANCH', completedCallAt: IN_TIME, escalatedAt };
    case 'not-required':
      return { ...base, ...r3, stage: 'NOT_REQUIRED', decisionReason: 'R3 not drawn', attemptsMade: 0 };
  }
}

/** The script: office → kind → how many, all with receipts signed inside November. */
const SCRIPT: Record<string, Partial<Record<Kind, number>>> = {
  'SH-PD-01': {
    'phone-in-time': 75,
    'r3-in-time': 25,
    'phone-late': 5,
    'phone-confirmed-late': 3,
    letter: 8,
    onsite: 4,
    waived: 10,
    refused: 6,
    'escalated-cap': 3,
    'escalated-region': 2,
    'escalated-late-recording': 2,
    'awaiting-call': 12,
    'awaiting-receipt': 2,
    'problem-found': 3,
    'not-required': 25,
  }, // 185
  'SH-PD-02': { 'phone-in-time': 15, 'r3-in-time': 5, waived: 2, 'not-required': 5 }, // 27
  'SH-JD-01': { 'phone-in-time': 10, refused: 1 }, // 11
  'SH-JD-02': { 'phone-in-time': 8, letter: 2 }, // 10: 20% letters, above the cap
  'BJ-HD-01': { 'phone-in-time': 10 }, // another branch
};

function scriptedPolicies(): CallbackRecord[] {
  const records: CallbackRecord[] = [];
  const days = ['2026-11-01', '2026-11-09', '2026-11-17', '2026-11-30'];
  for (const [office, kinds] of Object.entries(SCRIPT)) {
    for (const [kind, n] of Object.entries(kinds)) for (let i = 0; i < n!; i++) records.push(policy(office, kind as Kind, days[i % days.length]));
  }
  // Either side of the period: never counted in November.
  for (const day of ['2026-10-31', '2026-10-31', '2026-12-01', '2026-12-01']) records.push(policy('SH-PD-01', 'phone-in-time', day));
  return records;
}

let ticketSeq = 0;
function ticket(type: TicketType, reply: 'on-time' | 'late' | 'none', overdue: boolean, openedAt = '2026-11-10T02:00:00.000Z', tier4Office = 'SH-PD-01'): TicketRecord {
  const n = ++ticketSeq;
  return {
    ticketId: `P2026110T${n}-T1`,
    policyNo: `P2026110T${n}`,
    type,
    reasons: ['no-number'],
    ...ORG[tier4Office],
    tier4Office,
    agentCode: 'A10086',
    openedAt,
    dispatchedAt: openedAt,
    dueAt: '2026-11-12T16:00:00.000Z',
    repliedAt: reply === 'none' ? undefined : '2026-11-12T08:00:00.000Z',
    replyLate: reply === 'none' ? undefined : reply === 'late',
    overdue,
    closedAt: reply === 'none' ? undefined : '2026-11-13T08:00:00.000Z',
    revision: 4,
    updatedAt: '2026-11-13T08:00:00.000Z',
  };
}

function scriptedTickets(): TicketRecord[] {
  const repeat = (n: number, make: () => TicketRecord) => Array.from({ length: n }, make);
  return [
    // 00:30 on 1 November in Shanghai, though still 31 October in UTC: inside the period.
    ticket('failed-callback', 'on-time', false, '2026-10-31T16:30:00.000Z'),
    ...repeat(5, () => ticket('failed-callback', 'on-time', false)),
    ...repeat(2, () => ticket('failed-callback', 'late', true)),
    ticket('failed-callback', 'none', true),
    ...repeat(4, () => ticket('level-1', 'on-time', false)),
    ticket('level-1', 'none', false),
    ticket('level-2', 'on-time', false),
    ticket('level-2', 'late', true),
    ticket('level-2', 'none', true),
    // 00:30 on 1 December in Shanghai: outside.
    ticket('level-1', 'none', true, '2026-11-30T16:30:00.000Z'),
    // Another office's.
    ticket('level-1', 'late', true, '2026-11-10T02:00:00.000Z', 'SH-JD-01'),
  ];
}

const policies = scriptedPolicies();
const tickets = scriptedTickets();

test('the script holds at least 200 policies', () => {
  expect(policies.length).toBe(247);
  expect(tickets.length).toBe(19);
});

/**
 * SH-PD-01 counted by hand from the script. Since the definitions were corrected (issue 15):
 *  - called inside the cooling-off period counts successful phone callbacks only: 75 + 25 in time +
 *    2 completed in time after an escalation for the recording = 102; NOT the 3 whose first call in
 *    time reached someone else (confirmed after the end), the 3 whose in-time call left problems
 *    (closed by the branch) or the 5 completed late;
 *  - escalated cases are counted apart: 3 still with the branch (open), 5 closed by the branch.
 */
const SH_PD_01_BY_HAND: ComplianceFigures = {
  office: 'SH-PD-01',
  level: 'tier4Office',
  period: { ...NOV, policiesBy: 'receiptSignedOn', ticketsBy: 'openedOn' },
  policies: 185,
  needingCallback: 160, // 185 - 25 not required
  notRequired: 25,
  calledInCoolingOff: { count: 102, of: 160, rate: 102 / 160 }, // 75 + 25 + 2 (see above)
  completed: { total: 122, byPhone: 110, byECallback: 0, byLetter: 8, byOnsite: 4 }, // phone: 75 + 25 + 5 late + 3 confirmed late + 2 after escalation
  exclusions: { waived: 10, refused: 6 },
  successRate: { count: 122, of: 144, rate: 122 / 144 }, // 160 - 10 - 6
  open: 17, // 12 awaiting a call + 2 awaiting a receipt + 3 unresolved with the branch
  unsuccessful: 5, // closed by the branch: 2 no fallback allowed + 3 problems left
  escalation: { escalated: 10, unresolved: 3, closedByBranch: 5 }, // 3 cap + 2 region + 2 recording + 3 problems
  sampling: [{ ruleId: 'R3', ratio: 0.5, called: { count: 25, of: 50, rate: 0.5 }, atLeastRatio: true }], // 25 drawn of 25 + 25
  fallback: { count: 14, of: 160, rate: 14 / 160, letter: 10, onsite: 4, refused: 5, cap: 0.15, withinCap: true }, // 8 + 2 letters, 4 visits; 3 + 2 refused
  tickets: {
    opened: 17,
    byType: { 'failed-callback': 9, 'level-1': 5, 'level-2': 3 },
    repliedOnTime: { count: 11, of: 14, rate: 11 / 14 }, // 6 + 4 + 1 on time; 2 + 1 late
    overdue: 5,
    overdueUnreplied: 2,
  },
};

test('a tier-4 office: every figure as counted by hand', () => {
  const f = computeCompliance(policies, tickets, { office: 'SH-PD-01', ...NOV }, OPTIONS);
  expect(f).toEqual<ComplianceFigures>(SH_PD_01_BY_HAND);
  // 122 + 16 + 17 + 5: every policy needing a callback is in exactly one of these.
  expect(f.completed.total + f.exclusions.waived + f.exclusions.refused + f.open + f.unsuccessful).toBe(f.needingCallback);
});

/** SH-PD-01 (above) + SH-PD-02 (15 R1 + 5 R3 phone in time, 2 waived, 5 R3 not drawn); its tickets are all SH-PD-01's. */
const SH_PD_BY_HAND: ComplianceFigures = {
  ...SH_PD_01_BY_HAND,
  office: 'SH-PD',
  level: 'centralSubBranch',
  policies: 212, // 185 + 27
  needingCallback: 182, // 160 + 22
  notRequired: 30, // 25 + 5
  calledInCoolingOff: { count: 122, of: 182, rate: 122 / 182 }, // 102 + 20
  completed: { total: 142, byPhone: 130, byECallback: 0, byLetter: 8, byOnsite: 4 }, // 122 + 20 by phone
  exclusions: { waived: 12, refused: 6 }, // 10 + 2 waived
  successRate: { count: 142, of: 164, rate: 142 / 164 }, // 182 - 12 - 6
  sampling: [{ ruleId: 'R3', ratio: 0.5, called: { count: 30, of: 60, rate: 0.5 }, atLeastRatio: true }], // + 5 of 10
  fallback: { count: 14, of: 182, rate: 14 / 182, letter: 10, onsite: 4, refused: 5, cap: 0.15, withinCap: true },
};

/** SH: SH-PD + SH-JD-01 (10 phone in time, 1 refused) + SH-JD-02 (8 phone in time, 2 letters); BJ-HD-01 is another branch. */
const SH_BY_HAND: ComplianceFigures = {
  ...SH_PD_BY_HAND,
  office: 'SH',
  level: 'branch',
  policies: 233, // 212 + 11 + 10
  needingCallback: 203, // 182 + 11 + 10
  calledInCoolingOff: { count: 140, of: 203, rate: 140 / 203 }, // 122 + 10 + 8
  completed: { total: 162, byPhone: 148, byECallback: 0, byLetter: 10, byOnsite: 4 }, // 142 + 10 + 8 by phone + 2 letters
  exclusions: { waived: 12, refused: 7 }, // + 1 refused at SH-JD-01
  successRate: { count: 162, of: 184, rate: 162 / 184 }, // 203 - 12 - 7
  fallback: { count: 16, of: 203, rate: 16 / 203, letter: 12, onsite: 4, refused: 5, cap: 0.15, withinCap: true }, // + SH-JD-02's 2 letters
  tickets: {
    opened: 18, // + SH-JD-01's level-1 ticket, replied late, overdue
    byType: { 'failed-callback': 9, 'level-1': 6, 'level-2': 3 },
    repliedOnTime: { count: 11, of: 15, rate: 11 / 15 },
    overdue: 6,
    overdueUnreplied: 2,
  },
};

test('a central sub-branch and a branch add up their offices; an office over the cap says so', () => {
  expect(computeCompliance(policies, tickets, { office: 'SH-PD', ...NOV }, OPTIONS)).toEqual(SH_PD_BY_HAND);
  expect(computeCompliance(policies, tickets, { office: 'SH', ...NOV }, OPTIONS)).toEqual(SH_BY_HAND);
  const over = computeCompliance(policies, tickets, { office: 'SH-JD-02', ...NOV }, OPTIONS);
  expect(over.fallback).toMatchObject({ count: 2, of: 10, rate: 0.2, letter: 2, withinCap: false });
  expect(over.successRate).toEqual({ count: 10, of: 10, rate: 1 });
});

describe('the corrected definitions, case by case', () => {
  const one = (kind: Kind, over: Partial<CallbackRecord> = {}) => ({ ...policy('GD-SZ-01', kind, '2026-11-10'), branch: 'GD', centralSubBranch: 'GD-SZ', ...over });
  const figures = (records: CallbackRecord[]) => computeCompliance(records, [], { office: 'GD-SZ-01', ...NOV }, OPTIONS);

  test('a call inside the period counts only if the callback was completed on it, by phone', () => {
    const f = figures([
      one('phone-in-time'),
      one('phone-confirmed-late'), // the in-time call reached someone other than the policyholder
      one('problem-found'), // the in-time call left problems; the branch closed the case
      // A clean call in time, recording not in yet: not a successful callback until it is.
      one('phone-in-time', { stage: 'AWAITING_RECORDING', completedBy: undefined, successfulCallAt: undefined, closedAt: undefined }),
      // On the last instant of the period is not inside it.
      one('phone-in-time', { successfulCallAt: '2026-12-20T16:00:00.000Z' }),
    ]);
    expect(f.calledInCoolingOff).toEqual({ count: 1, of: 5, rate: 0.2 });
    expect(f.completed).toEqual({ total: 3, byPhone: 3, byECallback: 0, byLetter: 0, byOnsite: 0 });
  });

  test('the channel of completion, and escalated cases: still with the branch, closed by it, or completed late', () => {
    const f = figures([one('letter'), one('onsite'), one('onsite'), one('escalated-cap'), one('escalated-region'), one('escalated-late-recording')]);
    expect(f.completed).toEqual({ total: 4, byPhone: 1, byECallback: 0, byLetter: 1, byOnsite: 2 });
    expect(f.escalation).toEqual({ escalated: 3, unresolved: 1, closedByBranch: 1 });
    expect(f).toMatchObject({ open: 1, unsuccessful: 1 });
    const rows = complianceRows(f);
    expect(rows).toContainEqual(['  上门回访成功 completed on site', '2']);
    expect(rows).toContainEqual(['  待分公司处理 unresolved (with the branch)', '1']);
  });

  test("R3's share per office and month is shown; below the ratio (a hash sample's office-month) is flagged", () => {
    const drawn = [one('r3-in-time'), one('not-required'), one('r3-in-time')];
    expect(figures(drawn).sampling).toEqual([{ ruleId: 'R3', ratio: 0.5, called: { count: 2, of: 3, rate: 2 / 3 }, atLeastRatio: true }]);
    const hashed = [one('r3-in-time'), one('not-required'), one('not-required'), one('r3-in-time', { ratio: 0.8 })];
    const f = figures(hashed);
    expect(f.sampling).toEqual([
      { ruleId: 'R3', ratio: 0.5, called: { count: 1, of: 3, rate: 1 / 3 }, atLeastRatio: false },
      { ruleId: 'R3', ratio: 0.8, called: { count: 1, of: 1, rate: 1 }, atLeastRatio: true },
    ]);
    expect(complianceRows(f)).toContainEqual(['抽样回访 R3 sampled share (比例 ratio 0.5)', '1/3 (33.3%), BELOW the ratio']);
  });
});

test('reproducible: the same period gives the same figures in any order; edges of the period and unknown offices', () => {
  const q = { office: 'SH-PD-01', ...NOV };
  const shuffled = [...policies].reverse();
  expect(computeCompliance(shuffled, [...tickets].reverse(), q, OPTIONS)).toEqual(computeCompliance(policies, tickets, q, OPTIONS));
  // The four policies either side of November, one day each.
  expect(computeCompliance(policies, tickets, { office: 'SH-PD-01', from: '2026-10-31', to: '2026-10-31' }, OPTIONS).policies).toBe(2);
  expect(computeCompliance(policies, tickets, { office: 'SH-PD-01', from: '2026-12-01', to: '2026-12-01' }, OPTIONS)).toMatchObject({ policies: 2, tickets: { opened: 1 } });
  const nobody = computeCompliance(policies, tickets, { office: 'GD-SZ', ...NOV }, OPTIONS);
  expect(nobody).toMatchObject({ level: undefined, policies: 0, successRate: { count: 0, of: 0 }, fallback: { withinCap: true } });
  expect(nobody.successRate.rate).toBeUndefined();
  expect(() => computeCompliance(policies, tickets, { office: 'SH', from: '2026-11-30', to: '2026-11-01' }, OPTIONS)).toThrow(/ends .* before it starts/);
});

describe('from the system of record: in SQL, through the CLI and the API', () => {
  let dir: string;
  let database: TestDatabase;
  let evidence: EvidenceStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huifang-compliance-'));
    const keyring = generateKeyring();
    database = await createTestDatabase(keyring);
    evidence = database.store;
    for (const r of policies) await evidence.putCallback(r);
    for (const t of tickets) await evidence.putTicket(t);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('counted in SQL over the office\'s period: the same hand counts, the same as in memory', async () => {
    expect(await complianceFromEvidence(evidence, { office: 'SH-PD-01', ...NOV }, OPTIONS)).toEqual(SH_PD_01_BY_HAND);
    expect(await complianceFromEvidence(evidence, { office: 'SH-PD', ...NOV }, OPTIONS)).toEqual(SH_PD_BY_HAND);
    expect(await complianceFromEvidence(evidence, { office: 'SH', ...NOV }, OPTIONS)).toEqual(SH_BY_HAND);
    for (const query of [
      { office: 'SH-JD-02', ...NOV },
      { office: 'BJ', ...NOV },
      { office: 'SH-PD-01', from: '2026-10-31', to: '2026-10-31' },
      { office: 'SH-PD-01', from: '2026-12-01', to: '2026-12-01' },
      { office: 'SH-PD-01', from: '2026-10-01', to: '2026-12-31' },
      { office: 'SH-JD', from: '2026-11-09', to: '2026-11-17' },
      { office: 'GD-SZ', ...NOV },
    ]) {
      expect(await complianceFromEvidence(evidence, query, OPTIONS)).toEqual(computeCompliance(policies, tickets, query, OPTIONS));
    }
    await expect(complianceFromEvidence(evidence, { office: 'SH', from: '2026-11-30', to: '2026-11-01' }, OPTIONS)).rejects.toThrow(/ends .* before it starts/);
  });

  test("one month for the cap and the report: the receipt's month, not the month the workflow started", async () => {
    // Every scripted policy started in December; those with November receipts count in November for both.
    const november = await countOfficeMonth(evidence, 'SH-PD-01', '2026-11', TZ);
    expect(november.callbacks).toBe(SH_PD_01_BY_HAND.needingCallback); // 160: the report's denominator
    expect(november.granted).toHaveLength(SH_PD_01_BY_HAND.fallback.count); // 14: the report's numerator
    const december = await countOfficeMonth(evidence, 'SH-PD-01', '2026-12', TZ);
    expect(december.callbacks).toBe(2); // the two receipts of 1 December only
    expect(december.callbacks).toBe((await complianceFromEvidence(evidence, { office: 'SH-PD-01', from: '2026-12-01', to: '2026-12-31' }, OPTIONS)).needingCallback);
    // The quota asked for is the policy's callback month, whatever the day the fallback is planned.
    const { planFallback } = createFallbackActivities({ settings: loadSettings(), evidence, documents: undefined!, quota: undefined! });
    expect((await planFallback({ regionCode: '310115', startedAt: '2026-12-02T02:00:00.000Z', receiptSignedOn: '2026-11-30' })).month).toBe('2026-11');
    // A workflow started before the receipt date was passed: its start's local month (the record's own fallback).
    expect((await planFallback({ regionCode: '310115', startedAt: '2026-11-30T16:30:00.000Z' })).month).toBe('2026-12');
  });

  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      connect: () => Promise.reject(new Error('the report needs no Temporal connection')),
      evidence: async () => evidence,
    });
    return { code, out, err };
  };
  const args = (...more: string[]) => ['report', 'compliance', '--office', 'SH-PD-01', '--from', NOV.from, '--to', NOV.to, ...more];

  test('huifang report compliance: a table, a CSV and an .xlsx with the same figures', async () => {
    const table = await cli(args());
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/需回访 needing a callback\s+160\n/);
    expect(table.out).toMatch(/回访成功率 success rate \(exclusions removed\)\s+122\/144 \(84\.7%\)\n/);
    expect(table.out).toMatch(/信函\+上门 letter \+ on-site share\s+14\/160 \(8\.8%\), cap 15%, within the cap\n/);

    const csv = await cli(args('--format', 'csv'));
    expect(csv.out.startsWith('\ufeff指标,数值\r\n')).toBe(true);
    expect(csv.out).toContain('\r\n犹豫期内电话回访成功 completed by phone on a call inside the cooling-off period,102/160 (63.7%)\r\n');
    expect(csv.out).toContain('\r\n按时回复 replies on time,11/14 (78.6%)\r\n');

    const file = join(dir, 'report.xlsx');
    const xlsx = await cli(args('--format', 'xlsx', '--out', file));
    expect(xlsx).toMatchObject({ code: 0, out: `wrote ${file}\n` });
    const rows = await xlsxRows(readFileSync(file));
    expect(rows[0][0]).toContain('回访合规指标　机构：SH-PD-01　期间：2026-11-01 至 2026-11-30');
    expect(rows).toContainEqual(['超时 overdue tickets', '5']);
    expect(rows).toContainEqual(['回访成功 completed (phone / e-callback / letter / on-site)', '122 (110 / 0 / 8 / 4)']);
    expect(rows).toContainEqual(['上报分公司 escalated to the branch', '10']);
    // Same figures, same bytes.
    const again = join(dir, 'again.xlsx');
    await cli(args('--format', 'xlsx', '--out', again));
    expect(readFileSync(again).equals(readFileSync(file))).toBe(true);
  });

  test('bad arguments are named, exit code 2', async () => {
    const bad = await cli(['report', 'compliance', '--office', 'SH', '--from', '2026-11-31', '--to', NOV.to]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--from: must be a calendar date written YYYY-MM-DD');
    expect((await cli(['report', 'compliance', '--office', 'SH', '--from', NOV.to, '--to', NOV.from])).err).toContain('--to: must not be before from');
    expect((await cli(['report', 'compliance', '--office', 'SH', '--from', NOV.from, '--to', NOV.to, '--format', 'xlsx'])).err).toContain('needs --out');
    expect((await cli(['report', 'sales'])).code).toBe(2);
  });

  test('GET /v1/compliance/:office as JSON, CSV and .xlsx; each caller sees its own offices only', async () => {
    // The compliance routes need no Temporal: a lazy connection that is never used.
    const huifang = new HuifangClient(new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), 'unused');
    const users = await testApiUsers();
    const app = buildApi({ huifang, auth: users.auth, reasonLabels: reasonLabelsOf(loadSettings().transferReasons), compliance: { evidence, ...OPTIONS } });
    const get = (url: string, as: TestUsername = 't3-shpd') => app.inject({ method: 'GET', url, headers: users.headers(as) });
    try {
      const json = await get(`/v1/compliance/SH-PD?from=${NOV.from}&to=${NOV.to}`);
      expect(json.statusCode).toBe(200);
      expect(json.json()).toEqual(SH_PD_BY_HAND);
      const csv = await get(`/v1/compliance/SH-PD-01?from=${NOV.from}&to=${NOV.to}&format=csv`);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toBe('attachment; filename="compliance-SH-PD-01-2026-11-01-2026-11-30.csv"');
      // Every row, with SH-PD-01's figures as counted by hand (see 'a tier-4 office' above).
      expect(csv.body).toBe(
        '\ufeff' +
          [
            '指标,数值',
            '机构 office,SH-PD-01 (tier4Office)',
            '期间 period (回执签收日 receipt signed),2026-11-01 – 2026-11-30',
            '保单 policies,185',
            '需回访 needing a callback,160',
            '无需回访 not required,25',
            '犹豫期内电话回访成功 completed by phone on a call inside the cooling-off period,102/160 (63.7%)',
            '回访成功 completed (phone / e-callback / letter / on-site),122 (110 / 0 / 8 / 4)',
            '  电话回访成功 completed by phone,110',
            '  电子化回访成功 completed by e-callback,0',
            '  信函回访成功 completed by letter,8',
            '  上门回访成功 completed on site,4',
            '免回访 waived,10',
            '拒绝回访 refused,6',
            '回访成功率 success rate (exclusions removed),122/144 (84.7%)',
            '处理中 open,17',
            '回访失败 unsuccessful (closed),5',
            '上报分公司 escalated to the branch,10',
            '  待分公司处理 unresolved (with the branch),3',
            '  分公司决定结案 closed by the branch,5',
            '抽样回访 R3 sampled share (比例 ratio 0.5),"25/50 (50.0%), at or above the ratio"',
            '信函+上门 letter + on-site share,"14/160 (8.8%), cap 15%, within the cap"',
            '信函 / 上门 letter / on-site,10 / 4',
            '"信函上门未获准 fallback refused (region, cap)",5',
            '转办件 tickets opened,17',
            '  failed-callback,9',
            '  level-1,5',
            '  level-2,3',
            '按时回复 replies on time,11/14 (78.6%)',
            '超时 overdue tickets,5',
            '"超时未回复 overdue, no reply yet",2',
          ].join('\r\n') +
          '\r\n',
      );
      const xlsx = await get(`/v1/compliance/SH-PD-01?from=${NOV.from}&to=${NOV.to}&format=xlsx`);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
      const bad = await get(`/v1/compliance/SH-PD?from=2026-11-01`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().fields).toEqual([{ field: 'to', message: expect.any(String) }]);
      // Each office-bound caller reads its own part only: the branch's figures, another sub-branch's or
      // another's tier-4 office are refused by name; ops and the branch's own call center see the branch.
      expect((await get(`/v1/compliance/SH?from=${NOV.from}&to=${NOV.to}`)).statusCode).toBe(403);
      expect((await get(`/v1/compliance/SH-JD-02?from=${NOV.from}&to=${NOV.to}`)).json()).toMatchObject({ message: expect.stringContaining('office') });
      expect((await get(`/v1/compliance/SH-PD?from=${NOV.from}&to=${NOV.to}`, 't3-shjd')).statusCode).toBe(403);
      expect((await get(`/v1/compliance/SH-PD-01?from=${NOV.from}&to=${NOV.to}`, 't4-shpd03')).statusCode).toBe(403);
      expect((await get(`/v1/compliance/SH?from=${NOV.from}&to=${NOV.to}`, 'cc-sh')).statusCode).toBe(200);
      expect((await get(`/v1/compliance/SH?from=${NOV.from}&to=${NOV.to}`, 'ops')).json()).toEqual(SH_BY_HAND);
      expect((await get(`/v1/compliance/SH?from=${NOV.from}&to=${NOV.to}`, 'a10086')).statusCode).toBe(403);
    } finally {
      await app.close();
    }
  });
});
