/**
 * The system of record's reads, against a real PostgreSQL: a policy's story from the evidence
 * tables (without personal data), the callback and ticket lists by their filters, in their order,
 * and the register's tickets of a day.
 */
import type { CallbackState } from '../domain/callback-state';
import { callbackEvidenceOf, ticketEvidenceOf } from '../domain/callback-record';
import type { Contract } from '../domain/contract';
import type { TicketState } from '../domain/ticket';
import { CORRECTED_PHONE_KEPT } from '../stores/evidence-reads';
import { aContract } from './helpers/contracts';
import { useTestDatabase } from './helpers/test-database';

const database = useTestDatabase();
const T0 = '2026-11-20T02:00:00.000Z';
const T1 = '2026-11-21T02:00:00.000Z';
const T2 = '2026-11-22T02:00:00.000Z';

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

function ticketOf(contract: Contract, n: number, over: Partial<TicketState> = {}): TicketState {
  return {
    ticketId: `${contract.policyNo}-T${n}`, policyNo: contract.policyNo, type: 'failed-callback', reasons: ['wrong-number'], org: contract.org, agentCode: contract.agent.code,
    finding: 'wrong-number', stage: 'AWAITING_DISPATCH', createdAt: T0, reminded: false, overdue: false, reminders: [], escalations: [], steps: [],
    ...over,
  } as unknown as TicketState;
}

const attempt = (n: number, outcome: string, answers?: Record<string, 'yes' | 'no'>) => ({
  attemptId: `a${n}`, attemptNo: n, slot: { slot: 'morning' as const, start: T0, end: T0, late: false }, placedAt: T0, outcome, recordedAt: T1,
  report: { attemptId: `a${n}`, outcome, operator: 'cc-9', ...(answers ? { answers } : {}) },
}) as unknown as CallbackState['attempts'][number];

test("a policy's story: the business fields, the decision, every attempt, answer, recording, stage, ticket and step, and no personal data", async () => {
  const { store } = database.current();
  const contract = aContract({ policyNo: 'P-READ-0001' });
  const ticket = ticketOf(contract, 1, {
    stage: 'CLOSED',
    steps: [
      { step: 'dispatch', actor: { role: 'tier3', id: 's-1', office: contract.org.centralSubBranch }, at: T0, late: false },
      { step: 'reply', actor: { role: 'agent', id: contract.agent.code }, at: T1, late: true, note: '已核实' },
    ],
    reply: { correctedPhone: '13900001111', at: T1, late: true },
    closedAt: T1,
  } as Partial<TicketState>);
  const done = stateOf(contract.policyNo, {
    stage: 'COMPLETED',
    attempts: [attempt(1, 'wrong-number'), attempt(2, 'completed', { 'signed-in-person': 'yes', 'contract-received': 'no' })],
    attemptsMade: 2,
    completedBy: 'phone',
    tickets: [{ ticketId: ticket.ticketId, type: 'failed-callback', reasons: ['wrong-number'], openedAt: T0, closedAt: T1 }] as unknown as CallbackState['tickets'],
    phoneSource: ticket.ticketId,
    recording: { reference: 'rec/a2.mp3', checksum: 'sha256:' + 'a'.repeat(64), uploadedBy: 'cc-9', verifiedAt: T2, sizeBytes: 1234 },
    stageHistory: [{ stage: 'ASSESSING', at: T0 }, { stage: 'AWAITING_CALL', at: T0 }, { stage: 'COMPLETED', at: T2 }],
    closedAt: T2,
  });
  await store.putCallback(callbackEvidenceOf(contract, stateOf(contract.policyNo), { startedAt: T0, revision: 1, at: T0 }));
  await store.putTicket(ticketEvidenceOf(ticket, { revision: 1, at: T1 }));
  await store.putCallback(callbackEvidenceOf(contract, done, { startedAt: T0, revision: 2, at: T2 }));

  const story = await store.story(contract.policyNo);
  expect(story).toMatchObject({
    policyNo: contract.policyNo,
    channel: contract.channel,
    org: { ...contract.org, agentCode: contract.agent.code },
    decision: { required: true, ruleId: 'R1', ratio: 1, sampleValue: 0.42, reason: 'R1 at ratio 1: callback required' },
    stage: 'COMPLETED',
    completedBy: 'phone',
    closedAt: T2,
    evidenceKeptUntil: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
  });
  expect(story!.attempts.map((a) => [a.attemptNo, a.outcome, a.operator])).toEqual([[1, 'wrong-number', 'cc-9'], [2, 'completed', 'cc-9']]);
  expect(story!.answers).toEqual([
    { source: 'attempt-2', questionId: 'contract-received', answer: 'no', answeredAt: T1 },
    { source: 'attempt-2', questionId: 'signed-in-person', answer: 'yes', answeredAt: T1 },
  ]);
  expect(story!.recordings).toEqual([{ reference: 'rec/a2.mp3', checksum: 'sha256:' + 'a'.repeat(64), sizeBytes: 1234, uploadedBy: 'cc-9', verifiedAt: T2 }]);
  expect(story!.stageChanges.map((s) => s.stage)).toEqual(['ASSESSING', 'AWAITING_CALL', 'COMPLETED']);
  expect(story!.tickets).toEqual([
    expect.objectContaining({
      ticketId: ticket.ticketId,
      stage: 'CLOSED',
      closedAt: T1,
      correctedPhoneGiven: true,
      steps: [
        { step: 'dispatch', actor: { role: 'tier3', id: 's-1', office: contract.org.centralSubBranch }, at: T0, late: false },
        { step: 'reply', actor: { role: 'agent', id: contract.agent.code }, at: T1, late: true, note: '已核实' },
      ],
    }),
  ]);
  const text = JSON.stringify(story);
  for (const secret of ['13900001111', contract.policyholder.phone!, contract.policyholder.name, contract.policyholder.idNumber, contract.agent.name]) expect(text).not.toContain(secret);
  expect(text).not.toContain('null');
  // The recorded ticket marks the corrected number without holding it.
  expect((await store.ticketState(ticket.ticketId))?.reply).toEqual({ correctedPhone: CORRECTED_PHONE_KEPT, at: T1, late: true });
  expect(await store.story('P-READ-NONE')).toBeUndefined();
});

test('the lists filter by stage, open or closed, org, ticket type and overdue, most recent first, and stop at the limit', async () => {
  const { store } = database.current();
  const a = aContract({ policyNo: 'P-READ-0101' });
  const b = aContract({ policyNo: 'P-READ-0102', org: { branch: 'BJ', centralSubBranch: 'BJ-CY', tier4Office: 'BJ-CY-01' } });
  const c = aContract({ policyNo: 'P-READ-0103' });
  await store.putCallback(callbackEvidenceOf(a, stateOf(a.policyNo), { startedAt: T0, revision: 1, at: T0 }));
  await store.putCallback(callbackEvidenceOf(b, stateOf(b.policyNo), { startedAt: T1, revision: 1, at: T1 }));
  await store.putCallback(callbackEvidenceOf(c, stateOf(c.policyNo, { stage: 'WAIVED', closedAt: T2 }), { startedAt: T2, revision: 1, at: T2 }));

  const ours = (rows: { policyNo: string }[]) => rows.map((r) => r.policyNo).filter((p) => p.startsWith('P-READ-01'));
  expect(ours(await store.callbackRows({}, 1000))).toEqual([c.policyNo, b.policyNo, a.policyNo]);
  expect(ours(await store.callbackRows({ open: true }, 1000))).toEqual([b.policyNo, a.policyNo]);
  expect(ours(await store.callbackRows({ open: false }, 1000))).toEqual([c.policyNo]);
  expect(ours(await store.callbackRows({ stage: 'AWAITING_CALL', branch: 'SH' }, 1000))).toEqual([a.policyNo]);
  expect(await store.callbackRows({ centralSubBranch: 'BJ-CY' }, 1000)).toEqual([
    { policyNo: b.policyNo, stage: 'AWAITING_CALL', branch: 'BJ', centralSubBranch: 'BJ-CY', tier4Office: 'BJ-CY-01', agentCode: b.agent.code, startedAt: T1 },
  ]);
  expect(await store.callbackRows({}, 2)).toHaveLength(2);

  await store.putTicket(ticketEvidenceOf(ticketOf(a, 1, { createdAt: T0 }), { revision: 1, at: T0 }));
  await store.putTicket(ticketEvidenceOf(ticketOf(a, 2, { createdAt: T1, type: 'level-1', stage: 'DISPATCHED', overdue: true, dueAt: T2 } as Partial<TicketState>), { revision: 1, at: T1 }));
  await store.putTicket(ticketEvidenceOf(ticketOf(b, 1, { createdAt: T2 }), { revision: 1, at: T2 }));
  const ids = (rows: { ticketId: string }[]) => rows.map((r) => r.ticketId).filter((t) => t.startsWith('P-READ-01'));
  expect(ids(await store.ticketRows({}, 1000))).toEqual([`${b.policyNo}-T1`, `${a.policyNo}-T2`, `${a.policyNo}-T1`]);
  expect(ids(await store.ticketRows({ centralSubBranch: 'SH-PD' }, 1000))).toEqual([`${a.policyNo}-T2`, `${a.policyNo}-T1`]);
  expect(await store.ticketRows({ type: 'level-1', overdue: true, stage: 'DISPATCHED' }, 1000)).toEqual([
    { ticketId: `${a.policyNo}-T2`, policyNo: a.policyNo, type: 'level-1', reasons: ['wrong-number'], stage: 'DISPATCHED', dueAt: T2, overdue: true, centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03', agentCode: a.agent.code, startedAt: T1 },
  ]);
  expect(ids(await store.ticketRows({ overdue: false, tier4Office: 'SH-PD-03' }, 1000))).toEqual([`${a.policyNo}-T1`]);
  expect(ids(await store.ticketRows({}, 1))).toHaveLength(1);

  // The register's tickets: those of the sub-branch opened (or dispatched) in the span.
  const onDay = await store.ticketStates({ centralSubBranch: 'SH-PD', openedOrDispatched: { from: T1, to: T2 } });
  expect(onDay.map((t) => t.ticketId).filter((t) => t.startsWith('P-READ-01'))).toEqual([`${a.policyNo}-T2`]);
  expect(await store.orgOfPolicy(b.policyNo)).toEqual({ branch: 'BJ', centralSubBranch: 'BJ-CY', tier4Office: 'BJ-CY-01', agentCode: b.agent.code });
  expect(await store.orgOfTicket(`${a.policyNo}-T1`)).toEqual({ branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03', agentCode: a.agent.code });
  expect(await store.orgOfTicket('P-READ-NONE-T1')).toBeUndefined();
});
