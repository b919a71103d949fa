/**
 * E-callback (issue 18), on the time-skipping server with the page's API: a policyholder who chose it
 * gets a single-use link by SMS and completes the callback online (identity, code, disclosures,
 * answers, signature): COMPLETED by e-callback, no call placed, every step on record; a "no" opens its
 * ticket as a call's would; a wrong identity is counted and locks the link; a reused or replaced link
 * reveals nothing; not completed in time, or a call asked for, and the phone takes over.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/server';
import { reasonLabelsOf } from '../documents/format';
import type { Contract } from '../domain/contract';
import { localDateOf } from '../domain/local-time';
import { ECallbackLinks } from '../stores/e-callback-links';
import { callbackWorkflowId } from '../workflows/messages';
import { testApiUsers, type TestApiUsers } from './helpers/api-users';
import { aContractSignedDaysAgo, RecordingCallCenter, waitForState, workflowResult } from './helpers/drive';
import { eventually } from './helpers/eventually';
import { pendingTimerFiresAt, skipTo, skipToQuietTimeWithMargin } from './helpers/flow-clock';
import { createHarness, generateKeyring, startTimeSkippingServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { settingsWithCalendar, syntheticCalendar } from './helpers/test-calendar';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let users: TestApiUsers;
const calls = new RecordingCallCenter();
const HOUR = 3_600_000;

beforeAll(async () => {
  const keyring = generateKeyring();
  env = await startTimeSkippingServer(keyring);
  const settings = settingsWithCalendar(syntheticCalendar(localDateOf(new Date(await env.currentTimeMs()))));
  // Each letter is granted here (the office's cap is fallback-and-waivers' to test).
  h = await createHarness(env, keyring, { settings: { ...settings, fallback: { ...settings.fallback, maxShare: 1 } }, callCenter: calls });
  users = await testApiUsers();
  api = buildApi({
    huifang: h.huifang,
    auth: users.auth,
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
    documents: h.documents,
    eCallback: { sms: h.sms, config: h.settings.eCallback },
  });
});
afterAll(async () => {
  await api?.close();
  await stopServer(env);
});
beforeEach(() => skipToQuietTimeWithMargin(h));

const post = async (url: string, payload: object) => {
  const res = await api.inject({ method: 'POST', url, payload });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { message?: string } };
};
/** The token of the last link texted to the policy. */
const linkToken = (p: string) => h.sms.last(p, 'e-callback-link')!.text.match(/#([A-Za-z0-9_-]{43})/)![1];
const codeOf = (p: string) => h.sms.last(p, 'e-callback-code')!.text.match(/验证码 (\d+)/)![1];
/** A drawn signature as the page sends it (a PNG). */
const SIGNATURE = `data:image/png;base64,${Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]).toString('base64')}`;

async function onlineContract(overrides: Partial<Contract> = {}): Promise<Contract> {
  const contract = await aContractSignedDaysAgo(h, 1, { callbackMethod: 'e-callback', ...overrides });
  await h.huifang.startCallback(contract);
  await waitForState(h, contract.policyNo, (s) => s.stage === 'AWAITING_E_CALLBACK' && (s.eCallback?.links.length ?? 0) > 0, { what: 'the link sent' });
  return contract;
}

/** Through the page up to the questionnaire: answers the session and the questions shown. */
async function verified(contract: Contract) {
  const token = linkToken(contract.policyNo);
  expect((await post('/v1/e-callback/open', { token })).status).toBe(200);
  const id = await post('/v1/e-callback/identity', { token, name: contract.policyholder.name, idNumber: contract.policyholder.idNumber });
  expect(id).toMatchObject({ status: 200, body: { codeSentTo: `${contract.policyholder.phone!.slice(0, 3)}****${contract.policyholder.phone!.slice(-4)}` } });
  const v = await post('/v1/e-callback/verify', { token, code: codeOf(contract.policyNo) });
  expect(v.status).toBe(200);
  const { session } = v.body as { session: string };
  expect((await post('/v1/e-callback/face', { session, capture: 'a capture' })).status).toBe(200);
  return { token, ...(v.body as { session: string; disclosures: string[]; questions: { id: string }[] }) };
}

test('a policyholder who chose e-callback completes it on the page: COMPLETED by e-callback, no call placed, every step on record, the link spent', async () => {
  const contract = await h.withWorker(async () => {
    const c = await onlineContract();
    const p = c.policyNo;
    const state = await h.huifang.getCallbackState(p);
    expect(state.eCallback).toMatchObject({ reason: "the policyholder's choice", links: [{ linkId: `${p}-E1` }] });
    // The text carries the link, never personal data; the number is the one on file.
    const text = h.sms.last(p, 'e-callback-link')!;
    expect(text.to).toBe(c.policyholder.phone);
    expect(text.text).not.toContain(c.policyholder.name);

    // Before the identity, nothing: a wrong one is counted and says only how many tries are left.
    const token = linkToken(p);
    const wrong = await post('/v1/e-callback/identity', { token, name: '别人', idNumber: c.policyholder.idNumber });
    expect(wrong).toMatchObject({ status: 403, body: { message: `信息不符，还可尝试 ${h.settings.eCallback.identity.maxTries - 1} 次` } });
    expect(JSON.stringify(wrong.body)).not.toContain(p);

    const { session, disclosures, questions } = await verified(c);
    expect(disclosures[0]).toContain(c.productCode);
    expect(questions.map((q) => q.id)).toEqual(state.questions!.map((q) => q.id));
    for (const screen of ['disclosures', 'questionnaire', 'signature']) expect((await post('/v1/e-callback/screen', { session, screen })).status).toBe(200);
    // Every question must be answered, and signed.
    expect((await post('/v1/e-callback/submit', { session, answers: {}, signature: SIGNATURE })).status).toBe(400);
    const answers = Object.fromEntries(questions.map((q) => [q.id, 'yes']));
    expect(await post('/v1/e-callback/submit', { session, answers, signature: SIGNATURE })).toMatchObject({ status: 200, body: { completed: true, followUp: false } });
    // Single use: the link and the session are spent.
    expect((await post('/v1/e-callback/open', { token })).status).toBe(410);
    expect((await post('/v1/e-callback/submit', { session, answers, signature: SIGNATURE })).status).toBe(401);
    return c;
  });
  const done = await workflowResult(h, contract.policyNo);
  expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'e-callback', eCallback: { answers: expect.any(Object), signature: { ref: `e-signatures/${contract.policyNo}/${contract.policyNo}-E1.png` } } });
  expect(calls.tasks.filter((t) => t.policyNo === contract.policyNo)).toEqual([]);
  // The evidence, step by step, readable by ops years later.
  const events = (await new ECallbackLinks(h.evidence.db).events(contract.policyNo)).map((e) => e.event);
  expect(events).toEqual(['link-sent', 'identity-refused', 'opened', 'identity-matched-code-sent', 'identity-verified', 'face-verified', 'screen-shown', 'screen-shown', 'screen-shown', 'answered-and-signed', 'opened-after-use']);
  const audit = await api.inject({ url: `/v1/audit/e-callback/${contract.policyNo}`, headers: users.headers('ops') });
  expect(audit.json().events).toHaveLength(events.length);
  expect((await h.evidence.getCallback(contract.policyNo))?.completedBy).toBe('e-callback');
  // The figures count it by its method.
  const day = contract.receiptSignedOn;
  const figures = await api.inject({ url: `/v1/compliance/${contract.org.tier4Office}?from=${day}&to=${day}`, headers: users.headers('ops') });
  expect(figures.json().completed).toMatchObject({ byECallback: 1, byPhone: 0 });
});

test("a 'no' on the page opens its ticket as a call's would, the finding saying it was online", async () => {
  await h.withWorker(async () => {
    const c = await onlineContract();
    const { session, questions } = await verified(c);
    const answers = Object.fromEntries(questions.map((q) => [q.id, q.id === 'contract-received' ? 'no' : 'yes']));
    expect(await post('/v1/e-callback/submit', { session, answers, signature: SIGNATURE })).toMatchObject({ status: 200, body: { followUp: true } });
    const waiting = await waitForState(h, c.policyNo, (s) => s.tickets.length === 1 && s.stage === 'AWAITING_TICKET', { what: 'the level-2 ticket' });
    expect(waiting.tickets[0]).toMatchObject({ type: 'level-2', reasons: ['contract-not-received'] });
    const ticket = await h.huifang.getTicketState(waiting.tickets[0].ticketId);
    expect(ticket.finding).toMatch(/^e-callback \(.+\): completed$/);
    expect(calls.tasks.filter((t) => t.policyNo === c.policyNo)).toEqual([]);
  });
});

test('the answers are taken only after the face verification passed; a failed one counts as a wrong try', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract();
    const token = linkToken(c.policyNo);
    await post('/v1/e-callback/identity', { token, name: c.policyholder.name, idNumber: c.policyholder.idNumber });
    const { body } = await post('/v1/e-callback/verify', { token, code: codeOf(c.policyNo) });
    const { session, questions } = body as { session: string; questions: { id: string }[] };
    const answers = Object.fromEntries(questions.map((q) => [q.id, 'yes']));
    expect(await post('/v1/e-callback/submit', { session, answers, signature: SIGNATURE })).toMatchObject({ status: 403, body: { message: '请先完成人脸识别' } });
    expect(await post('/v1/e-callback/face', { session, capture: 'no-match' })).toMatchObject({ status: 403, body: { message: `信息不符，还可尝试 ${h.settings.eCallback.identity.maxTries - 1} 次` } });
    expect((await post('/v1/e-callback/face', { session, capture: 'a capture' })).status).toBe(200);
    expect((await post('/v1/e-callback/submit', { session, answers, signature: SIGNATURE })).status).toBe(200);
    const events = (await new ECallbackLinks(h.evidence.db).events(c.policyNo)).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['face-refused', 'face-verified', 'answered-and-signed']));
  });
});

test('wrong identities lock the link at the configured tries, and the phone takes over', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract({ policyholder: { name: '李四', phone: '13911112222', idNumber: '110101199003074514' } });
    const token = linkToken(c.policyNo);
    const tries = h.settings.eCallback.identity.maxTries;
    for (let i = 1; i < tries; i++) expect((await post('/v1/e-callback/identity', { token, name: '李四', idNumber: '110101199003074522' })).status).toBe(403);
    expect((await post('/v1/e-callback/identity', { token, name: '李四', idNumber: '110101199003074522' })).status).toBe(423);
    expect((await post('/v1/e-callback/identity', { token, name: '李四', idNumber: c.policyholder.idNumber })).status).toBe(423);
    const phone = await waitForState(h, c.policyNo, (s) => s.stage === 'AWAITING_CALL' || s.stage === 'CALLING', { what: 'the phone plan' });
    expect(phone.eCallback?.endedWithout).toBe('identity-locked');
  });
});

test('a policyholder who asks for a call on the page gets one', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract();
    expect(await post('/v1/e-callback/ask-for-call', { token: linkToken(c.policyNo) })).toMatchObject({ status: 200, body: { call: true } });
    const phone = await waitForState(h, c.policyNo, (s) => s.stage === 'AWAITING_CALL' || s.stage === 'CALLING', { what: 'the phone plan' });
    expect(phone.eCallback?.endedWithout).toBe('asked-for-a-call');
    expect(phone.plan.length).toBeGreaterThan(0);
  });
});

test('not completed: a new link at the re-send time replaces the first, and at the deadline the phone takes over with the time that is left', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract();
    const p = c.policyNo;
    const first = linkToken(p);
    const { eCallback } = await h.huifang.getCallbackState(p);
    const resendAt = await eventually('the re-send timer', () => pendingTimerFiresAt(h, callbackWorkflowId(p)));
    expect(resendAt.getTime() - Date.parse(eCallback!.links[0].sentAt)).toBeGreaterThanOrEqual(h.settings.eCallback.resendAfterHours[0] * HOUR - 60_000);
    await skipTo(h, new Date(resendAt.getTime() + 60_000));
    await waitForState(h, p, (s) => (s.eCallback?.links.length ?? 0) === 2, { what: 'the second link' });
    expect(linkToken(p)).not.toBe(first);
    expect(await post('/v1/e-callback/open', { token: first })).toMatchObject({ status: 410 });
    expect((await post('/v1/e-callback/open', { token: linkToken(p) })).status).toBe(200);

    await skipTo(h, new Date(Date.parse(eCallback!.deadline) + 60_000));
    const phone = await waitForState(h, p, (s) => s.stage === 'AWAITING_CALL' || s.stage === 'CALLING', { what: 'the phone plan' });
    expect(phone.eCallback?.endedWithout).toBe('deadline');
    expect(Date.parse(phone.plan[0]?.start ?? phone.nextAttemptAt!)).toBeGreaterThanOrEqual(Date.parse(eCallback!.deadline));
    expect((await post('/v1/e-callback/open', { token: linkToken(p) })).status).toBe(200); // the link still opens…
    const { status } = await post('/v1/e-callback/identity', { token: linkToken(p), name: c.policyholder.name, idNumber: c.policyholder.idNumber });
    expect(status).toBe(200); // …but the page has nothing to complete once the stage is over
    expect((await post('/v1/e-callback/verify', { token: linkToken(p), code: codeOf(p) })).status).toBe(410);
  });
});

test('an expired link reveals nothing and says so; a link that never existed neither', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract();
    const token = linkToken(c.policyNo);
    await h.evidence.db.updateTable('e_callback_links').set({ expires_at: new Date(Date.now() - HOUR).toISOString() }).where('policy_no', '=', c.policyNo).execute();
    const expired = await post('/v1/e-callback/identity', { token, name: c.policyholder.name, idNumber: c.policyholder.idNumber });
    expect(expired).toMatchObject({ status: 410, body: { message: '此链接已过期，请使用最新短信中的链接，或等待我们的电话' } });
    expect(h.sms.last(c.policyNo, 'e-callback-code')).toBeUndefined();
    const unknown = await post('/v1/e-callback/open', { token: 'A'.repeat(43) });
    expect(unknown).toMatchObject({ status: 404, body: { message: '链接无效：请使用短信中的完整链接' } });
    expect((await post('/v1/e-callback/open', { token: 'short' })).status).toBe(400);
  });
});

test('a do-not-call request: e-callback first; not completed in time, a letter instead of a call, and no call placed', async () => {
  await h.withWorker(async () => {
    const c = await onlineContract({ callbackMethod: undefined, doNotCall: true });
    const p = c.policyNo;
    const { eCallback } = await h.huifang.getCallbackState(p);
    expect(eCallback?.reason).toBe('do-not-call request: e-callback, else letter or on-site');
    await skipTo(h, new Date(Date.parse(eCallback!.deadline) + 60_000));
    const letter = await waitForState(h, p, (s) => s.stage === 'AWAITING_RECEIPT', { what: 'the letter' });
    expect(letter.fallback).toMatchObject({ granted: true, trigger: 'do-not-call request: letter or on-site instead of a call' });
    expect(calls.tasks.filter((t) => t.policyNo === p)).toEqual([]);
  });
});

test('the method: a regional rule forbids e-callback even when chosen; configuration can make it the first attempt', async () => {
  const { firstMethod } = await import('../domain/e-callback');
  const config = { ...h.settings.eCallback, forbiddenRegionPrefixes: ['65'], firstAttempt: { channels: ['bancassurance' as const], productTypes: ['participating' as const] } };
  expect(firstMethod({ channel: 'agency', productType: 'health', regionCode: '650102', callbackMethod: 'e-callback' }, config)).toEqual({ method: 'phone', reason: 'e-callback forbidden in region 65*' });
  expect(firstMethod({ channel: 'bancassurance', productType: 'participating', regionCode: '310115' }, config)).toMatchObject({ method: 'e-callback' });
  expect(firstMethod({ channel: 'agency', productType: 'participating', regionCode: '310115' }, config)).toMatchObject({ method: 'phone' });
  expect(firstMethod({ channel: 'bancassurance', productType: 'participating', regionCode: '310115', callbackMethod: 'phone' }, config)).toEqual({ method: 'phone', reason: "the policyholder's choice" });
  expect(firstMethod({ channel: 'agency', productType: 'health', regionCode: '650102', doNotCall: true }, config)).toMatchObject({ method: 'phone', noPhone: true });
});
