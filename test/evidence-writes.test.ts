/**
 * The system of record keeps up with an open case: before each wait that may last (the next slot, a
 * ticket's reply), the callback writes what changed, so a page or an auditor reading the database
 * never sees a case days behind its workflow.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { completedCall, driveCleanCall, OPERATOR, openAttempt, waitForCall, waitForState, aContractSignedDaysAgo, terminateWhenIdle } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const started: string[] = [];

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  h = await createHarness(env, keyring);
});
afterAll(async () => {
  await h.withWorker(async () => {
    for (const policyNo of started) await terminateWhenIdle(h, policyNo);
  });
  await stopServer(env);
});

test('an unanswered attempt is in the database while the callback sleeps until the next slot', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  started.push(p);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const calling = await waitForCall(h, p, 1);
    await h.huifang.recordCallOutcome(p, { attemptId: openAttempt(calling).attemptId, outcome: 'no-answer', operator: OPERATOR });
    await waitForState(h, p, (s) => s.stage === 'AWAITING_CALL' && s.attempts.length === 1, { what: 'asleep until the second slot', maxSkippedMs: 0 });
    const { db } = h.database;
    const attempt = await eventually('attempt 1 in the database', async () =>
      db.selectFrom('call_attempts').select(['attempt_no', 'outcome', 'operator']).where('policy_no', '=', p).executeTakeFirst(),
    );
    expect(attempt).toEqual({ attempt_no: 1, outcome: 'no-answer', operator: OPERATOR });
    const row = await db.selectFrom('policies').select(['stage', 'attempts_made']).where('policy_no', '=', p).executeTakeFirstOrThrow();
    expect(row).toEqual({ stage: 'AWAITING_CALL', attempts_made: 1 });
  });
});

test('a problem call: its answers and the ticket opened are in the database while the callback waits for the reply', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  started.push(p);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await h.huifang.recordCallOutcome(p, completedCall(await waitForCall(h, p, 1), { 'signed-in-person': 'no' }));
    const waiting = await waitForState(h, p, (s) => s.stage === 'AWAITING_TICKET', { what: 'waiting for the ticket reply', maxSkippedMs: 0 });
    const ticketId = waiting.tickets[0].ticketId;
    const { db } = h.database;
    const row = await eventually('the policy waiting for its ticket in the database', async () => {
      const r = await db.selectFrom('policies').select(['stage', 'state']).where('policy_no', '=', p).executeTakeFirst();
      return r?.stage === 'AWAITING_TICKET' ? r : undefined;
    });
    expect(row.state?.tickets.map((t) => t.ticketId)).toEqual([ticketId]);
    const answers = await db.selectFrom('answers').select(['question_id', 'answer']).where('policy_no', '=', p).where('answer', '=', 'no').execute();
    expect(answers).toEqual([{ question_id: 'signed-in-person', answer: 'no' }]);
    const ticket = await eventually('the ticket in the database', async () => db.selectFrom('tickets').select(['ticket_id', 'policy_no', 'type']).where('ticket_id', '=', ticketId).executeTakeFirst());
    expect(ticket).toEqual({ ticket_id: ticketId, policy_no: p, type: 'level-1' });
    // The tier-3 handler was told of the new ticket: the notice is evidence too.
    const notices = await eventually('the ticket notice in the database', async () => {
      const rows = await db.selectFrom('notifications').select(['subject', 'about', 'sent_to']).where('policy_no', '=', p).execute();
      return rows.some((r) => r.about === 'ticket-created') ? rows : undefined;
    });
    expect(notices).toContainEqual({ subject: ticketId, about: 'ticket-created', sent_to: `tier3 ${contract.org.centralSubBranch}` });
  });
});

test('a completed callback: its whole story in the tables, and not one name, number or ID number in clear anywhere in the database', async () => {
  const contract = await aContractSignedDaysAgo(h, 1);
  const p = contract.policyNo;
  await h.withWorker(() => driveCleanCall(h, contract));
  const { db } = h.database;
  const row = await eventually('the closed policy in the database', async () => {
    const r = await db.selectFrom('policies').selectAll().where('policy_no', '=', p).executeTakeFirst();
    return r?.stage === 'COMPLETED' ? r : undefined;
  });
  expect(row).toMatchObject({ completed_by: 'phone', required: true, attempts_made: 1 });
  expect(row.closed_at).toBeDefined();
  expect(await db.selectFrom('recordings').select('policy_no').where('policy_no', '=', p).execute()).toHaveLength(1);
  expect((await db.selectFrom('stage_changes').select('stage').where('policy_no', '=', p).orderBy('seq').execute()).map((r) => r.stage)).toEqual(
    expect.arrayContaining(['ASSESSING', 'AWAITING_CALL', 'CALLING', 'AWAITING_RECORDING', 'COMPLETED']),
  );
  // Every table, every column, as text (bytea as its hex): no personal data of the contract.
  const tables = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`.execute(db);
  let everything = '';
  for (const { tablename } of tables.rows) {
    const rows = await sql<{ t: string }>`SELECT t::text AS t FROM ${sql.table(tablename)} AS t`.execute(db);
    everything += rows.rows.map((r) => r.t).join('\n');
  }
  expect(everything).toContain(p); // the scan reads the policy's rows
  for (const secret of [contract.policyholder.name, contract.policyholder.phone!, contract.policyholder.idNumber, contract.agent.name, contract.agent.phone]) {
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(Buffer.from(secret, 'utf8').toString('hex')); // bytea shows as hex
  }
});
