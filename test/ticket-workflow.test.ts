/**
 * Transfer tickets on the time-skipping server: every wait for a step has its deadlines (domain/waits.ts
 * TICKET_WAITS) and each fires at its instant, not before: a ticket never dispatched reminds the
 * tier-3 handler and goes up to the branch in working hours (over a weekend and a public holiday);
 * the reply's 2-working-day deadline across a weekend, a holiday and a make-up working day, with its
 * reminder and escalations; the branch reminded every week until the step is taken; a level-2
 * ticket's collection and archiving reminded and escalated; the failed-callback flow without the
 * register signature; invalid steps; a worker restart.
 *
 * The scenarios run one after the other on one server clock, each in its own weeks, laid out from
 * the server's date on a synthetic calendar. A "not yet" is checked once nothing of the ticket is in
 * flight (its history idle), never after a fixed sleep.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LogNotifier } from '../notifications/notifier';
import type { Recipient } from '../domain/notification';
import type { PayloadKeyring } from '../client/encryption-codec';
import type { Settings } from '../config/settings';
import { RequestRejectedError } from '../domain/errors';
import { addCalendarDays, instantAt, localDateOf, type LocalDate } from '../domain/local-time';
import type { Actor, TicketInput, TicketState, TicketStep } from '../domain/ticket';
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
/** A Friday at least two days after the server's date; each scenario's first day is counted from it. */
let F: LocalDate;
let keyring: PayloadKeyring;
let harnessSettings: Settings;
const day = (n: number) => addCalendarDays(F, n);
const local = (date: LocalDate, time: string) => instantAt(date, time);
const iso = (date: LocalDate, time: string, plusMs = 0) => new Date(local(date, time).getTime() + plusMs).toISOString();

/** The scenarios' first days (F + n): a Friday, a Friday before a holiday pair, a Thursday before a make-up Saturday, a Friday before a holiday Monday, a Monday. */
const WEEKEND = 0;
const HOLIDAYS = 21;
const MAKEUP = 34;
const NEVER_DISPATCHED = 42;
const LEVEL2 = 66;

const tier3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };
const TO_TIER3: Recipient = { role: 'tier3', code: 'SH-PD' };
const TO_TIER4: Recipient = { role: 'tier4', code: 'SH-PD-03' };
const TO_AGENT: Recipient = { role: 'agent', code: 'A10086' };
const TO_BRANCH: Recipient = { role: 'branch', code: 'SH' };

beforeAll(async () => {
  keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const today = localDateOf(new Date(await env.currentTimeMs()));
  F = nextWeekday(addCalendarDays(today, 2), 5);
  const calendar = syntheticCalendar(today, {
    // The Monday and Tuesday after HOLIDAYS' Friday; the Monday after NEVER_DISPATCHED's Friday.
    holidays: [day(HOLIDAYS + 3), day(HOLIDAYS + 4), day(NEVER_DISPATCHED + 3)],
    makeupWorkdays: [day(MAKEUP + 2)], // a Saturday worked in lieu
  });
  const settings = settingsWithCalendar(calendar);
  // The deadlines these scenarios are written for, whatever config/deadlines.json says.
  const deadlines = { ...settings.deadlines, dispatch: { remindAfterWorkingHours: 4, escalateAfterWorkingHours: 8 }, officeHours: { from: '09:00', to: '17:30' }, branchReminderDays: 7, level2StepWorkingDays: 2 };
  const tickets = { ...settings.tickets, replyDueWorkingDays: 2, dueAtLocalTime: '24:00', remindAtLocalTime: '09:00', escalateToBranchAfterWorkingDays: 1 };
  harnessSettings = { ...settings, deadlines, tickets };
  h = await createHarness(env, keyring, { settings: harnessSettings });
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
const advanceTo = (instant: Date | string | number) => advanceToInstant(env, new Date(instant));
const step = (ticketId: string, s: TicketStep) => h.huifang.advanceTicket(ticketId, s);
const stateOf = (ticketId: string) => h.huifang.getTicketState(ticketId);
const sentFor = (ticketId: string, kind: string) => h.notifier.sent.filter((n) => n.ticketId === ticketId && n.kind === kind);

/** Nothing of the ticket in flight: what its fired timers do is done (read from its history). */
async function settled(ticketId: string): Promise<void> {
  await eventually(`ticket ${ticketId} never became idle`, async () => (await isIdle(h, ticketWorkflowId(ticketId))) || undefined);
}

/**
 * A timed notification of `kind` to `to` is not sent a minute before `instant` and is sent at it
 * (within a second: notifications are activities, run once the timer has fired). Counts only what
 * is new since the call, so repeated reminders are checked one by one.
 */
async function expectFiresAt(ticketId: string, kind: string, instant: string, to: Recipient[]): Promise<void> {
  const before = sentFor(ticketId, kind).length;
  await advanceTo(Date.parse(instant) - 60_000);
  await settled(ticketId);
  expect({ kind, sentBefore: sentFor(ticketId, kind).length - before }).toEqual({ kind, sentBefore: 0 });
  await advanceTo(Date.parse(instant) + 1_000);
  const sent = await eventually(`${kind} of ${ticketId} at ${instant}`, async () => {
    const now = sentFor(ticketId, kind).slice(before);
    return now.length >= to.length ? now : undefined;
  });
  expect(sent.map((n) => n.to)).toEqual(expect.arrayContaining(to));
  expect(sent).toHaveLength(to.length);
  for (const n of sent) expect(Date.parse(n.sentAt) - Date.parse(instant)).toBeGreaterThanOrEqual(0);
  for (const n of sent) expect(Date.parse(n.sentAt) - Date.parse(instant)).toBeLessThanOrEqual(1_000);
}

/** Within a second after `instant` (a timer's action runs at the instant the timer fires). */
const atAbout = (instant: string) => ({
  asymmetricMatch: (at: string) => Date.parse(at) >= Date.parse(instant) && Date.parse(at) - Date.parse(instant) <= 1_000,
  toString: () => `within a second after ${instant}`,
});
const notices = (s: TicketState) => s.reminders.map((r) => [r.about, r.role, r.code]);

test('across a weekend, a failed callback without the register signature: reminder at 09:00 on the due day, overdue and escalated at the due time, the branch a working day later and every week after; a late reply is accepted and marked late', async () => {
  const t = aTicket('failed-callback');
  await h.withWorker(async () => {
    const friday = day(WEEKEND);
    await advanceTo(local(friday, '09:50'));
    const handle = await startTicket(t);
    await advanceTo(local(friday, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    const dueDay = addCalendarDays(friday, 4); // Friday + Monday, Tuesday
    expect(dispatched.dueAt).toBe(iso(dueDay, '24:00'));
    expect(dispatched.remindAt).toBe(iso(dueDay, '09:00'));
    expect((await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 })).stage).toBe('WITH_AGENT');

    const escalateAt = iso(addCalendarDays(friday, 5), '24:00');
    await expectFiresAt(t.ticketId, 'ticket-reminder', dispatched.remindAt!, [TO_AGENT, TO_TIER4]);
    await expectFiresAt(t.ticketId, 'ticket-overdue', dispatched.dueAt!, [TO_TIER3]);
    await expectFiresAt(t.ticketId, 'ticket-escalated', escalateAt, [TO_BRANCH]);
    const overdue = await stateOf(t.ticketId);
    expect(overdue).toMatchObject({ overdue: true, reminded: true, stage: 'WITH_AGENT' });
    expect(overdue.escalations).toEqual([
      { to: 'tier3', code: 'SH-PD', about: 'reply', at: atAbout(dispatched.dueAt!) },
      { to: 'branch', code: 'SH', about: 'reply', at: atAbout(escalateAt) },
    ]);
    expect((await handle.describe()).typedSearchAttributes.get(sa.Overdue)).toBe(true);

    // With the branch: reminded every 7 days while the reply does not come.
    const week1 = iso(addCalendarDays(friday, 12), '24:00');
    const week2 = iso(addCalendarDays(friday, 19), '24:00');
    await expectFiresAt(t.ticketId, 'branch-reminder', week1, [TO_BRANCH]);
    await expectFiresAt(t.ticketId, 'branch-reminder', week2, [TO_BRANCH]);
    const withBranch = await stateOf(t.ticketId);
    expect(notices(withBranch)).toEqual([
      ['reply', 'agent', 'A10086'],
      ['reply', 'tier4', 'SH-PD-03'],
      ['reply', 'branch', 'SH'],
      ['reply', 'branch', 'SH'],
    ]);
    expect(withBranch.reminders.slice(2).map((r) => r.at)).toEqual([atAbout(week1), atAbout(week2)]);
    expect(sentFor(t.ticketId, 'dispatch-reminder')).toEqual([]);

    const replied = await step(t.ticketId, { step: 'reply', actor: agent, correctedPhone: '13912345679' });
    expect(replied.stage).toBe('CLOSED');
    expect(replied.reply).toMatchObject({ correctedPhone: '13912345679', late: true });
    expect(replied.steps.map((s) => [s.step, s.actor.id])).toEqual([
      ['dispatch', 'T3-LI'],
      ['hand-to-agent', 'T4-ZHAO'],
      ['reply', 'A10086'],
    ]);
    expect(replied.steps.at(-1)).toMatchObject({ step: 'reply', late: true, actor: agent });
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
  });
});

test('across a public holiday: the due day skips the holiday; a reply in time is not late and stops the timers', async () => {
  const t = aTicket('level-1');
  await h.withWorker(async () => {
    const friday = day(HOLIDAYS);
    await advanceTo(local(friday, '09:50'));
    const handle = await startTicket(t);
    await advanceTo(local(friday, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    // Sat, Sun, then Mon and Tue are holidays: Wednesday is the 1st working day, Thursday the 2nd.
    expect(dispatched.dueAt).toBe(iso(addCalendarDays(friday, 6), '24:00'));
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    await advanceTo(local(addCalendarDays(friday, 5), '15:00'));
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '已当面核实，客户本人补签投保单' });
    expect(replied).toMatchObject({ stage: 'CLOSED', overdue: false, reply: { late: false }, reminders: [], escalations: [] });
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
    expect(sentFor(t.ticketId, 'ticket-overdue')).toEqual([]);
  });
});

test('a level-2 ticket over a make-up working day goes dispatch → agent → signed → replied → collected → archived, each step with who and when', async () => {
  const t = aTicket('level-2');
  await h.withWorker(async () => {
    const thursday = day(MAKEUP);
    await advanceTo(local(thursday, '09:50'));
    const handle = await startTicket(t);
    await advanceTo(local(thursday, '10:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    // Friday is the 1st working day, the make-up Saturday the 2nd.
    expect(dispatched.dueAt).toBe(iso(addCalendarDays(thursday, 2), '24:00'));
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
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
    expect((await handle.describe()).typedSearchAttributes.get(sa.TicketStage)).toBe('CLOSED');
  });
});

test('a ticket never dispatched: its clock starts when it opens and runs in working hours; over a weekend and a holiday Monday the tier-3 handler is reminded after 4 h and the branch told after 8 h, then reminded weekly until the dispatch', async () => {
  const t = aTicket('level-1');
  await h.withWorker(async () => {
    const friday = day(NEVER_DISPATCHED);
    await advanceTo(local(friday, '15:00'));
    const handle = await startTicket(t);
    const opened = await stateOf(t.ticketId);
    const drift = Date.parse(opened.createdAt) - local(friday, '15:00').getTime(); // the few ms the start took
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(1_000);
    // Friday 15:00-17:30 is 2.5 h; Saturday, Sunday and the holiday Monday do not count; Tuesday from 09:00.
    const tuesday = addCalendarDays(friday, 4);
    const remindAt = iso(tuesday, '10:30', drift);
    const escalateAt = iso(tuesday, '14:30', drift);
    await expectFiresAt(t.ticketId, 'dispatch-reminder', remindAt, [TO_TIER3]);
    await expectFiresAt(t.ticketId, 'ticket-escalated', escalateAt, [TO_BRANCH]);
    await expectFiresAt(t.ticketId, 'branch-reminder', iso(addCalendarDays(tuesday, 7), '14:30', drift), [TO_BRANCH]);
    await expectFiresAt(t.ticketId, 'branch-reminder', iso(addCalendarDays(tuesday, 14), '14:30', drift), [TO_BRANCH]);
    const waiting = await stateOf(t.ticketId);
    expect(waiting).toMatchObject({ stage: 'AWAITING_DISPATCH', overdue: false, steps: [] });
    expect(notices(waiting)).toEqual([
      ['dispatch', 'tier3', 'SH-PD'],
      ['dispatch', 'branch', 'SH'],
      ['dispatch', 'branch', 'SH'],
    ]);
    expect(waiting.reminders[0].at).toEqual(atAbout(remindAt));
    expect(waiting.escalations).toEqual([{ to: 'branch', code: 'SH', about: 'dispatch', at: atAbout(escalateAt) }]);

    // Dispatched at last: the branch's reminders stop and the reply's deadlines count from the dispatch.
    const dispatchDay = addCalendarDays(tuesday, 14);
    await advanceTo(local(dispatchDay, '16:00'));
    const dispatched = await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    expect(dispatched.dueAt).toBe(iso(addCalendarDays(dispatchDay, 2), '24:00'));
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '客户确认系本人投保' });
    expect(replied).toMatchObject({ stage: 'CLOSED', overdue: false, reply: { late: false } });
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
    expect(sentFor(t.ticketId, 'branch-reminder')).toHaveLength(2);
  });
});

test('a level-2 ticket after the reply: the collection and then the archiving each get 2 working days before their office is reminded and 2 more before the branch, which is reminded weekly', async () => {
  const t = aTicket('level-2');
  await h.withWorker(async () => {
    const monday = day(LEVEL2);
    await advanceTo(local(monday, '08:50'));
    const handle = await startTicket(t);
    await advanceTo(local(monday, '09:00'));
    await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await step(t.ticketId, { step: 'sign-receipt', actor: agent });
    await advanceTo(local(monday, '10:00'));
    const replied = await step(t.ticketId, { step: 'reply', actor: agent, actionTaken: '已补寄合同，客户签收' });
    const r = Date.parse(replied.reply!.at) - local(monday, '10:00').getTime();

    // Collection (tier-4): Wednesday 10:00 a reminder, Friday 10:00 the branch, the Friday after a reminder to the branch.
    await expectFiresAt(t.ticketId, 'ticket-reminder', iso(addCalendarDays(monday, 2), '10:00', r), [TO_TIER4]);
    await expectFiresAt(t.ticketId, 'ticket-escalated', iso(addCalendarDays(monday, 4), '10:00', r), [TO_BRANCH]);
    await expectFiresAt(t.ticketId, 'branch-reminder', iso(addCalendarDays(monday, 11), '10:00', r), [TO_BRANCH]);
    await advanceTo(local(addCalendarDays(monday, 11), '11:00'));
    const collected = await step(t.ticketId, { step: 'collect', actor: tier4 });
    expect(collected.stage).toBe('COLLECTED');
    const c = Date.parse(collected.steps.at(-1)!.at) - local(addCalendarDays(monday, 11), '11:00').getTime();

    // Archiving (tier-3), from the Friday's collection: Tuesday 11:00 a reminder, Thursday 11:00 the branch.
    await expectFiresAt(t.ticketId, 'ticket-reminder', iso(addCalendarDays(monday, 15), '11:00', c), [TO_TIER3]);
    await expectFiresAt(t.ticketId, 'ticket-escalated', iso(addCalendarDays(monday, 17), '11:00', c), [TO_BRANCH]);
    const waiting = await stateOf(t.ticketId);
    expect(notices(waiting)).toEqual([
      ['collect', 'tier4', 'SH-PD-03'],
      ['collect', 'branch', 'SH'],
      ['archive', 'tier3', 'SH-PD'],
    ]);
    expect(waiting.escalations.map((e) => [e.about, e.to])).toEqual([
      ['collect', 'branch'],
      ['archive', 'branch'],
    ]);
    // The reply was in time: no reply reminder, not overdue.
    expect(waiting).toMatchObject({ stage: 'COLLECTED', overdue: false, reminded: false });

    await advanceTo(local(addCalendarDays(monday, 17), '12:00'));
    expect((await step(t.ticketId, { step: 'archive', actor: tier3 })).stage).toBe('CLOSED');
    expect(await waitUntilClosed(handle)).toBe('COMPLETED');
    expect(sentFor(t.ticketId, 'branch-reminder')).toHaveLength(1);
  });
});

test('invalid steps are rejected with the reason, and the ticket is unchanged; a failed callback has no register signature', async () => {
  const t = aTicket('failed-callback');
  await h.withWorker(async () => {
    await startTicket(t);
    const reject = async (s: unknown, reason: RegExp) => {
      const before = await stateOf(t.ticketId);
      const attempt = step(t.ticketId, s as TicketStep);
      await expect(attempt).rejects.toThrow(RequestRejectedError);
      await expect(attempt).rejects.toThrow(reason);
      expect(await stateOf(t.ticketId)).toEqual(before);
    };
    await reject({ step: 'hand-to-agent', actor: tier4 }, /not possible in stage AWAITING_DISPATCH/);
    await reject({ step: 'dispatch', actor: { ...tier3, office: 'BJ-CY' } }, /not the central sub-branch/);
    await reject({ step: 'dispatch', actor: agent }, /taken by tier3, not agent/);
    await reject({ step: 'dispatch' }, /actor/);
    await step(t.ticketId, { step: 'dispatch', actor: tier3 });
    await reject({ step: 'hand-to-agent', actor: { ...tier4, office: 'SH-PD-04' } }, /not the tier-4 office/);
    await step(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
    await reject({ step: 'sign-receipt', actor: agent }, /'sign-receipt' is not a step of a failed-callback ticket: the agent replies with the corrected phone number/);
    await reject({ step: 'reply', actor: { role: 'agent', id: 'A99999' }, correctedPhone: '13912345679' }, /A99999 is not the agent/);
    await reject({ step: 'reply', actor: agent, correctedPhone: '1391234' }, /correctedPhone/);
    await reject({ step: 'reply', actor: agent, actionTaken: 'called the customer' }, /corrected phone number/);
    await reject({ step: 'collect', actor: tier4 }, /level-2 step/);
  });
});

/** The notifications of `kind` about a ticket that `notifier` sent. */
const sentOn = (ticketId: string, kind: string, notifier: LogNotifier) => notifier.sent.filter((n) => n.ticketId === ticketId && n.kind === kind);

/** Waits until nothing of the ticket is in flight on harness `on` (no workflow task, no activity). */
async function untilIdleOn(ticketId: string, on: TestHarness): Promise<void> {
  await eventually(`ticket ${ticketId} idle`, async () => ((await isIdle(on, ticketWorkflowId(ticketId))) ? true : undefined));
}

/** A timed notification is not sent a minute before `instant` and is sent within a second after it. */
async function expectFiresOn(ticketId: string, kind: string, instant: string, count: number, on: TestHarness, notifier: LogNotifier): Promise<void> {
  await advanceTo(new Date(Date.parse(instant) - 60_000));
  await untilIdleOn(ticketId, on);
  expect(sentOn(ticketId, kind, notifier)).toHaveLength(0);
  await advanceTo(new Date(Date.parse(instant) + 1_000));
  await eventually(`${count} ${kind} sent`, async () => (sentOn(ticketId, kind, notifier).length >= count ? true : undefined));
  await untilIdleOn(ticketId, on);
  const sent = sentOn(ticketId, kind, notifier);
  expect(sent).toHaveLength(count);
  for (const n of sent) expect(Date.parse(n.sentAt) - Date.parse(instant)).toBeLessThanOrEqual(1_000);
}

describe('a worker restart', () => {
  /**
   * A harness of its own (its own task queue): the shared worker of the tests above keeps polling
   * theirs, and here only the named workers poll, one at a time.
   */
  let r: TestHarness;
  beforeAll(async () => {
    r = await createHarness(env, keyring, { settings: harnessSettings });
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
      await untilIdleOn(t.ticketId, r);
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
    const friday = addCalendarDays(F, 84); // a Friday after every date of the tests above; no holiday near it
    const firstSent = new LogNotifier(true);
    const secondSent = new LogNotifier(true);
    const first = await withNamedWorker(r, 'ticket-worker-3', { cached: false, notifier: firstSent }, async () => {
      // Opened and dispatched at once: every timer that fires in this test is the reply's.
      await advanceTo(local(friday, '10:00'));
      await startTicketOf(r, t);
      const d = await r.huifang.advanceTicket(t.ticketId, { step: 'dispatch', actor: tier3 });
      await r.huifang.advanceTicket(t.ticketId, { step: 'hand-to-agent', actor: tier4 });
      await untilIdleOn(t.ticketId, r);
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
      await expectFiresOn(t.ticketId, 'ticket-reminder', dispatched.remindAt!, 2, r, secondSent);
      await expectFiresOn(t.ticketId, 'ticket-overdue', dispatched.dueAt!, 1, r, secondSent);
      await expectFiresOn(t.ticketId, 'ticket-escalated', escalateAt, 1, r, secondSent);
      expect(await r.huifang.getTicketState(t.ticketId)).toMatchObject({ overdue: true, stage: 'WITH_AGENT' });
      const replied = await r.huifang.advanceTicket(t.ticketId, { step: 'reply', actor: agent, correctedPhone: '13912345679' });
      expect(replied.reply).toMatchObject({ late: true });
      expect(await waitUntilClosed(r.env.client.workflow.getHandle(ticketWorkflowId(t.ticketId)))).toBe('COMPLETED');
    });
    // The first worker sent none of the timed notifications; the second sent them all.
    for (const kind of ['ticket-reminder', 'ticket-overdue', 'ticket-escalated']) expect(sentOn(t.ticketId, kind, firstSent)).toEqual([]);
    const timers = (await r.env.client.workflow.getHandle(ticketWorkflowId(t.ticketId)).fetchHistory()).events!.flatMap((e, i) => (e.timerFiredEventAttributes ? [i] : []));
    expect(timers.length).toBeGreaterThanOrEqual(3);
    expect(timers.every((i) => i >= boundary)).toBe(true);
    const by = await handledBy(t.ticketId, boundary);
    expect(by.before).toEqual(['ticket-worker-3']);
    expect(by.after).toEqual(['ticket-worker-4']);
    expect(by.activitiesAfter).toBeGreaterThanOrEqual(4); // the notifications, at least
  });
});
