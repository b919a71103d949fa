/**
 * The ticket's flows and step rules (domain/ticket-rules.ts) and its deadlines on the calendar
 * (activities/ticket-deadlines.ts), alone: each type's steps in order, the failed-callback flow
 * without the register signature, and the instants the workflow waits for.
 */
import { createTicketDeadlineActivities } from '../activities/ticket-deadlines';
import { loadSettings } from '../config/settings';
import { addCalendarDays, instantAt } from '../domain/local-time';
import { nextStep, stageAfter, stageBefore, stepRejection, TICKET_FLOWS, type Actor, type TicketState, type TicketStep } from '../domain/ticket';
import type { TicketType } from '../domain/transfer-reasons';
import { WorkingDayCalendar } from '../domain/working-day-calendar';

const tier3: Actor = { role: 'tier3', id: 'T3-LI', office: 'SH-PD' };
const tier4: Actor = { role: 'tier4', id: 'T4-ZHAO', office: 'SH-PD-03' };
const agent: Actor = { role: 'agent', id: 'A10086' };
const actorFor = { tier3, tier4, agent, branch: tier3 };

const ticket = (type: TicketType, stage: TicketState['stage']) => ({ ticketId: 'P1-T1', type, stage, org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' }, agentCode: 'A10086' });
const reply: TicketStep = { step: 'reply', actor: agent, correctedPhone: '13912345679', actionTaken: '已处理' };

test.each([
  ['failed-callback', ['dispatch', 'hand-to-agent', 'reply']],
  ['level-1', ['dispatch', 'hand-to-agent', 'sign-receipt', 'reply']],
  ['level-2', ['dispatch', 'hand-to-agent', 'sign-receipt', 'reply', 'collect', 'archive']],
] as const)('a %s ticket walks its flow step by step to CLOSED, each step allowed only in its turn', (type, steps) => {
  expect(TICKET_FLOWS[type]).toEqual(steps);
  let stage: TicketState['stage'] = 'AWAITING_DISPATCH';
  const taken: string[] = [];
  for (let next = nextStep(type, stage); next; next = nextStep(type, stage)) {
    const s = next.step === 'reply' ? reply : ({ step: next.step, actor: actorFor[next.role] } as TicketStep);
    expect({ step: next.step, why: stepRejection(ticket(type, stage), s) }).toEqual({ step: next.step, why: undefined });
    // Every other step of the flow is refused in this stage.
    for (const other of TICKET_FLOWS[type].filter((o) => o !== next!.step)) {
      expect(stepRejection(ticket(type, stage), { step: other, actor: actorFor[next.role] } as TicketStep)).toBeDefined();
    }
    expect(stageBefore(type, next.step)).toBe(stage);
    stage = stageAfter(type, next.step);
    taken.push(next.step);
  }
  expect(taken).toEqual(steps);
  expect(stage).toBe('CLOSED');
});

test('a failed callback has no register signature: the agent replies with the number straight after the hand-over', () => {
  expect(nextStep('failed-callback', 'WITH_AGENT')).toEqual({ step: 'reply', role: 'agent' });
  expect(stageBefore('failed-callback', 'sign-receipt')).toBeUndefined();
  expect(stepRejection(ticket('failed-callback', 'WITH_AGENT'), { step: 'sign-receipt', actor: agent })).toBe(
    "'sign-receipt' is not a step of a failed-callback ticket: the agent replies with the corrected phone number, without signing the register",
  );
  // Level-1 and level-2 keep it.
  expect(nextStep('level-1', 'WITH_AGENT')).toEqual({ step: 'sign-receipt', role: 'agent' });
  expect(stepRejection(ticket('level-1', 'WITH_AGENT'), { step: 'reply', actor: agent, actionTaken: 'x' })).toBe("'reply' is not possible in stage WITH_AGENT (it follows SIGNED)");
  expect(stageAfter('level-2', 'reply')).toBe('REPLIED');
  expect(stageAfter('level-1', 'reply')).toBe('CLOSED');
});

describe('the deadline activities', () => {
  // A fictional year: 2031-03-07 is a Friday, the Monday after it a holiday.
  const FRIDAY = '2031-03-07';
  const calendar = new WorkingDayCalendar([{ year: 2031, source: 'test', holidays: [{ date: '2031-03-10', name: '测试假日' }], makeupWorkdays: [] }]);
  const base = loadSettings();
  const settings = {
    ...base,
    calendar,
    timeZone: 'Asia/Shanghai',
    deadlines: { ...base.deadlines, dispatch: { remindAfterWorkingHours: 4, escalateAfterWorkingHours: 8 }, officeHours: { from: '09:00', to: '17:30' }, branchReminderDays: 7, level2StepWorkingDays: 2 },
  };
  const activities = createTicketDeadlineActivities(settings);
  const at = (date: string, time: string) => instantAt(date, time, 'Asia/Shanghai').toISOString();

  test('dispatch: working hours from the opening, over the weekend and the holiday; the branch reminded weekly', async () => {
    expect(await activities.dispatchDeadlines({ openedAt: at(FRIDAY, '15:00') })).toEqual({
      remindAt: at(addCalendarDays(FRIDAY, 4), '10:30'),
      escalateAt: at(addCalendarDays(FRIDAY, 4), '14:30'),
      branchReminderDays: 7,
    });
    // Opened at night: the clock starts the next working morning.
    expect(await activities.dispatchDeadlines({ openedAt: at('2031-03-04', '22:00') })).toMatchObject({ remindAt: at('2031-03-05', '13:00'), escalateAt: at('2031-03-05', '17:00') });
  });

  test('a level-2 step: 2 working days (as office hours) to the reminder, 2 more to the branch', async () => {
    expect(await activities.level2StepDeadlines({ since: at('2031-03-05', '10:00') })).toEqual({ remindAt: at(FRIDAY, '10:00'), escalateAt: at('2031-03-12', '10:00') });
  });
});
