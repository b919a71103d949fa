/**
 * The simulated dialer keeps the call-center contract (call-center/call-center.ts): a task handed over
 * twice for one attempt (a lost workflow task after a server restart) is dialled once, and an outcome
 * the workflow rejects only because it does not know the attempt yet is reported again.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { CallTask } from '../call-center/call-center';
import { PERSON_TAKES_THE_CALL, SimulatedDialer, type OutcomeTarget } from '../call-center/simulated-dialer';
import { RequestRejectedError, UNKNOWN_ATTEMPT } from '../domain/errors';
import type { CallOutcomeReport } from '../domain/call-outcome';
import { eventually } from './helpers/eventually';

const task: CallTask = {
  policyNo: 'P2026120100001',
  workflowId: 'callback-P2026120100001',
  attemptId: 'P2026120100001-1',
  attemptNo: 1,
  windowStart: '2026-12-01T01:30:00.000Z',
  windowEnd: '2026-12-01T03:30:00.000Z',
  phone: '13800138099',
  questionIds: ['identity', 'signed-in-person'],
  late: false,
};

/** As the worker calls it: inside an activity (the dialer logs through the activity's logger). */
const placeCall = (dialer: SimulatedDialer, t: CallTask) => new MockActivityEnvironment().run((x: CallTask) => dialer.placeCall(x), t);

/** Records what reaches the workflow's side; the first `unknownFor` deliveries are refused as too early. */
function workflowSide(unknownFor = 0) {
  const received: CallOutcomeReport[] = [];
  let tries = 0;
  const target: OutcomeTarget = {
    async recordCallOutcome(_policyNo, report) {
      if (tries++ < unknownFor) throw new RequestRejectedError(`attempt '${report.attemptId}' is unknown for policy ${task.policyNo}`, UNKNOWN_ATTEMPT);
      received.push(report);
      return { stage: 'AWAITING_RECORDING' };
    },
    async uploadRecording() {
      return undefined;
    },
  };
  return { target, received, tries: () => tries };
}

test('an attempt handed over twice is dialled once', async () => {
  const side = workflowSide();
  const dialer = new SimulatedDialer(side.target, { delayMs: 10 });
  await placeCall(dialer, task);
  await placeCall(dialer, { ...task });
  // The next attempt of the same policy is a new call. Handed over last, with the same delay, it is
  // dialled last (timers of one duration fire in the order they were set): once its outcome is in, a
  // second dial of the first attempt would have been reported already.
  const second = { ...task, attemptId: 'P2026120100001-2', attemptNo: 2 };
  await placeCall(dialer, second);
  await placeCall(dialer, { ...second });
  const marker = { ...task, policyNo: 'P2026120100002', workflowId: 'callback-P2026120100002', attemptId: 'P2026120100002-1' };
  await placeCall(dialer, marker);
  await eventually('the last call handed over reported', async () => (side.received.some((r) => r.attemptId === marker.attemptId) ? true : undefined), 10_000);
  await dialer.drain();
  expect(side.received.map((r) => r.attemptId)).toEqual([task.attemptId, second.attemptId, marker.attemptId]);
});

test('an outcome reported before the workflow knows the attempt is reported again, once accepted', async () => {
  const side = workflowSide(1);
  const dialer = new SimulatedDialer(side.target, { delayMs: 0 });
  await placeCall(dialer, task);
  // Dialled and refused once; drain() then waits for the delivery that retries it to settle.
  await eventually('the first report of the outcome', async () => (side.tries() >= 1 ? true : undefined), 10_000);
  await dialer.drain();
  expect(side.tries()).toBe(2); // refused once as too early, then accepted
  expect(side.received).toHaveLength(1);
  expect(side.received[0]).toMatchObject({ attemptId: task.attemptId, outcome: 'completed' });
});

test('a number ending in 09 is left to a person: the dialer reports nothing for it', async () => {
  const side = workflowSide();
  const dialer = new SimulatedDialer(side.target, { delayMs: 10 });
  await placeCall(dialer, { ...task, phone: `138001380${PERSON_TAKES_THE_CALL}` });
  // Handed over after it with the same delay, the marker is dialled after it: once the marker is in, an outcome for the first would be too.
  const marker = { ...task, policyNo: 'P2026120100003', workflowId: 'callback-P2026120100003', attemptId: 'P2026120100003-1', phone: '13800138021' };
  await placeCall(dialer, marker);
  await eventually('the clean call reported', async () => (side.received.some((r) => r.attemptId === marker.attemptId) ? true : undefined), 10_000);
  await dialer.drain();
  expect(side.received.map((r) => r.attemptId)).toEqual([marker.attemptId]);
});
