/**
 * The system of record's writes, against a real PostgreSQL: idempotent (a retried or older write
 * changes nothing), complete (attempts, answers, recording, stage changes, waivers, tickets and their
 * steps), and personal data only as ciphertext, shredded with the policy's key.
 */
import type { CallbackState } from '../domain/callback-state';
import { callbackEvidenceOf, ticketEvidenceOf } from '../domain/callback-record';
import type { TicketState } from '../domain/ticket';
import { aContract } from './helpers/contracts';
import { useTestDatabase } from './helpers/test-database';

const database = useTestDatabase();
const T0 = '2026-11-20T02:00:00.000Z';

function stateOf(policyNo: string, over: Partial<CallbackState> = {}): CallbackState {
  return {
    policyNo,
    stage: 'AWAITING_CALL',
    plan: [],
    attempts: [],
    attemptsMade: 0,
    problems: [],
    tickets: [],
    phoneSource: 'contract',
    decision: { required: true, ruleId: 'R1', ratio: 1, sampleValue: 0.42, regionalOverride: null, reason: 'R1 at ratio 1: callback required' },
    stageHistory: [{ stage: 'ASSESSING', at: T0 }, { stage: 'AWAITING_CALL', at: T0 }],
    ...over,
  };
}

const completed = (policyNo: string): CallbackState =>
  stateOf(policyNo, {
    stage: 'COMPLETED',
    attempts: [
      { attemptId: 'a1', attemptNo: 1, slot: { slot: 'morning', start: T0, end: T0, late: false }, placedAt: T0, outcome: 'no-answer', recordedAt: T0, report: { attemptId: 'a1', outcome: 'no-answer', operator: 'cc-7' } },
      {
        attemptId: 'a2', attemptNo: 2, slot: { slot: 'afternoon', start: T0, end: T0, late: false }, placedAt: T0, outcome: 'completed', recordedAt: '2026-11-20T06:00:00.000Z',
        report: { attemptId: 'a2', outcome: 'completed', operator: 'cc-9', answers: { 'q-signed-by-self': 'yes', 'q-understands-terms': 'yes' } },
      },
    ],
    attemptsMade: 2,
    completedBy: 'phone',
    recording: { reference: 'rec/a2.mp3', checksum: 'sha256:' + 'a'.repeat(64), uploadedBy: 'cc-9', verifiedAt: '2026-11-20T07:00:00.000Z', sizeBytes: 1234 },
    stageHistory: [{ stage: 'ASSESSING', at: T0 }, { stage: 'AWAITING_CALL', at: T0 }, { stage: 'AWAITING_RECORDING', at: T0 }, { stage: 'COMPLETED', at: '2026-11-20T07:00:00.000Z' }],
    closedAt: '2026-11-20T07:00:00.000Z',
  });

test('a milestone writes the row and every evidence table; a retried or older write changes nothing', async () => {
  const { store, db } = database.current();
  const contract = aContract({ policyNo: 'P-EVID-0001' });
  const startedAt = T0;
  await store.putCallback(callbackEvidenceOf(contract, stateOf(contract.policyNo), { startedAt, revision: 1, at: T0 }));
  const done = callbackEvidenceOf(contract, completed(contract.policyNo), { startedAt, revision: 2, at: '2026-11-20T07:00:00.000Z' });
  await store.putCallback(done);
  await store.putCallback(done); // retried
  await store.putCallback(callbackEvidenceOf(contract, stateOf(contract.policyNo), { startedAt, revision: 1, at: T0 })); // late, older

  const row = await db.selectFrom('policies').selectAll().where('policy_no', '=', contract.policyNo).executeTakeFirstOrThrow();
  expect(row).toMatchObject({ stage: 'COMPLETED', revision: 2, required: true, rule_id: 'R1', ratio: 1, sample_value: 0.42, completed_by: 'phone', attempts_made: 2 });
  expect(row.completed_at).toBe('2026-11-20T07:00:00.000Z');
  expect(row.callback_month).toBe(contract.receiptSignedOn.slice(0, 7));
  const attempts = await db.selectFrom('call_attempts').select(['attempt_no', 'outcome', 'operator', 'phone_source']).where('policy_no', '=', contract.policyNo).orderBy('attempt_no').execute();
  expect(attempts).toEqual([
    { attempt_no: 1, outcome: 'no-answer', operator: 'cc-7', phone_source: 'contract' },
    { attempt_no: 2, outcome: 'completed', operator: 'cc-9', phone_source: 'contract' },
  ]);
  const answers = await db.selectFrom('answers').select(['source', 'question_id', 'answer']).where('policy_no', '=', contract.policyNo).orderBy('question_id').execute();
  expect(answers).toEqual([
    { source: 'attempt-2', question_id: 'q-signed-by-self', answer: 'yes' },
    { source: 'attempt-2', question_id: 'q-understands-terms', answer: 'yes' },
  ]);
  expect(await db.selectFrom('recordings').select(['reference', 'size_bytes', 'verified_at']).where('policy_no', '=', contract.policyNo).execute()).toEqual([
    { reference: 'rec/a2.mp3', size_bytes: 1234, verified_at: '2026-11-20T07:00:00.000Z' },
  ]);
  expect((await db.selectFrom('stage_changes').select('stage').where('policy_no', '=', contract.policyNo).orderBy('seq').execute()).map((r) => r.stage)).toEqual([
    'ASSESSING', 'AWAITING_CALL', 'AWAITING_RECORDING', 'COMPLETED',
  ]);
  // The view the API shows is the latest state.
  expect((await store.callbackState(contract.policyNo))?.state.stage).toBe('COMPLETED');
});

test('personal data is ciphertext under the policy key; the number dialled too; deleting the key shreds it', async () => {
  const { store, db } = database.current();
  const contract = aContract({ policyNo: 'P-EVID-0002' });
  await store.putCallback(callbackEvidenceOf(contract, completed(contract.policyNo), { startedAt: T0, revision: 1, at: T0 }));
  const raw = await db.selectFrom('personal_data').selectAll().where('policy_no', '=', contract.policyNo).executeTakeFirstOrThrow();
  const everything = JSON.stringify(await db.selectFrom('policies').selectAll().execute()) + Buffer.concat([raw.holder_name!, raw.holder_phone!, raw.holder_id_number!]).toString('latin1');
  for (const secret of [contract.policyholder.name, contract.policyholder.phone!, contract.policyholder.idNumber, contract.agent.name]) expect(everything).not.toContain(secret);
  expect(await store.personalData(contract.policyNo)).toEqual({
    holderName: contract.policyholder.name,
    holderPhone: contract.policyholder.phone,
    holderIdNumber: contract.policyholder.idNumber,
    agentName: contract.agent.name,
    agentPhone: contract.agent.phone,
  });
  const dialled = await db.selectFrom('call_attempts').select('number_dialled').where('policy_no', '=', contract.policyNo).where('attempt_no', '=', 2).executeTakeFirstOrThrow();
  expect(dialled.number_dialled!.toString('latin1')).not.toContain(contract.policyholder.phone!);
  await db.deleteFrom('policy_keys').where('policy_no', '=', contract.policyNo).execute();
  expect(await store.personalData(contract.policyNo)).toBeUndefined();
});

test('a ticket and its steps; the corrected number is kept encrypted, never in the readable state', async () => {
  const { store, db } = database.current();
  const contract = aContract({ policyNo: 'P-EVID-0003' });
  await store.putCallback(callbackEvidenceOf(contract, stateOf(contract.policyNo), { startedAt: T0, revision: 1, at: T0 }));
  const ticket: TicketState = {
    ticketId: 'T-P-EVID-0003-1', policyNo: contract.policyNo, type: 'level-1', reasons: ['wrong-number'], org: contract.org, agentCode: contract.agent.code, finding: 'wrong-number',
    stage: 'CLOSED', createdAt: T0, reminded: false, overdue: false, reminders: [], escalations: [],
    steps: [
      { step: 'dispatch', actor: { role: 'tier3', id: 's-1', office: contract.org.centralSubBranch }, at: T0, late: false },
      { step: 'reply', actor: { role: 'agent', id: contract.agent.code }, at: '2026-11-21T02:00:00.000Z', late: false },
    ],
    reply: { correctedPhone: '13900001111', at: '2026-11-21T02:00:00.000Z', late: false },
    closedAt: '2026-11-21T02:00:00.000Z',
  } as unknown as TicketState;
  await store.putTicket(ticketEvidenceOf(ticket, { revision: 3, at: T0 }));
  await store.putTicket(ticketEvidenceOf(ticket, { revision: 3, at: T0 }));
  const steps = await db.selectFrom('ticket_steps').select(['seq', 'step', 'actor_role']).where('ticket_id', '=', ticket.ticketId).orderBy('seq').execute();
  expect(steps).toEqual([{ seq: 0, step: 'dispatch', actor_role: 'tier3' }, { seq: 1, step: 'reply', actor_role: 'agent' }]);
  const row = await db.selectFrom('tickets').selectAll().where('ticket_id', '=', ticket.ticketId).executeTakeFirstOrThrow();
  expect(JSON.stringify(row.state)).not.toContain('13900001111');
  expect(row.corrected_phone!.toString('latin1')).not.toContain('13900001111');
  expect(await store.ticketState(ticket.ticketId)).toMatchObject({ stage: 'CLOSED', reply: { at: '2026-11-21T02:00:00.000Z' } });
});

test('a write arriving after the retention purge shredded a policy does not bring its personal data back', async () => {
  const { store, db } = database.current();
  const contract = aContract({ policyNo: 'P-EVID-0004' });
  await store.putCallback(callbackEvidenceOf(contract, stateOf(contract.policyNo), { startedAt: T0, revision: 1, at: T0 }));
  await db.deleteFrom('personal_data').where('policy_no', '=', contract.policyNo).execute();
  await db.deleteFrom('policy_keys').where('policy_no', '=', contract.policyNo).execute();
  await db.insertInto('retention_actions').values({ policy_no: contract.policyNo, action: 'crypto-shred', kept_until: '2026-01-01', removed: ['personal_data'], at: T0, run_id: 'test' }).execute();
  await store.putCallback(callbackEvidenceOf(contract, completed(contract.policyNo), { startedAt: T0, revision: 2, at: T0 }));
  expect(await db.selectFrom('policies').select('stage').where('policy_no', '=', contract.policyNo).executeTakeFirstOrThrow()).toEqual({ stage: 'COMPLETED' });
  expect(await db.selectFrom('personal_data').select('policy_no').where('policy_no', '=', contract.policyNo).execute()).toEqual([]);
  expect(await db.selectFrom('policy_keys').select('policy_no').where('policy_no', '=', contract.policyNo).execute()).toEqual([]);
  expect(await store.personalData(contract.policyNo)).toBeUndefined();
});
