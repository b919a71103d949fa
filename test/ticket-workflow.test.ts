/**
 * Transfer tickets on the time-skipping server: the routing steps with who and when, the durable
 * 2-working-day deadline across a weekend, a public holiday and a make-up working day, the reminder
 * and escalations at their instants, late replies, invalid steps, and a worker restart: a ticket and
 * its timers taken over by a second worker (its own identity) once the first has stopped.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LogNotifier } from '../activities/notifier';
import type { PayloadKeyring } from '../client/encryption-codec';
import { RequestRejectedError } from '../client/huifang-client';
import type { Settings } from '../config/settings';
import { addCalendarDays, instantAt, localDateOf, type LocalDate } from '../domain/local-time';
import type { Actor, TicketInput, TicketStep } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import * as sa from '../workflows/search-attributes';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import { advanceTo as advanceToInstant, waitUntilClosed } from './helpers/clock';
import { isIdle, startTicket as startTicketOf } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { withNamedWorker, workerEvents } from './helpers/named-worker';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { nextWeekday, settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let keyring: PayloadKeyring;
let settings: Settings;
/** Fridays of the scenarios, laid out from the server's clock: F (weekend), F+7 (holiday), F+20 Thu (make-up). */
let F: LocalDate;
const local = (date: LocalDate, time: string) => instantAt(date, time);

const tier3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };

beforeAll(async () => {
  keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  F = nextWeekday(addCalendarDays(today, 2), 5);
  const calendar = syntheticCalendar(today, {
    holidays: [addCalendarDays(F, 10), addCalendarDays(F, 11)], // the Monday and Tuesday after F+7
    makeupWorkdays: [addCalendarDays(F, 22)], // a Saturday worked in lieu
  });
  settings = settingsWithCalendar(calendar);
  h = await createHarness(env, keyring, { settings });
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
const sentFor = (ticketId: string, kind: string, notifier: LogNotifier = h.notifier) => notifier.sent.filter((n) => n.ticketId === ticketId && n.kind === kind);

/**
 * Waits until nothing of the ticket is in flight: no workflow task, no activity (a fired timer's task
 * and the notifications it sent are done). Until time moves again, nothing more can be sent.
 */
async function untilIdle(ticketId: string, on: TestHarness = h): Promise<void> {
  await eventually(`ticket ${ticketId} idle`, async () => ((await isIdle(on, ticketWorkflowId(ticketId))) ? true : undefined));
}

/**
 * A timed notification is not sent a minute before `instant` (checked once the ticket is idle at that
 * time) and is sent within a second after it. (Notifications are activities, run in real time once
 * the timer has fired.)
 */
async function expectFiresAt(ticketId: string, kind: string, instant: string, count: number, on: TestHarness = h, notifier: LogNotifier = on.notifier): Promise<void> {
  await advanceTo(new Date(Date.parse(instant) - 60_000));
  await untilIdle(ticketId, on);
  expect(sentFor(ticketId, kind, notifier)).toHaveLength(0);
  await advanceTo(new Date(Date.parse(instant) + 1_000));
  await eventually(`${count} ${kind} sent`, async () => (sentFor(ticketId, kind, notifier).length >= count ? true : undefined));
  await untilIdle(ticketId, on);
  const sent = sentFor(ticketId, kind, notifier);
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

describe('a worker restart', () => {
  /**
   * A harness of its own (its own task queue): the shared worker of the tests above keeps polling
   * theirs, and here only the named workers poll, one at a time.
   */
  let r: TestHarness;
  beforeAll(async () => {
    r = await createHarness(env, keyring, { settings });
  });

  /** Who handled the ticket's tasks, split at the history's length when the first worker had stopped. */
  async function handledBy(ticketId: string, boundary: number) {
    const events = workerEvents(await r.env.client.workflow.getHandle(ticketWorkflowId(ticketId)).fetchHistory());
    const who = (es: typeof events) => [...new Set(es.map((e) => e.identity))];
    const before = events.filter((e) => e.index < boundary);
    const after = events.filter((e) => e.index >= boundary);
    return { before: who(before), after: who(after), completedAfter: after.filter((e) => e.type === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED').length, activitiesAfter: after.filter((e) => e.type.startsWith('EVENT_TYPE_ACTIVITY_TASK')).length };
  }
  const historyLength = async (ticketId: string) => (await r.env.client.workflow.getHandle(ticketWorkflowId(ticketId)).fetchHistory()).events?.length ?? 0;

  test('an open ticket is picked up by a new worker after the first one stops', async () => {
    const t = aTicket('level-1');
    // The first worker keeps no cache: its runs go on from history on the next one.
    const first = await withNamedWorker(r, 'ticket-worker-1', { cached: false }, async () => {
      await startTicketOf(r, t);
      await r.huifang.advanceTicket(t.ticketId, { step: 'dispatch', actor: tier3 });
      await r.huifang.advanceTicket(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
      await untilIdle(t.ticketId, r);
    });
    expect(first.worker.getState()).toBe('STOPPED');
    const boundary = await historyLength(t.ticketId);
    await withNamedWorker(r, 'ticket-worker-2', { cached: true }, async () => {
      await r.huifang.advanceTicket(t.ticketId, { step: 'sign-receipt', actor: agent });
      const replied = await r.huifang.advanceTicket(t.ticketId, { step: 'reply', actor: agent, actionTaken: '客户确认系本人投保' });
      expect(replied.stage).toBe('CLOSED');
      expect(replied.steps.map((s) => [s.step, s.actor.id])).toEqual([
        ['dispatch', 'T3-LI'],
        ['hand-to-agent', 'T4-ZHAO'],
        ['sign-receipt', 'A10086'],
        ['reply', 'A10086'],
      ]);
      expect(await waitUntilClosed(r.env.client.workflow.getHandle(ticketWorkflowId(t.ticketId)))).toBe('COMPLETED');
    });
    // Two workers, told apart by identity: everything up to the stop by the first, everything after by the second.
    const by = await handledBy(t.ticketId, boundary);
    expect(by.before).toEqual(['ticket-worker-1']);
    expect(by.after).toEqual(['ticket-worker-2']);
    expect(by.completedAfter).toBeGreaterThanOrEqual(2); // the two steps taken on the second worker
  });

  test("a ticket's reminder, overdue and escalation timers, set by a worker since stopped, fire and are acted on by a new worker", async () => {
    const t = aTicket('failed-callback');
    const friday = addCalendarDays(F, 28); // after every date of the tests above; no holiday near it
    const firstSent = new LogNotifier(true);
    const secondSent = new LogNotifier(true);
    const first = await withNamedWorker(r, 'ticket-worker-3', { cached: false, notifier: firstSent }, async () => {
      await startTicketOf(r, t);
      await advanceTo(local(friday, '10:00'));
      const d = await r.huifang.advanceTicket(t.ticketId, { step: 'dispatch', actor: tier3 });
      await r.huifang.advanceTicket(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
      await r.huifang.advanceTicket(t.ticketId, { step: 'sign-receipt', actor: agent });
      await untilIdle(t.ticketId, r);
      return d;
    });
    expect(first.worker.getState()).toBe('STOPPED');
    const dispatched = first.result;
    const dueDay = addCalendarDays(friday, 4); // Friday + Monday, Tuesday
    expect(dispatched.dueAt).toBe(local(dueDay, '24:00').toISOString());
    expect(dispatched.remindAt).toBe(local(dueDay, '09:00').toISOString());
    const boundary = await historyLength(t.ticketId);

    const escalateAt = local(addCalendarDays(friday, 5), '24:00').toISOString();
    await withNamedWorker(r, 'ticket-worker-4', { cached: true, notifier: secondSent }, async () => {
      await expectFiresAt(t.ticketId, 'ticket-reminder', dispatched.remindAt!, 2, r, secondSent);
      await expectFiresAt(t.ticketId, 'ticket-overdue', dispatched.dueAt!, 1, r, secondSent);
      await expectFiresAt(t.ticketId, 'ticket-escalated', escalateAt, 1, r, secondSent);
      expect(await r.huifang.getTicketState(t.ticketId)).toMatchObject({ overdue: true, stage: 'SIGNED' });
      const replied = await r.huifang.advanceTicket(t.ticketId, { step: 'reply', actor: agent, correctedPhone: '13912345679' });
      expect(replied.reply).toMatchObject({ late: true });
      expect(await waitUntilClosed(r.env.client.workflow.getHandle(ticketWorkflowId(t.ticketId)))).toBe('COMPLETED');
    });
    // The first worker sent none of the timed notifications; the second sent them all.
    for (const kind of ['ticket-reminder', 'ticket-overdue', 'ticket-escalated']) expect(sentFor(t.ticketId, kind, firstSent)).toEqual([]);
    const timers = (await r.env.client.workflow.getHandle(ticketWorkflowId(t.ticketId)).fetchHistory()).events!.flatMap((e, i) => (e.timerFiredEventAttributes ? [i] : []));
    expect(timers.length).toBeGreaterThanOrEqual(3);
    expect(timers.every((i) => i >= boundary)).toBe(true);
    const by = await handledBy(t.ticketId, boundary);
    expect(by.before).toEqual(['ticket-worker-3']);
    expect(by.after).toEqual(['ticket-worker-4']);
    expect(by.activitiesAfter).toBeGreaterThanOrEqual(4); // the notifications, at least
  });
});
