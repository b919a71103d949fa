/**
 * Retention: how long the evidence is kept (pure, fixed dates), the purge that crypto-shreds a
 * policy's personal data once that period is over (a real PostgreSQL, `today` given), its workflow
 * run by its Schedule for a chosen day, the Schedule created and brought in line idempotently, and
 * the namespace's history retention set on the dev server (the time-skipping server runs neither
 * Schedules nor UpdateNamespace, and the purge has no timer to skip: one dev server for the file).
 * The Schedule's run is a backfill of a day three days before the server's date, so nothing depends
 * on the hour the test runs at.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScheduleOverlapPolicy, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadSettings } from '../config/settings';
import { ensureNamespaceRetention, namespaceRetentionDays } from '../client/namespace-retention';
import { ensureRetentionSchedule } from '../client/retention-schedule';
import { callbackEvidenceOf, ticketEvidenceOf } from '../domain/callback-record';
import type { CallbackState } from '../domain/callback-state';
import { addCalendarDays, instantAt, localDateOf, localMinutesOf } from '../domain/local-time';
import { contractEndsOn, evidenceKeptUntil, retentionConfigSchema, type RetentionConfig } from '../domain/retention';
import type { TicketState } from '../domain/ticket';
import type { EvidenceStore } from '../stores/evidence-store';
import { shredExpired } from '../stores/retention';
import { retentionPurgeWorkflow, type RetentionPurgeResult } from '../workflows/retention-purge.workflow';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { testSettings } from './helpers/test-calendar';
import { useTestDatabase } from './helpers/test-database';

const TZ = 'Asia/Shanghai';
const SHIPPED = loadSettings().retention;
const run = `${process.pid}${Date.now() % 100000}`;

const T0 = '2021-03-01T02:00:00.000Z';

/** A closed callback with everything that holds personal data: the number dialled, a receipt's signer, a ticket's corrected phone. */
async function policyWithEvidence(store: EvidenceStore, issuedOn: string, termMonths: number) {
  const contract = aContract({ issuedOn, termMonths, receiptSignedOn: issuedOn });
  const policyNo = contract.policyNo;
  const state: CallbackState = {
    policyNo,
    stage: 'COMPLETED',
    plan: [],
    attempts: [
      { attemptId: 'a1', attemptNo: 1, slot: { slot: 'morning', start: T0, end: T0, late: false }, placedAt: T0, outcome: 'no-answer', recordedAt: T0, report: { attemptId: 'a1', outcome: 'no-answer', operator: 'cc-7' } },
      {
        attemptId: 'a2', attemptNo: 2, slot: { slot: 'afternoon', start: T0, end: T0, late: false }, placedAt: T0, outcome: 'completed', recordedAt: T0,
        report: { attemptId: 'a2', outcome: 'completed', operator: 'cc-9', answers: { 'q-signed-by-self': 'yes' } },
      },
    ],
    attemptsMade: 2,
    problems: [],
    tickets: [],
    phoneSource: 'contract',
    completedBy: 'letter',
    decision: { required: true, ruleId: 'R1', ratio: 1, sampleValue: 0.42, regionalOverride: null, reason: 'R1 at ratio 1: callback required' },
    fallback: {
      kind: 'letter', trigger: 'unreachable', requestedAt: T0, granted: true,
      receipt: { reference: `receipts/${policyNo}/r.pdf`, signedBy: 'policyholder', signedAt: T0, enteredAt: T0, answers: { 'contract-received': 'yes' } },
    },
    stageHistory: [{ stage: 'ASSESSING', at: T0 }, { stage: 'AWAITING_CALL', at: T0 }, { stage: 'COMPLETED', at: T0 }],
    closedAt: T0,
  } as CallbackState;
  await store.putCallback(callbackEvidenceOf(contract, state, { startedAt: T0, revision: 1, at: T0 }));
  const ticket = {
    ticketId: `T-${policyNo}-1`, policyNo, type: 'level-1', reasons: ['wrong-number'], org: contract.org, agentCode: contract.agent.code, finding: 'wrong-number',
    stage: 'CLOSED', createdAt: T0, reminded: false, overdue: false, reminders: [], escalations: [],
    steps: [{ step: 'reply', actor: { role: 'agent', id: contract.agent.code }, at: T0, late: false }],
    reply: { correctedPhone: '13900001111', at: T0, late: false },
    closedAt: T0,
  } as unknown as TicketState;
  await store.putTicket(ticketEvidenceOf(ticket, { revision: 1, at: T0 }));
  return contract;
}

describe('how long the evidence is kept', () => {
  test('the shipped configuration: 5 years for terms up to 12 months, 10 beyond; histories 30 days; the purge at 02:30', () => {
    expect(SHIPPED).toEqual({ shortTermMaxMonths: 12, shortTermYears: 5, longTermYears: 10, historyRetentionDays: 30, purgeAt: '02:30', purgeBatch: 500 });
  });

  test.each([
    // issued on, term (months), contract ends on, kept until
    ['2020-03-10', 12, '2021-03-10', '2026-03-10'], // one year: the short period
    ['2020-03-10', 6, '2020-09-10', '2025-09-10'],
    ['2020-03-10', 13, '2021-04-10', '2031-04-10'], // past one year: the long period
    ['2020-03-10', 240, '2040-03-10', '2050-03-10'],
    ['2024-01-31', 1, '2024-02-29', '2029-02-28'], // month end: February of a leap year, then of a common one
    ['2023-08-31', 6, '2024-02-29', '2029-02-28'],
    ['2024-02-29', 12, '2025-02-28', '2030-02-28'],
    ['2019-02-28', 12, '2020-02-28', '2025-02-28'], // the 28th stays the 28th in a leap year
    ['2023-10-31', 12, '2024-10-31', '2029-10-31'],
    ['2023-12-31', 18, '2025-06-30', '2035-06-30'],
  ] as const)('issued %s for %i months: ends %s, kept until %s', (issuedOn, termMonths, endsOn, keptUntil) => {
    expect(contractEndsOn(issuedOn, termMonths)).toBe(endsOn);
    expect(evidenceKeptUntil(issuedOn, termMonths, SHIPPED)).toBe(keptUntil);
  });

  test('every number is the configuration’s', () => {
    const longer: RetentionConfig = { ...SHIPPED, shortTermMaxMonths: 24, shortTermYears: 7, longTermYears: 15 };
    expect(evidenceKeptUntil('2020-03-10', 24, longer)).toBe('2029-03-10');
    expect(evidenceKeptUntil('2020-03-10', 25, longer)).toBe('2037-04-10');
  });

  test('bad configuration is refused, naming the field', () => {
    expect(() => retentionConfigSchema.parse({ ...SHIPPED, purgeAt: '2:30' })).toThrow(/purgeAt[\s\S]*HH:mm|HH:mm[\s\S]*purgeAt/);
    expect(() => retentionConfigSchema.parse({ ...SHIPPED, historyRetentionDays: 0 })).toThrow(/historyRetentionDays/);
  });
});

describe('the purge, in the system of record', () => {
  const database = useTestDatabase();
  async function ciphertextOf(policyNo: string) {
    const { db } = database.current();
    return {
      key: undefined !== await db.selectFrom('policy_keys').select('policy_no').where('policy_no', '=', policyNo).executeTakeFirst(),
      personal: undefined !== await db.selectFrom('personal_data').select('policy_no').where('policy_no', '=', policyNo).executeTakeFirst(),
      dialled: (await db.selectFrom('call_attempts').select('number_dialled').where('policy_no', '=', policyNo).orderBy('attempt_no').execute()).map((r) => r.number_dialled !== null),
      signer: (await db.selectFrom('receipts').select('signed_by').where('policy_no', '=', policyNo).executeTakeFirstOrThrow()).signed_by !== null,
      corrected: (await db.selectFrom('tickets').select('corrected_phone').where('policy_no', '=', policyNo).executeTakeFirstOrThrow()).corrected_phone !== null,
    };
  }

  const actionsOf = (policyNo: string) =>
    database.current().db.selectFrom('retention_actions').select(['policy_no', 'action', 'kept_until', 'removed', 'run_id', 'at']).where('policy_no', '=', policyNo).execute();

  test('a policy past its period loses its personal data, recorded once; one on its last day and a long term keep theirs; the anonymous evidence stays', async () => {
    const { store, db } = database.current();
    const today = '2025-03-11';
    const past = await policyWithEvidence(store, '2019-03-10', 12); // kept until 2025-03-10: yesterday
    const lastDay = await policyWithEvidence(store, '2019-03-11', 12); // kept until 2025-03-11: today
    const longTerm = await policyWithEvidence(store, '2014-03-10', 24); // 5 years would be past; 10 are not
    const before = await ciphertextOf(past.policyNo);
    expect(before).toEqual({ key: true, personal: true, dialled: [true, true], signer: true, corrected: true });
    expect(await store.personalData(past.policyNo)).toMatchObject({ holderName: past.policyholder.name });

    const at = new Date('2025-03-10T18:30:00.000Z');
    const first = await shredExpired(db, { today, runId: 'retention-purge-test-1', batch: 10, at });
    const removed = [
      'policy_keys',
      'personal_data.holder_name', 'personal_data.holder_phone', 'personal_data.holder_id_number', 'personal_data.agent_name', 'personal_data.agent_phone',
      'call_attempts.number_dialled', 'receipts.signed_by', 'tickets.corrected_phone',
    ];
    expect(first).toEqual({ shredded: [{ policyNo: past.policyNo, keptUntil: '2025-03-10', removed }], more: false });
    expect(await store.personalData(past.policyNo)).toBeUndefined();
    expect(await ciphertextOf(past.policyNo)).toEqual({ key: false, personal: false, dialled: [false, false], signer: false, corrected: false });
    expect(await actionsOf(past.policyNo)).toEqual([
      { policy_no: past.policyNo, action: 'crypto-shred', kept_until: '2025-03-10', removed, run_id: 'retention-purge-test-1', at: at.toISOString() },
    ]);
    // What names no person stays, for the statistics.
    expect(await db.selectFrom('policies').select(['stage', 'completed_by', 'evidence_kept_until']).where('policy_no', '=', past.policyNo).executeTakeFirst()).toEqual({
      stage: 'COMPLETED', completed_by: 'letter', evidence_kept_until: '2025-03-10',
    });
    expect(await db.selectFrom('call_attempts').select(['attempt_no', 'outcome', 'operator']).where('policy_no', '=', past.policyNo).orderBy('attempt_no').execute()).toEqual([
      { attempt_no: 1, outcome: 'no-answer', operator: 'cc-7' },
      { attempt_no: 2, outcome: 'completed', operator: 'cc-9' },
    ]);
    expect(await db.selectFrom('answers').select('question_id').where('policy_no', '=', past.policyNo).orderBy('question_id').execute()).toHaveLength(2);
    expect(await db.selectFrom('stage_changes').select('stage').where('policy_no', '=', past.policyNo).execute()).toHaveLength(3);
    expect(await db.selectFrom('receipts').select('reference').where('policy_no', '=', past.policyNo).execute()).toEqual([{ reference: `receipts/${past.policyNo}/r.pdf` }]);

    for (const kept of [lastDay, longTerm]) {
      expect(await store.personalData(kept.policyNo)).toEqual({
        holderName: kept.policyholder.name, holderPhone: kept.policyholder.phone, holderIdNumber: kept.policyholder.idNumber, agentName: kept.agent.name, agentPhone: kept.agent.phone,
      });
      expect(await ciphertextOf(kept.policyNo)).toEqual(before);
      expect(await actionsOf(kept.policyNo)).toEqual([]);
    }
    expect(await db.selectFrom('policies').select('evidence_kept_until').where('policy_no', '=', longTerm.policyNo).executeTakeFirst()).toEqual({ evidence_kept_until: '2026-03-10' });

    // Again, the same day or the next: nothing more to remove, nothing more recorded.
    expect(await shredExpired(db, { today, runId: 'retention-purge-test-2', batch: 10 })).toEqual({ shredded: [], more: false });
    expect(await shredExpired(db, { today: '2025-03-12', runId: 'retention-purge-test-3', batch: 10 })).toEqual({
      shredded: [{ policyNo: lastDay.policyNo, keptUntil: '2025-03-11', removed }],
      more: false,
    });
    expect(await actionsOf(past.policyNo)).toHaveLength(1);
    expect(await ciphertextOf(longTerm.policyNo)).toEqual(before);
  });

  test('batches: the oldest period first, `more` while a batch was full; a shredded policy is not selected again', async () => {
    const { store, db } = database.current();
    const today = '2000-06-01';
    const older = await policyWithEvidence(store, '1993-01-01', 12); // kept until 1999-01-01
    const newer = await policyWithEvidence(store, '1993-05-01', 12); // kept until 1999-05-01
    const first = await shredExpired(db, { today, runId: 'batch-1', batch: 1 });
    expect(first).toEqual({ shredded: [expect.objectContaining({ policyNo: older.policyNo })], more: true });
    const second = await shredExpired(db, { today, runId: 'batch-2', batch: 1 });
    expect(second).toEqual({ shredded: [expect.objectContaining({ policyNo: newer.policyNo })], more: true });
    expect(await shredExpired(db, { today, runId: 'batch-3', batch: 1 })).toEqual({ shredded: [], more: false });
    expect((await actionsOf(newer.policyNo)).map((a) => a.run_id)).toEqual(['batch-2']);
  });

  test('bad input is refused, naming what', async () => {
    const { db } = database.current();
    await expect(shredExpired(db, { today: '2025-02-30', runId: 'x', batch: 1 })).rejects.toThrow(/today must be a YYYY-MM-DD date/);
    await expect(shredExpired(db, { today: '2025-03-01', runId: '', batch: 1 })).rejects.toThrow(/runId/);
    await expect(shredExpired(db, { today: '2025-03-01', runId: 'x', batch: 0 })).rejects.toThrow(/batch must be a positive whole number/);
  });
});

describe('on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let h: TestHarness;
  /** The server's date when the file started (read once). */
  let serverToday: string;

  beforeAll(async () => {
    const keyring = generateKeyring();
    env = await startDevServer(keyring);
    const now = new Date(await env.currentTimeMs());
    serverToday = localDateOf(now, TZ);
    // Batches of one: the run has to go round its loop.
    const base = testSettings(now);
    h = await createHarness(env, keyring, { settings: { ...base, retention: { ...base.retention, purgeBatch: 1 } } });
  });
  afterAll(async () => {
    await stopServer(env);
  });

  test('npm start sets the namespace’s history retention; on a cluster it only compares, and warns', async () => {
    const connection = env.connection;
    const namespace = env.namespace ?? 'default';
    const was = await namespaceRetentionDays(connection, namespace);
    expect(await ensureNamespaceRetention(connection, namespace, SHIPPED.historyRetentionDays, { set: true })).toBe(
      was === 30 ? `namespace '${namespace}' keeps closed workflow histories 30 days (already so)` : `namespace '${namespace}' now keeps closed workflow histories 30 days (was ${was})`,
    );
    expect(await namespaceRetentionDays(connection, namespace)).toBe(30);
    expect(await ensureNamespaceRetention(connection, namespace, 30, { set: true })).toBe(`namespace '${namespace}' keeps closed workflow histories 30 days (already so)`);
    expect(await ensureNamespaceRetention(connection, namespace, 7, { set: true })).toBe(`namespace '${namespace}' now keeps closed workflow histories 7 days (was 30)`);
    expect(await namespaceRetentionDays(connection, namespace)).toBe(7);

    // A cluster's namespace is its operator's: compared, never changed.
    expect(await ensureNamespaceRetention(connection, namespace, 30, { set: false })).toMatch(
      new RegExp(`^WARNING namespace '${namespace}' keeps closed workflow histories 7 days, the configuration says 30 .*--retention 30d$`),
    );
    expect(await namespaceRetentionDays(connection, namespace)).toBe(7);
    expect(await ensureNamespaceRetention(connection, namespace, 7, { set: false })).toBe(`namespace '${namespace}' keeps closed workflow histories 7 days, as configured`);
    await expect(ensureNamespaceRetention(connection, namespace, 0, { set: true })).rejects.toThrow(/historyRetentionDays/);
    await ensureNamespaceRetention(connection, namespace, 30, { set: true });
  });

  test('the Schedule runs every day at 02:30 Asia/Shanghai; creating it again keeps one, in line with the configuration, a pause kept', async () => {
    const client = h.huifang.temporal;
    const scheduleId = `retention-spec-${run}`;
    const options = { taskQueue: h.taskQueue, config: SHIPPED, timeZone: TZ, scheduleId };
    expect(await ensureRetentionSchedule(client, options)).toBe('created');
    expect(await ensureRetentionSchedule(client, options)).toBe('updated');
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      const described = await schedule.describe();
      expect(described.spec.timezone).toBe(TZ);
      expect(described.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 2, end: 2, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] })]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionPurgeWorkflow', taskQueue: h.taskQueue });
      expect(described.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 86_400_000 });
      const next = described.info.nextActionTimes;
      expect(next.length).toBeGreaterThanOrEqual(3);
      for (const t of next) expect(localMinutesOf(t, TZ)).toBe(2 * 60 + 30);
      for (let i = 1; i < next.length; i++) expect(localDateOf(next[i], TZ)).toBe(addCalendarDays(localDateOf(next[i - 1], TZ), 1));

      // An operator pauses it; a changed time takes effect at the next start, the pause stays.
      await schedule.pause('database maintenance');
      expect(await ensureRetentionSchedule(client, { ...options, config: { ...SHIPPED, purgeAt: '03:15' } })).toBe('updated');
      const moved = await schedule.describe();
      expect(moved.spec.calendars).toEqual([expect.objectContaining({ hour: [{ start: 3, end: 3, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] })]);
      expect(moved.state).toMatchObject({ paused: true, note: 'database maintenance' });
    } finally {
      await schedule.delete();
    }
  });

  test('its run for a day shreds, batch after batch, every policy past its period by that day, and records each', async () => {
    const purgeDay = addCalendarDays(serverToday, -3);
    const { store, db } = h.database;
    const contracts = [];
    for (let i = 0; i < 3; i++) contracts.push(await policyWithEvidence(store, '2020-01-01', 12));
    // Their periods ended ten days and one day before the purge's day, and end on it (set directly:
    // the dates from contracts are covered above).
    const keptUntil = [addCalendarDays(purgeDay, -10), addCalendarDays(purgeDay, -1), purgeDay];
    for (const [i, c] of contracts.entries()) await db.updateTable('policies').set({ evidence_kept_until: keptUntil[i] }).where('policy_no', '=', c.policyNo).execute();
    // The first and the last have files of their own: a recording and a scanned waiver statement.
    const filesOf = async (policyNo: string) => {
      const reference = `${policyNo}/call-1.mp3`;
      mkdirSync(join(h.recordingsDir, policyNo), { recursive: true });
      writeFileSync(join(h.recordingsDir, reference), 'voice');
      await db.insertInto('recordings').values({ policy_no: policyNo, reference, checksum: 'sha256:x', size_bytes: 5, uploaded_by: 'cc-1', verified_at: '2020-01-02T00:00:00.000Z' }).execute();
      await h.documents.save(`statements/${policyNo}/waiver.pdf`, '%PDF-1.4 signed');
      return { recording: join(h.recordingsDir, reference), statement: h.documents.pathOf(`statements/${policyNo}/waiver.pdf`) };
    };
    const shreddedFiles = await filesOf(contracts[0].policyNo);
    const keptFiles = await filesOf(contracts[2].policyNo);

    const scheduleId = `retention-run-${run}`;
    const client = h.huifang.temporal;
    expect(await ensureRetentionSchedule(client, { taskQueue: h.taskQueue, config: h.settings.retention, timeZone: TZ, scheduleId })).toBe('created');
    const schedule = client.schedule.getHandle(scheduleId);
    try {
      const { result, workflowId } = await h.withWorker(async () => {
        // The Schedule's run of that day's 02:30, made now (as when catching up after an outage).
        const scheduledAt = instantAt(purgeDay, h.settings.retention.purgeAt, TZ);
        await schedule.backfill({ start: new Date(scheduledAt.getTime() - 60_000), end: new Date(scheduledAt.getTime() + 60_000), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
        const started = await eventually(`schedule ${scheduleId} made no run for ${scheduledAt.toISOString()}`, async () =>
          (await schedule.describe()).info.recentActions.find((a) => a.scheduledAt.getTime() === scheduledAt.getTime()),
        );
        const id = started.action.workflow.workflowId;
        return { result: await client.workflow.getHandle<() => Promise<RetentionPurgeResult>>(id).result(), workflowId: id };
      });
      expect(result).toEqual({ today: purgeDay, shredded: 2 });
      // One batch per policy (batches of one), then the empty one that ends the loop.
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes).length).toBe(3);

      for (const [i, c] of contracts.slice(0, 2).entries()) {
        expect(await store.personalData(c.policyNo)).toBeUndefined();
        const actions = await db.selectFrom('retention_actions').select(['action', 'kept_until', 'run_id']).where('policy_no', '=', c.policyNo).execute();
        expect(actions).toEqual([{ action: 'crypto-shred', kept_until: keptUntil[i], run_id: workflowId }]);
      }
      // The expired policy's files went with its personal data, and the record says so; the other's stay.
      for (const file of Object.values(shreddedFiles)) expect(existsSync(file)).toBe(false);
      for (const file of Object.values(keptFiles)) expect(existsSync(file)).toBe(true);
      const [first] = await db.selectFrom('retention_actions').select('removed').where('policy_no', '=', contracts[0].policyNo).execute();
      expect(first.removed).toEqual(expect.arrayContaining([`recordings/${contracts[0].policyNo}/call-1.mp3`, `documents/statements/${contracts[0].policyNo}`, 'policy_keys']));
      expect(await store.personalData(contracts[2].policyNo)).toMatchObject({ holderName: contracts[2].policyholder.name });
      expect(await db.selectFrom('retention_actions').select('id').where('policy_no', '=', contracts[2].policyNo).execute()).toEqual([]);
    } finally {
      await schedule.delete();
    }
  });

  test('a run by hand for a day still to come is refused: shredding never runs ahead of the calendar', async () => {
    const tomorrow = new Date((await env.currentTimeMs()) + 86_400_000).toISOString();
    const c = await policyWithEvidence(h.database.store, '2020-01-01', 12);
    await h.database.db.updateTable('policies').set({ evidence_kept_until: serverToday }).where('policy_no', '=', c.policyNo).execute();
    await h.withWorker(async () => {
      const started = h.huifang.temporal.workflow.execute(retentionPurgeWorkflow, { args: [{ at: tomorrow }], taskQueue: h.taskQueue, workflowId: `retention-ahead-${run}` });
      await expect(started).rejects.toThrow(WorkflowFailedError);
      await expect(started.catch((err: WorkflowFailedError) => Promise.reject(err.cause?.cause ?? err.cause))).rejects.toThrow(/is in the future: the purge never runs ahead of the calendar/);
    });
    expect(await h.database.store.personalData(c.policyNo)).toMatchObject({ holderName: c.policyholder.name });
  });
});
