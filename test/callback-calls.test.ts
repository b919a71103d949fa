/**
 * Issue 3: the call attempts of a callback on the time-skipping server. The test plays the call
 * center: it waits until an attempt is out, reports what happened on the phone, uploads the
 * recording, and checks what ops staff would check (stage, attempts, problems, recording, search
 * attributes).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { RequestRejectedError, UNKNOWN_ATTEMPT } from '../domain/errors';
import { isWithinCallingHours } from '../domain/calling-hours';
import type { CallbackState, Problem } from '../domain/callback-state';
import type { Answer } from '../domain/questionnaire';
import type { ReasonCode } from '../domain/transfer-reasons';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import { recordCallOutcome } from '../workflows/messages';
import { isEarlyOutcome } from '../call-center/call-center';
import * as sa from '../workflows/search-attributes';
import {
  aContractSignedDaysAgo,
  cleanAnswers,
  completedCall,
  driveCleanCall,
  driveNoAnswer,
  openAttempt,
  OPERATOR,
  RecordingCallCenter,
  storeRecording,
  waitForCall,
  terminateWhenIdle,
  waitForState,
  workflowResult,
} from './helpers/drive';
import { skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';

let env: TestWorkflowEnvironment;
let h: TestHarness;
const started: string[] = [];

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  // A fictional calendar around the server's date (the shipped one ends with its last published
  // year), with a two-day public holiday the no-answer test's attempts must step over.
  const today = localDateOf(new Date(await env.currentTimeMs()));
  const holidays = [addCalendarDays(today, 2), addCalendarDays(today, 3)];
  h = await createHarness(env, keyring, { settings: settingsWithCalendar(syntheticCalendar(today, { holidays })) });
});
afterEach(async () => {
  // A test that stops half-way must not leave its workflow firing timers into the next test; it is
  // terminated once idle, with a worker running (see terminateWhenIdle).
  const leftovers = started.splice(0);
  await h.withWorker(async () => {
    for (const policyNo of leftovers) await terminateWhenIdle(h, policyNo);
  });
});
afterAll(async () => {
  await stopServer(env);
});

/** Call inside `h.withWorker`: skipping time needs a worker to run what falls due meanwhile. */
async function newContract(overrides = {}) {
  await skipToQuietTimeWithMargin(h);
  const contract = await aContractSignedDaysAgo(h, 2, overrides);
  started.push(contract.policyNo);
  return contract;
}

async function rejection(promise: Promise<unknown>): Promise<RequestRejectedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RequestRejectedError);
  return err as RequestRejectedError;
}

function inCallingHours(iso: string | undefined): boolean {
  return iso !== undefined && isWithinCallingHours(new Date(iso), h.settings.callPlan.callingHours, h.settings.timeZone);
}

test('a clean first call and its recording complete the callback, with the verified recording in the result', async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    const summary = await driveCleanCall(h, contract);

    expect(summary.stage).toBe('COMPLETED');
    expect(summary.closedAt).toBeDefined();
    expect(summary.attemptsMade).toBe(1);
    expect(summary.attempts).toHaveLength(1);
    expect(summary.attempts[0]).toMatchObject({ attemptNo: 1, outcome: 'completed' });
    expect(inCallingHours(summary.attempts[0].placedAt)).toBe(true);
    expect(summary.problems).toEqual([]);
    expect(summary.stageHistory.map((c) => c.stage)).toEqual(['ASSESSING', 'AWAITING_CALL', 'CALLING', 'AWAITING_RECORDING', 'COMPLETED']);

    // The recording the result names is really in storage, and matches its checksum.
    const rec = summary.recording!;
    expect(rec).toMatchObject({ reference: `recordings/${summary.attempts[0].attemptId}.wav`, uploadedBy: OPERATOR });
    const file = join(h.recordingsDir, rec.reference);
    expect(existsSync(file)).toBe(true);
    const bytes = readFileSync(file);
    expect(rec.checksum).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
    expect(rec.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rec.sizeBytes).toBe(bytes.length);
    expect(Date.parse(rec.verifiedAt)).toBeLessThanOrEqual(Date.parse(summary.closedAt!));
  });
});

test('nobody answers: every attempt inside calling hours and before the fallback margin, then UNREACHABLE', async () => {
  const callCenter = new RecordingCallCenter();
  const { maxAttempts, fallbackMarginDays } = h.settings.callPlan;
  await h.withWorker(async () => {
    const contract = await newContract();
    const state = await driveNoAnswer(h, contract);

    // The calls stop after maxAttempts: UNREACHABLE, 'unreachable'; the policy then goes to the
    // failed-callback flow with that reason (followed further in transfer-flows.test.ts).
    const lastCall = state.stageHistory.map((c) => c.stage).lastIndexOf('CALLING');
    expect(state.stageHistory.slice(lastCall + 1).find((c) => c.stage !== 'AWAITING_CALL')).toMatchObject({
      stage: 'UNREACHABLE',
      note: `${maxAttempts} attempts made`,
    });
    expect(state.unreachableReason).toBe('unreachable');
    expect(state.tickets).toEqual([expect.objectContaining({ type: 'failed-callback', reasons: ['unreachable'] })]);
    expect(state.attemptsMade).toBeLessThanOrEqual(maxAttempts);
    expect(state.attemptsMade).toBe(maxAttempts); // the plan has more slots than attempts allowed
    expect(state.attempts.every((a) => a.outcome === 'no-answer')).toBe(true);

    const phoneCutoff = Date.parse(state.coolingOff!.endsAt) - fallbackMarginDays * 86_400_000;
    for (const a of state.attempts) {
      expect({ attempt: a.attemptNo, slotStartInHours: inCallingHours(a.slot.start), placedInHours: inCallingHours(a.placedAt) }).toEqual({
        attempt: a.attemptNo,
        slotStartInHours: true,
        placedInHours: true,
      });
      expect(Date.parse(a.slot.start)).toBeLessThan(phoneCutoff);
      expect(Date.parse(a.slot.end)).toBeLessThanOrEqual(phoneCutoff);
      expect(a.slot.late).toBe(false);
    }
    // No calls on public holidays (callOnPublicHolidays is off): the attempts step over the holiday
    // laid out in beforeAll, which falls inside their span.
    const days = state.attempts.map((a) => localDateOf(new Date(a.slot.start), h.settings.timeZone));
    const holidaysInSpan: string[] = [];
    for (let d = days[0]; d <= days.at(-1)!; d = addCalendarDays(d, 1)) {
      if (h.settings.calendar.isPublicHoliday(d)) holidaysInSpan.push(d);
    }
    expect(holidaysInSpan.length).toBeGreaterThan(0);
    expect(days.filter((d) => holidaysInSpan.includes(d))).toEqual([]);
    // One attempt per slot, in time order.
    const starts = state.attempts.map((a) => Date.parse(a.slot.start));
    expect([...starts].sort((x, y) => x - y)).toEqual(starts);
    expect(new Set(starts).size).toBe(starts.length);
    // The call center was handed every attempt, with the same windows.
    expect(callCenter.tasks.map((t) => t.windowStart)).toEqual(state.attempts.map((a) => a.slot.start));
  }, callCenter);
});

test("'call me back at …' is honoured: the next attempt starts at the requested time", async () => {
  const callCenter = new RecordingCallCenter();
  await h.withWorker(async () => {
    const contract = await newContract();
    await h.huifang.startCallback(contract);
    const first = await waitForCall(h, contract.policyNo, 1);
    // Tomorrow 12:40 Shanghai, between two planned slots, given with its offset as a person would type it.
    const day = addCalendarDays(localDateOf(new Date(first.attempts[0].placedAt!), h.settings.timeZone), 1);
    const callBackAt = `${day}T12:40:00+08:00`;

    const ack = await h.huifang.recordCallOutcome(contract.policyNo, {
      attemptId: openAttempt(first).attemptId,
      outcome: 'callback-later',
      operator: OPERATOR,
      callBackAt,
    });
    expect(ack).toMatchObject({ stage: 'AWAITING_CALL', duplicate: false });
    const waiting = await h.huifang.getCallbackState(contract.policyNo);
    expect(Date.parse(waiting.nextAttemptAt!)).toBe(Date.parse(callBackAt));
    expect(waiting.attemptsMade).toBe(1);

    const second = await waitForCall(h, contract.policyNo, 2);
    const attempt = second.attempts[1];
    expect(attempt.slot.slot).toBe('call-back');
    expect(Date.parse(attempt.slot.start)).toBe(Date.parse(callBackAt));
    expect(Date.parse(attempt.slot.end) - Date.parse(callBackAt)).toBe(h.settings.callPlan.callBackWindowMinutes * 60_000);
    // Placed once the requested time has come, inside its window (not a fixed delay: the server's clock runs on while the worker works).
    expect(Date.parse(attempt.placedAt!)).toBeGreaterThanOrEqual(Date.parse(callBackAt));
    expect(Date.parse(attempt.placedAt!)).toBeLessThan(Date.parse(attempt.slot.end));
    expect(callCenter.tasks.map((t) => Date.parse(t.windowStart))).toEqual([Date.parse(first.attempts[0].slot.start), Date.parse(callBackAt)]);
    // The planned slots before the call-back time were dropped, the later ones kept.
    expect(second.plan.every((s) => Date.parse(s.start) >= Date.parse(attempt.slot.end))).toBe(true);
    expect(second.plan.length).toBeGreaterThan(0);
  }, callCenter);
});

test('a refusal closes the callback as REFUSED once its recording is verified', async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    await h.huifang.startCallback(contract);
    const calling = await waitForCall(h, contract.policyNo, 1);
    const ack = await h.huifang.recordCallOutcome(contract.policyNo, {
      attemptId: openAttempt(calling).attemptId,
      outcome: 'refused',
      operator: OPERATOR,
      note: '客户表示不需要回访',
    });
    // Not closed on the operator's word: the recording of the refusal must be verified first.
    expect(ack.stage).toBe('AWAITING_RECORDING');
    await expect(h.huifang.handle(contract.policyNo).describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
    const upload = storeRecording(h, `${contract.policyNo}/refusal.wav`);
    const closed = await h.huifang.uploadRecording(contract.policyNo, { reference: upload.reference, checksum: upload.checksum, uploadedBy: OPERATOR });
    expect(closed).toMatchObject({ stage: 'REFUSED', closedAt: expect.any(String) });

    const summary = await workflowResult(h, contract.policyNo);
    expect(summary.stage).toBe('REFUSED');
    expect(summary.closedAt).toBeDefined();
    expect(summary.attemptsMade).toBe(1);
    expect(summary.attempts[0].outcome).toBe('refused');
    expect(summary.refusal).toMatchObject({ note: '客户表示不需要回访' });
    expect(summary.stageHistory.at(-1)).toMatchObject({ stage: 'REFUSED', note: `recording ${contract.policyNo}/refusal.wav` });
    // The operator's free text is in the (encrypted) state only, never a stage line the Web UI shows.
    expect(summary.stageHistory.map((s) => s.note)).not.toContain('客户表示不需要回访');
    expect((await h.huifang.handle(contract.policyNo).describe()).status.name).toBe('COMPLETED');
    expect((await h.huifang.handle(contract.policyNo).describe()).typedSearchAttributes.get(sa.CallbackStage)).toBe('REFUSED');
  });
});

describe('problem answers are found (PROBLEM_FOUND) with the configured reasons and levels, and go out as tickets of those levels', () => {
  test.each<{ name: string; answers: Record<string, Answer>; reportedProblems?: ReasonCode[]; problems: Problem[] }>([
    {
      name: 'not signed in person',
      answers: { 'signed-in-person': 'no' },
      problems: [{ reason: 'not-signed-by-policyholder', ticketType: 'level-1' }],
    },
    {
      name: 'did not buy it (art. 15 item 2), and the caller reports the agent',
      answers: { 'own-purchase': 'no' },
      reportedProblems: ['agent-misconduct'],
      problems: [
        { reason: 'unaware-of-policy', ticketType: 'level-1' },
        { reason: 'agent-misconduct', ticketType: 'level-1' },
      ],
    },
    {
      name: 'contract not received',
      answers: { 'contract-received': 'no' },
      problems: [{ reason: 'contract-not-received', ticketType: 'level-2' }],
    },
    {
      name: 'coverage unclear on two items, and the customer wants to surrender',
      answers: { 'knows-coverage': 'unclear', 'knows-surrender-loss': 'no' },
      reportedProblems: ['wants-surrender'],
      problems: [
        { reason: 'coverage-unclear', ticketType: 'level-2' },
        { reason: 'wants-surrender', ticketType: 'level-2' },
      ],
    },
  ])('$name', async ({ answers, reportedProblems, problems }) => {
    await h.withWorker(async () => {
      const contract = await newContract();
      await h.huifang.startCallback(contract);
      const calling = await waitForCall(h, contract.policyNo, 1);
      const ack = await h.huifang.recordCallOutcome(contract.policyNo, { ...completedCall(calling, answers), reportedProblems });
      expect(ack.stage).toBe('PROBLEM_FOUND');

      const state = await waitForState(h, contract.policyNo, (s) => s.tickets.length > 0, { what: 'a transfer ticket' });
      expect(state.stageHistory.map((c) => c.stage)).toContain('PROBLEM_FOUND');
      expect(state.problems).toEqual(problems);
      // The levels are the configured ones (config/transfer-reasons.json), not the code's.
      for (const p of state.problems) expect(p.ticketType).toBe(h.settings.transferReasons.reasons[p.reason].ticketType);
      // One ticket per level found, carrying that level's reasons.
      const levels = [...new Set(problems.map((p) => p.ticketType))];
      expect(state.tickets.map((t) => ({ type: t.type, reasons: t.reasons }))).toEqual(
        levels.map((type) => ({ type, reasons: problems.filter((p) => p.ticketType === type).map((p) => p.reason) })),
      );
      expect(state.recording).toBeUndefined();
      expect(state.closedAt).toBeUndefined();
    });
  });
});

test('bad Updates are rejected with the reason in words, and change nothing', async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    const p = contract.policyNo;
    await h.huifang.startCallback(contract);
    let before = await waitForState(h, p, (s) => s.stage === 'AWAITING_CALL', { what: 'AWAITING_CALL' });

    // A recording before any call: wrong stage.
    const upload = storeRecording(h, 'recordings/too-early.wav');
    let err = await rejection(h.huifang.uploadRecording(p, { reference: upload.reference, checksum: upload.checksum, uploadedBy: OPERATOR }));
    expect(err.message).toMatch(/no recording is expected in stage AWAITING_CALL/);
    expect(await h.huifang.getCallbackState(p)).toEqual(before);

    // An attempt that does not exist.
    err = await rejection(h.huifang.recordCallOutcome(p, { attemptId: `${p}-7`, outcome: 'no-answer', operator: OPERATOR }));
    expect(err.message).toMatch(new RegExp(`attempt '${p}-7' is unknown`));
    // Typed, so a call center can tell "too early, report again" from a real rejection (isEarlyOutcome).
    expect(err.reason).toBe(UNKNOWN_ATTEMPT);
    expect(isEarlyOutcome(err)).toBe(true);
    expect(await h.huifang.getCallbackState(p)).toEqual(before);

    // Attempt 1 is let ring out; attempt 2 is open. An outcome for attempt 1 is stale.
    await waitForCall(h, p, 1);
    before = await waitForCall(h, p, 2);
    expect(before.attempts[0].outcome).toBe('not-made');
    err = await rejection(h.huifang.recordCallOutcome(p, { attemptId: `${p}-1`, outcome: 'no-answer', operator: OPERATOR }));
    expect(err.message).toMatch(new RegExp(`attempt '${p}-1' is stale`));
    expect(await h.huifang.getCallbackState(p)).toEqual(before);

    // A completed call missing an answer names the item.
    const incomplete = completedCall(before);
    delete incomplete.answers!['contract-received'];
    err = await rejection(h.huifang.recordCallOutcome(p, incomplete));
    expect(err.message).toMatch(/answers missing for: contract-received/);
    expect(await h.huifang.getCallbackState(p)).toEqual(before);

    // Answers to a question not asked of this policy (a traditional product: no returns question).
    err = await rejection(h.huifang.recordCallOutcome(p, { ...completedCall(before), answers: { ...cleanAnswers(before), 'returns-not-guaranteed': 'yes' } }));
    expect(err.message).toMatch(/not asked of this policy: returns-not-guaranteed/);

    // Schema-level mistakes, named by field.
    err = await rejection(h.huifang.recordCallOutcome(p, { attemptId: `${p}-2`, outcome: 'completed', operator: OPERATOR }));
    expect(err.message).toMatch(/answers: a completed call must carry the answers/);
    err = await rejection(h.huifang.recordCallOutcome(p, { attemptId: `${p}-2`, outcome: 'callback-later', operator: OPERATOR }));
    expect(err.message).toMatch(/callBackAt: 'callback-later' needs the time/);
    err = await rejection(
      h.huifang.recordCallOutcome(p, { attemptId: `${p}-2`, outcome: 'callback-later', operator: OPERATOR, callBackAt: '2020-01-01T10:00:00+08:00' }),
    );
    expect(err.message).toMatch(/callBackAt must be in the future/);

    // A recording while the call is still open: wrong stage again.
    err = await rejection(h.huifang.uploadRecording(p, { reference: upload.reference, checksum: upload.checksum, uploadedBy: OPERATOR }));
    expect(err.message).toMatch(/no recording is expected in stage CALLING/);

    const after = await h.huifang.getCallbackState(p);
    expect(after).toEqual(before);
    expect(after.attemptsMade).toBe(0);
  });
});

test('a duplicate outcome delivery is harmless; a different outcome for a closed attempt is rejected', async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    const p = contract.policyNo;
    await h.huifang.startCallback(contract);
    const calling = await waitForCall(h, p, 1);
    const report = completedCall(calling);

    const first = await h.huifang.recordCallOutcome(p, report);
    expect(first).toEqual({ attemptId: report.attemptId, stage: 'AWAITING_RECORDING', duplicate: false });
    const afterFirst = await h.huifang.getCallbackState(p);

    // The same delivery again (a dialer retrying after a lost answer): the client sends the same
    // update id, so the server answers with the first delivery's ack and the workflow sees nothing.
    const retried = await h.huifang.recordCallOutcome(p, report);
    expect(retried).toEqual(first);
    expect(await h.huifang.getCallbackState(p)).toEqual(afterFirst);

    // The same outcome delivered again by another sender (another update id): the workflow itself
    // recognises it, says so, and changes nothing.
    const again = await h.huifang
      .handle(p)
      .executeUpdate(recordCallOutcome, { args: [report], updateId: `redelivery-${report.attemptId}` });
    expect(again).toEqual({ attemptId: report.attemptId, stage: 'AWAITING_RECORDING', duplicate: true });
    const afterAgain = await h.huifang.getCallbackState(p);
    expect(afterAgain.attemptsMade).toBe(1);
    expect(afterAgain).toEqual(afterFirst);

    const err = await rejection(h.huifang.recordCallOutcome(p, { attemptId: report.attemptId, outcome: 'no-answer', operator: OPERATOR }));
    expect(err.message).toMatch(/already has outcome 'completed'/);
    expect(await h.huifang.getCallbackState(p)).toEqual(afterFirst);
  });
});

test("an upload sent again while the first is verified gets the first one's answer, by the sender's delivery id", async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    const p = contract.policyNo;
    await h.huifang.startCallback(contract);
    const report = completedCall(await waitForCall(h, p, 1));
    await h.huifang.recordCallOutcome(p, report);
    const stored = storeRecording(h, report.recordingRef!, Buffer.from('the recording, sent twice'));
    const upload = { reference: stored.reference, checksum: stored.checksum, uploadedBy: OPERATOR };
    // Without a delivery id the repeat is a second upload, refused while the first is being verified.
    const [first, repeat] = await Promise.allSettled([h.huifang.uploadRecording(p, upload, report.attemptId), h.huifang.uploadRecording(p, upload, report.attemptId)]);
    expect([first.status, repeat.status]).toEqual(['fulfilled', 'fulfilled']);
    const [a, b] = [first, repeat].map((r) => (r as PromiseFulfilledResult<CallbackState>).value);
    expect(b.recording).toEqual(a.recording);
    expect(b.stage).toBe('COMPLETED');
    // Verified once: one stage change for the recording.
    expect((await h.huifang.getCallbackState(p)).stageHistory.filter((s) => s.note === `recording ${stored.reference}`)).toHaveLength(1);
    await workflowResult(h, p);
  });
});

test('a recording that fails the check is rejected and the callback keeps waiting; a correct one completes it', async () => {
  await h.withWorker(async () => {
    const contract = await newContract();
    const p = contract.policyNo;
    await h.huifang.startCallback(contract);
    const calling = await waitForCall(h, p, 1);
    const report = completedCall(calling);
    await h.huifang.recordCallOutcome(p, report);
    const awaiting = await h.huifang.getCallbackState(p);
    expect(awaiting.stage).toBe('AWAITING_RECORDING');

    // Not uploaded yet.
    const reference = report.recordingRef!;
    const goodChecksum = `sha256:${createHash('sha256').update('the real recording').digest('hex')}`;
    let err = await rejection(h.huifang.uploadRecording(p, { reference, checksum: goodChecksum, uploadedBy: OPERATOR }));
    expect(err.message).toMatch(new RegExp(`recording '${reference}' is not in storage`));
    expect(await h.huifang.getCallbackState(p)).toEqual(awaiting);

    // Uploaded, but the checksum the uploader sends does not match the stored file.
    const stored = storeRecording(h, reference, Buffer.from('the real recording'));
    expect(stored.checksum).toBe(goodChecksum);
    const wrong = `sha256:${'0'.repeat(64)}`;
    err = await rejection(h.huifang.uploadRecording(p, { reference, checksum: wrong, uploadedBy: OPERATOR }));
    expect(err.message).toMatch(/does not match its checksum/);
    expect(await h.huifang.getCallbackState(p)).toEqual(awaiting);

    // A malformed checksum never reaches storage.
    err = await rejection(h.huifang.uploadRecording(p, { reference, checksum: 'md5:abc', uploadedBy: OPERATOR }));
    expect(err.message).toMatch(/checksum: must be 'sha256:'/);

    const done = await h.huifang.uploadRecording(p, { reference, checksum: goodChecksum, uploadedBy: OPERATOR });
    expect(done.stage).toBe('COMPLETED');
    const summary = await workflowResult(h, p);
    expect(summary.stage).toBe('COMPLETED');
    expect(summary.recording).toMatchObject({ reference, checksum: goodChecksum, sizeBytes: stored.sizeBytes });
    expect(summary.closedAt).toBeDefined();
  });
});

test("an attempt without an outcome by its slot's end counts as not made; the next slot is used; search attributes follow", async () => {
  const attrsOf = async (p: string) => {
    const attrs = (await h.huifang.handle(p).describe()).typedSearchAttributes;
    return {
      stage: attrs.get(sa.CallbackStage),
      attempts: attrs.get(sa.AttemptCount),
      next: attrs.get(sa.NextAttemptAt)?.toISOString(),
    };
  };
  const iso = (s: string | undefined) => (s ? new Date(s).toISOString() : undefined);
  await h.withWorker(async () => {
    const contract = await newContract();
    const p = contract.policyNo;
    await h.huifang.startCallback(contract);
    const waiting = await waitForState(h, p, (s) => s.stage === 'AWAITING_CALL', { what: 'AWAITING_CALL' });
    // The first slot has left the plan for nextAttemptAt; the rest are still planned.
    const [slot2, slot3] = waiting.plan;
    const slot1 = { start: waiting.nextAttemptAt! };
    expect(await attrsOf(p)).toEqual({ stage: 'AWAITING_CALL', attempts: 0, next: iso(slot1.start) });

    const first = await waitForCall(h, p, 1);
    expect(first.attempts[0].slot.start).toBe(slot1.start);
    expect(first.plan[0]).toEqual(slot2);
    expect(await attrsOf(p)).toEqual({ stage: 'CALLING', attempts: 0, next: iso(slot1.start) });

    // Nobody reports anything; the slot ends.
    const missed: CallbackState = await waitForState(h, p, (s) => s.attempts[0]?.outcome === 'not-made', { what: 'attempt 1 not made' });
    expect(missed.stage).toBe('AWAITING_CALL');
    expect(missed.attemptsMade).toBe(0);
    expect(missed.attempts[0].report).toBeUndefined();
    expect(missed.nextAttemptAt).toBe(slot2.start);
    expect(missed.stageHistory.at(-1)?.note).toMatch(/attempt 1 not made in its slot/);
    expect(await attrsOf(p)).toEqual({ stage: 'AWAITING_CALL', attempts: 0, next: iso(slot2.start) });

    const second = await waitForCall(h, p, 2);
    expect(second.attempts[1].slot).toEqual(slot2);
    expect(await attrsOf(p)).toEqual({ stage: 'CALLING', attempts: 0, next: iso(slot2.start) });

    await h.huifang.recordCallOutcome(p, { attemptId: `${p}-2`, outcome: 'busy', operator: OPERATOR });
    const afterBusy = await h.huifang.getCallbackState(p);
    expect(afterBusy).toMatchObject({ stage: 'AWAITING_CALL', attemptsMade: 1, nextAttemptAt: slot3.start });
    expect(await attrsOf(p)).toEqual({ stage: 'AWAITING_CALL', attempts: 1, next: iso(slot3.start) });

    const third = await waitForCall(h, p, 3);
    expect(third.attempts[2].slot).toEqual(slot3);
    await h.huifang.recordCallOutcome(p, completedCall(third));
    expect(await attrsOf(p)).toEqual({ stage: 'AWAITING_RECORDING', attempts: 2, next: undefined });
    expect((await h.huifang.getCallbackState(p)).attempts.map((a) => a.outcome)).toEqual(['not-made', 'busy', 'completed']);
  });
});
