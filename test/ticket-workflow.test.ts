/**
 * Transfer tickets on the time-skipping server: the routing steps with who and when, the durable
 * 2-working-day deadline across a weekend, a public holiday and a make-up working day, the reminder
 * and escalations at their instants, late replies, invalid steps, and a worker restart.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RequestRejectedError } from '../client/huifang-client';
import { addCalendarDays, instantAt, localDateOf, type LocalDate } from '../domain/local-time';
import type { Actor, TicketInput, TicketStep } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import * as sa from '../workflows/search-attributes';
import { advanceTo as advanceToInstant, waitUntilClosed } from './helpers/clock';
import { startTicket as startTicketOf } from './helpers/drive';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { nextWeekday, settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';

let env: TestWorkflowEnvironment;
let h: TestHarness;
/** Fridays of the scenarios, laid out from the server's clock: F (weekend), F+7 (holiday), F+20 Thu (make-up). */
let F: LocalDate;
const local = (date: LocalDate, time: string) => instantAt(date, time);

const tier3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  F = nextWeekday(addCalendarDays(today, 2), 5);
  const calendar = syntheticCalendar(today, {
    holidays: [addCalendarDays(F, 10), addCalendarDays(F, 11)], // the Monday and Tuesday after F+7
    makeupWorkdays: [addCalendarDays(F, 22)], // a Saturday worked in lieu
  });
  h = await createHarness(env, keyring, { settings: settingsWithCalendar(calendar) });
});
afterAll(async () => {
  await stopServer(env);
});

let seq = 0;
function aTicket(type: TicketType): TicketInput {
  seq++;
  return {
    ticketId: `P20261125T${seq}-T1`,
    policyNo: `P20261125T${seq}`,
    type,
    reasons: type === 'failed-callback' ? ['wrong-number'] : type === 'level-1' ? ['not-signed-by-policyholder'] : ['contract-not-received'],
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agentCode: 'A10086',
    finding: 'found on the callback call',
  };
}

const startTicket = (t: TicketInput) => startTicketOf(h, t);

const advanceTo = (instant: Date) => advanceToInstant(env, instant);

const step = (ticketId: string, s: TicketStep) => h.huifang.advanceTicket(ticketId, s);
const sentFor = (ticketId: string, kind: string) => h.notifier.sent.filter((n) => n.ticketId === ticketId && n.kind === kind);

/**
 * A timed notification is not sent a minute before `instant` and is sent within a second after it.
 * (Notifications are activities, run in real time once the timer has fired: give them a moment.)
 */
async function expectFiresAt(ticketId: string, kind: string, instant: string, count: number): Promise<void> {
  await advanceTo(new Date(Date.parse(instant) - 60_000));
  await new Promise((r) => setTimeout(r, 500));
  expect(sentFor(ticketId, kind)).toHaveLength(0);
  await advanceTo(new Date(Date.parse(instant) + 1_000));
  for (let i = 0; i < 400 && sentFor(ticketId, kind).length < count; i++) await new Promise((r) => setTimeout(r, 50));
  const sent = sentFor(ticketId, kind);
  expect(sent).toHaveLength(count);
  for (const n of sent) expect(Date.parse(n.sentAt) - Date.parse(instant)).toBeLessThanOrEqual(1_000);
}

test('across a weekend: reminder at 09:00 on the due day, overdue and escalated at the due time, branch a working day later; a late reply is accepted and marked late', async () => {
  const t = aTicket('failed-callback');
  await h.withWorker(async () => {
    const handle = await startTicket(t);
    await advanceTo(local(F, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    const dueDay = addCalendarDays(F, 4); // Friday + Monday, Tuesday
    expect(dispatched.dueAt).toBe(local(dueDay, '24:00').toISOString());
    expect(dispatched.remindAt).toBe(local(dueDay, '09:00').toISOString());
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });

    const escalateAt = local(addCalendarDays(F, 5), '24:00').toISOString();
    await expectFiresAt(t.ticketId, 'ticket-reminder', dispatched.remindAt!, 2); // to the agent and the tier-4 office
    await expectFiresAt(t.ticketId, 'ticket-overdue', dispatched.dueAt!, 1);
    await expectFiresAt(t.ticketId, 'ticket-escalated', escalateAt, 1);
    expect(sentFor(t.ticketId, 'ticket-reminder').map((n) => n.to)).toEqual(
      expect.arrayContaining([{ role: 'agent', code: 'A10086' }, { role: 'tier4', code: 'SH-PD-03' }]),
    );
    expect(sentFor(t.ticketId, 'ticket-overdue').map((n) => n.to)).toEqual([{ role: 'tier3', code: 'SH-PD' }]);
    expect(sentFor(t.ticketId, 'ticket-escalated').map((n) => n.to)).toEqual([{ role: 'branch', code: 'SH' }]);
    const overdue = await h.huifang.getTicketState(t.ticketId);
    expect(overdue).toMatchObject({ overdue: true, stage: 'SIGNED' });
    expect(overdue.escalations.map((e) => e.to)).toEqual(['tier3', 'branch']);
    expect((await handle.describe()).typedSearchAttributes.get(sa.Overdue)).toBe(true);

    const replied = await step(t.ticketId, { step: 'reply', actor: agent, correctedPhone: '13912345679' });
    expect(replied.stage).toBe('CLOSED');
    expect(replied.reply).toMatchObject({ correctedPhone: '13912345679', late: true });
    expect(replied.steps.at(-1)).toMatchObject({ step: 'reply', late: true, actor: agent });
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
  });
});

test('across a public holiday: the due day skips the holiday; a reply in time is not late and stops the timers', async () => {
  const t = aTicket('level-1');
  await h.withWorker(async () => {
    const handle = await startTicket(t);
    const friday = addCalendarDays(F, 7);
    await advanceTo(local(friday, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    // Sat, Sun, then Mon and Tue are holidays: Wednesday is the 1st working day, Thursday the 2nd.
    expect(dispatched.dueAt).toBe(local(addCalendarDays(friday, 6), '24:00').toISOString());
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    await advanceTo(local(addCalendarDays(friday, 5), '15:00'));
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '已与客户面谈，客户本人补签投保单' });
    expect(replied).toMatchObject({ stage: 'CLOSED', overdue: false, reply: { late: false } });
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
    expect(sentFor(t.ticketId, 'ticket-overdue')).toEqual([]);
  });
});

test('a level-2 ticket over a make-up working day goes dispatch → agent → signed → replied → collected → archived, each step with who and when', async () => {
  const t = aTicket('level-2');
  await h.withWorker(async () => {
    const handle = await startTicket(t);
    const thursday = addCalendarDays(F, 20);
    await advanceTo(local(thursday, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    // Friday is the 1st working day, the make-up Saturday the 2nd.
    expect(dispatched.dueAt).toBe(local(addCalendarDays(thursday, 2), '24:00').toISOString());
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '已补寄合同，客户签收' });
    expect(replied.stage).toBe('REPLIED');
    await step(t.ticketId, { step: 'collect', actor: tier4 });
    const archived = await step(t.ticketId, { step: 'archive', actor: tier3 });
    expect(archived.stage).toBe('CLOSED');
    expect(archived.steps.map((s) => [s.step, s.actor.id])).toEqual([
      ['dispatch', 'T3-LI'],
      ['hand-to-agent', 'T4-ZHAO'],
      ['sign-receipt', 'A10086'],
      ['reply', 'A10086'],
      ['collect', 'T4-ZHAO'],
      ['archive', 'T3-LI'],
    ]);
    expect(archived.steps.every((s) => typeof s.at === 'string' && !s.late)).toBe(true);
    expect((await handle.describe()).typedSearchAttributes.get(sa.TicketStage)).toBe('CLOSED');
  });
});

test('invalid steps are rejected with the reason, and the ticket is unchanged', async () => {
  const t = aTicket('failed-callback');
  await h.withWorker(async () => {
    await startTicket(t);
    const reject = async (s: unknown, reason: RegExp) => {
      const before = await h.huifang.getTicketState(t.ticketId);
      const attempt = step(t.ticketId, s as TicketStep);
      await expect(attempt).rejects.toThrow(RequestRejectedError);
      await expect(attempt).rejects.toThrow(reason);
      expect(await h.huifang.getTicketState(t.ticketId)).toEqual(before);
    };
    await reject({ step: 'hand-to-agent', actor: tier4 }, /not possible in stage AWAITING_DISPATCH/);
    await reject({ step: 'dispatch', actor: { ...tier3, office: 'BJ-CY' } }, /not the central sub-branch/);
    await reject({ step: 'dispatch', actor: agent }, /taken by tier3, not agent/);
    await reject({ step: 'dispatch' }, /actor/);
    await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    await reject({ step: 'hand-to-agent', actor: { ...tier4, office: 'SH-PD-04' } }, /not the tier-4 office/);
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await reject({ step: 'sign-receipt', actor: { role: 'agent', id: 'A99999' } }, /A99999 is not the agent/);
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    await reject({ step: 'reply', actor: agent, correctedPhone: '1391234' }, /correctedPhone/);
    await reject({ step: 'reply', actor: agent, actionTaken: 'called the customer' }, /corrected phone number/);
    await reject({ step: 'collect', actor: tier4 }, /level-2 step/);
  });
});

test('an open ticket is picked up by a new worker after the first one stops', async () => {
  const t = aTicket('level-1');
  await h.withWorker(async () => {
    await startTicket(t);
    await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
  });
  await h.withWorker(async () => {
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '客户确认系本人投保' });
    expect(replied.stage).toBe('CLOSED');
    expect(replied.steps.map((s) => s.step)).toEqual(['dispatch', 'hand-to-agent', 'sign-receipt', 'reply']);
  });
});
