/**
 * The staff pages in a real browser (headless Debian Chromium through playwright-core), on a real
 * API, worker and Temporal dev server: a call recorded through the call center's page moves the
 * workflow; a ticket answered by its agent on a phone screen closes, and another agent cannot see
 * it; the tier-3 handler dispatches and the tier-4 office hands over through theirs.
 * HUIFANG_SCREENSHOTS=docs/screenshots saves each page as a PNG for the README.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Browser, Locator, Page } from 'playwright-core';
import { reasonLabelsOf } from '../documents/format';
import { ApiAuth } from '../api/api-auth';
import { newUsersFile, type IssuedCredentials, type NewUser } from '../api/new-users';
import { buildApi } from '../api/server';
import { LocalFolderRecordingStore } from '../stores/recording-store';
import { WEB_DIST_DIR } from '../api/web-pages';
import { benchSettings } from '../bench/settings';
import type { CallbackState } from '../domain/callback-state';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import type { TicketInput } from '../domain/ticket';
import { TEST_USERS } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { AGENT, routeTicket, startTicket, TIER3, TIER4 } from './helpers/drive';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { buildWebPages, refreshUntilListed, screenshot, signIn, serveToBrowser, PHONE, DESK } from './helpers/web-pages';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let credentials: Map<string, IssuedCredentials>;
const run = `${process.pid}${Date.now() % 100000}`;
/** The API here takes recordings of up to this many seconds (8 kHz 16-bit WAV). */
const RECORDING_LIMIT_SECONDS = 30;

beforeAll(async () => {
  buildWebPages();
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  // Calls go out at once, whatever the time of day the test runs at (configuration only). One
  // corrected number and no second phone round: a policy with no number in a region that forbids
  // letters and visits goes to the branch (UNRESOLVED) as soon as its ticket is answered.
  const settings = benchSettings('now');
  h = await createHarness(env, keyring, {
    settings: { ...settings, tickets: { ...settings.tickets, maxFailedCallbackTickets: 1 }, fallback: { ...settings.fallback, minHoursForPhoneRound: 24 * 30 } },
  });
  // Everyone signs in with a password here, as staff do on the pages.
  const issued = await newUsersFile(TEST_USERS.map((u): NewUser => ({ ...u, password: true })));
  credentials = new Map(issued.credentials.map((c) => [c.username, c]));
  api = buildApi({
    huifang: h.huifang,
    auth: new ApiAuth(issued.file),
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    documents: h.documents,
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
    timeZone: h.settings.timeZone,
    webDir: WEB_DIST_DIR,
    recordings: new LocalFolderRecordingStore(h.recordingsDir),
    recordingLimitBytes: 44 + RECORDING_LIMIT_SECONDS * 16_000,
  });
  ({ baseUrl, browser } = await serveToBrowser(api));
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stopServer(env);
});

const passwordOf = (username: string) => credentials.get(username)!.password!;

async function pageFor(username: string, phone = false): Promise<Page> {
  const context = await browser.newContext(phone ? PHONE : DESK);
  const page = await context.newPage();
  await signIn(page, baseUrl, username, passwordOf(username));
  return page;
}

async function stateWhen(policyNo: string, predicate: (s: CallbackState) => boolean, what: string): Promise<CallbackState> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await h.huifang.getCallbackState(policyNo).catch(() => undefined);
    if (state && predicate(state)) return state;
    if (Date.now() > deadline) throw new Error(`${policyNo}: no ${what} within 60 s (stage ${state?.stage ?? '?'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function aTicket(n: number, type: TicketInput['type'] = 'level-1'): TicketInput {
  return {
    ticketId: `PW${run}${n}-T1`,
    policyNo: `PW${run}${n}`,
    type,
    reasons: type === 'level-1' ? ['agent-misconduct'] : type === 'level-2' ? ['contract-not-received'] : ['wrong-number'],
    org: { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-03' },
    agentCode: AGENT.id,
    finding: 'attempt 1 (2026-12-02T11:23:52.000Z): completed',
  };
}

test('sign-in refuses a wrong password in words', async () => {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto(`${baseUrl}/app/`);
  await page.getByRole('button', { name: '登录' }).click();
  await expectAlert(page, '请输入用户名和密码');
  await page.getByLabel('用户名').fill('cc-sh');
  await page.getByLabel('密码').fill('not-the-password');
  await page.getByRole('button', { name: '登录' }).click();
  await expectAlert(page, '用户名或密码错误');
  expect(await page.getByRole('alert').textContent()).not.toMatch(/[A-Za-z]/);
  await screenshot(page, 'sign-in');
});

/** A WAV file's bytes: a RIFF/WAVE header, then `seconds` of 8 kHz 16-bit silence. */
function aWav(seconds: number): Buffer {
  const data = Buffer.alloc(8000 * 2 * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe.each([
  ['a desk', false],
  ['a phone', true],
])("the call center's day on %s", (_viewport, phone) => {
  test('a call taken from the keyboard names the ticket it opened; the recording is uploaded from the computer and verified; the case waits for its ticket', async () => {
    const today = localDateOf(new Date(), h.settings.timeZone);
    const contract = aContract({ policyNo: `PW${run}0${phone ? 2 : 1}`, issuedOn: addCalendarDays(today, -5), receiptSignedOn: addCalendarDays(today, -2) });
    const p = contract.policyNo;
    await h.withWorker(async () => {
      await h.huifang.startCallback(contract);
      const calling = await stateWhen(p, (s) => s.stage === 'CALLING', 'call out');

      const page = await pageFor('cc-sh', phone);
      await refreshUntilListed(page, p);
      await page.getByRole('button', { name: new RegExp(p) }).click();
      // The policyholder, decrypted for the signed-in call center.
      await page.getByText(contract.policyholder.name, { exact: true }).waitFor();
      await page.getByText(contract.policyholder.phone!, { exact: true }).waitFor();
      if (!phone) {
        // Another branch's call center neither lists the policy nor gets its policyholder.
        const asBj = { authorization: `Bearer ${credentials.get('cc-bj')!.token}` };
        expect((await api.inject({ url: `/v1/callbacks/${p}/policyholder`, headers: asBj })).statusCode).toBe(404);
        expect((await api.inject({ url: '/v1/calls/due', headers: asBj })).json().calls.map((c: { policyNo: string }) => c.policyNo)).not.toContain(p);
        expect((await api.inject({ url: '/v1/calls/due?branch=SH', headers: asBj })).statusCode).toBe(403);
      }

      // The form checks before sending: a completed call needs every answer.
      await page.getByLabel('回访结果').selectOption('completed');
      await page.getByRole('button', { name: '提交回访结果' }).click();
      await expectAlert(page, '请回答全部问题');
      expect((await h.huifang.getCallbackState(p)).attempts[0].outcome).toBeUndefined();

      // From the keyboard: a key per question, the focus moving on; the contract was not received.
      const questions = calling.questions ?? [];
      await page.locator(`input[name="${questions[0].id}"]`).first().focus();
      for (const q of questions) await page.keyboard.press(q.id === 'contract-received' ? 'n' : 'y');
      await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement.textContent)).resolves.toBe('提交回访结果');
      await screenshot(page, phone ? 'call-center-phone' : 'call-center');
      await page.keyboard.press('Enter');
      const confirmation = page.getByRole('status');
      await confirmation.filter({ hasText: `已记录第 1 次拨打结果：接通，问卷已答；发现问题，已开二级转办单 ${p}-T1（未收到合同）；请上传本次通话录音` }).waitFor();
      const after = await h.huifang.getCallbackState(p);
      expect(after.stage).toBe('AWAITING_RECORDING');
      expect(after.attempts[0]).toMatchObject({ outcome: 'completed', report: { operator: 'CC-ZHANG', answers: { 'contract-received': 'no' } } });
      // The attempt history, and the policy stays on the list while its recording is awaited.
      await page.getByRole('table', { name: '拨打记录' }).getByText('接通，问卷已答').waitFor();
      const due = (await api.inject({ url: '/v1/calls/due', headers: { authorization: `Bearer ${credentials.get('cc-sh')!.token}` } })).json();
      expect(due.calls.find((c: { policyNo: string }) => c.policyNo === p)).toMatchObject({ stage: 'AWAITING_RECORDING' });

      // The recording, from the computer: a file that is not audio is refused in words, and nothing is kept.
      await page.getByLabel(/录音文件/).setInputFiles({ name: 'call.wav', mimeType: 'audio/wav', buffer: Buffer.from('<html>not a recording</html>') });
      await page.getByRole('button', { name: '上传录音', exact: true }).click();
      await expectAlert(page, '文件不是录音');
      const wav = aWav(2);
      await page.getByLabel(/录音文件/).setInputFiles({ name: 'call.wav', mimeType: 'audio/wav', buffer: wav });
      await page.getByRole('button', { name: '上传录音', exact: true }).click();
      await confirmation.filter({ hasText: '录音已上传并核验' }).filter({ hasText: '回访状态：待转办件处理' }).waitFor();
      const closed = await h.huifang.getCallbackState(p);
      expect(closed.stage).toBe('AWAITING_TICKET');
      // Stored under the policy, owner-only, with the checksum the server computed of what arrived.
      expect(closed.recording).toMatchObject({ reference: `recordings/${p}/${after.attempts[0].attemptId}.wav`, checksum: `sha256:${createHash('sha256').update(wav).digest('hex')}`, uploadedBy: 'CC-ZHANG' });
      const path = join(h.recordingsDir, closed.recording!.reference);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readdirSync(dirname(path))).toEqual([basename(path)]);
      await page.context().close();
    });
  });
});

test('a recording upload is refused at once when it is too large or not expected, naming why, and nothing is kept', async () => {
  const today = localDateOf(new Date(), h.settings.timeZone);
  const contract = aContract({ policyNo: `PW${run}05`, issuedOn: addCalendarDays(today, -5), receiptSignedOn: addCalendarDays(today, -2) });
  const p = contract.policyNo;
  const asCc = { authorization: `Bearer ${credentials.get('cc-sh')!.token}` };
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const calling = await stateWhen(p, (s) => s.stage === 'CALLING', 'call out');
    const attemptId = calling.attempts[0].attemptId;
    const put = (body: Buffer, type = 'audio/wav') => api.inject({ method: 'PUT', url: `/v1/callbacks/${p}/attempts/${attemptId}/recording`, headers: { ...asCc, 'content-type': type }, payload: body });
    // No call made yet: nothing to record.
    const early = await put(aWav(1));
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/is CALLING: no recording is expected now/);
    await h.huifang.recordCallOutcome(p, { attemptId, outcome: 'completed', operator: 'CC-ZHANG', calledAt: new Date().toISOString(), answers: Object.fromEntries((calling.questions ?? []).map((q) => [q.id, 'yes' as const])) });
    await stateWhen(p, (s) => s.stage === 'AWAITING_RECORDING', 'the recording stage');
    const large = await put(aWav(RECORDING_LIMIT_SECONDS + 1));
    expect(large.statusCode).toBe(413);
    expect(large.json().message).toMatch(/larger than the \d+ bytes allowed/);
    expect((await put(Buffer.from('%PDF-1.4 a scan'), 'audio/mpeg')).statusCode).toBe(415);
    expect(existsSync(join(h.recordingsDir, 'recordings', p)) ? readdirSync(join(h.recordingsDir, 'recordings', p)) : []).toEqual([]);
    expect(readdirSync(h.recordingsDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    // Another attempt id than the call's: refused before anything is stored.
    const other = await api.inject({ method: 'PUT', url: `/v1/callbacks/${p}/attempts/${p}-9/recording`, headers: { ...asCc, 'content-type': 'audio/wav' }, payload: aWav(1) });
    expect(other.statusCode).toBe(409);
    expect((await h.huifang.getCallbackState(p)).stage).toBe('AWAITING_RECORDING');
  });
});

test("the branch's call center finds an unresolved case on its page and closes it with its decision", async () => {
  const base = aContract({ policyNo: `PW${run}U`, regionCode: '440300' });
  const contract = { ...base, policyholder: { name: base.policyholder.name, idNumber: base.policyholder.idNumber } };
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const ticketId = (await stateWhen(contract.policyNo, (s) => s.tickets.length === 1, 'failed-callback ticket')).tickets[0].ticketId;
    await routeTicket(h, ticketId, { correctedPhone: '13700002222' });
    await stateWhen(contract.policyNo, (s) => s.stage === 'UNRESOLVED', 'the escalation to the branch');

    const page = await pageFor('cc-sh');
    await refreshUntilListed(page, contract.policyNo);
    await page.getByRole('button', { name: new RegExp(contract.policyNo) }).click();
    const panel = page.getByLabel('待分公司处理详情');
    await panel.getByTestId('stage').filter({ hasText: '待分公司处理' }).waitFor();
    await panel.getByText('无法信函或上门回访（地区不允许或超出比例上限）').waitFor();
    // The form checks before sending: the branch says what it did.
    await panel.getByRole('button', { name: '结案' }).click();
    await expectAlert(page, '请填写结案说明');
    expect((await h.huifang.getCallbackState(contract.policyNo)).stage).toBe('UNRESOLVED');
    await panel.getByLabel('结案说明').fill('已联系业务人员上门核实，客户确认投保意愿');
    await screenshot(page, 'branch-unresolved');
    await panel.getByRole('button', { name: '结案' }).click();
    await page.getByRole('status').filter({ hasText: '已结案；回访状态：分公司已结案' }).waitFor();
    const closed = await h.huifang.callbackView(contract.policyNo);
    expect(closed).toMatchObject({ stage: 'CLOSED_BY_BRANCH', branchDecision: { reason: '已联系业务人员上门核实，客户确认投保意愿', by: { role: 'branch', id: 'CC-ZHANG', office: 'SH' } } });
    await panel.getByText(/^结案说明：已联系业务人员上门核实，客户确认投保意愿（CC-ZHANG，/).waitFor();
    await page.context().close();
  });
});

test('the tier-3 handler dispatches a new order and decides a waiver, and the tier-4 office hands the order to the agent, through their pages', async () => {
  const ticket = aTicket(1);
  const today = localDateOf(new Date(), h.settings.timeZone);
  const waived = aContract({ policyNo: `PW${run}9`, issuedOn: addCalendarDays(today, -5), receiptSignedOn: addCalendarDays(today, -2) });
  const statementRef = `statements/${waived.policyNo}/waiver.pdf`;
  await h.withWorker(async () => {
    await startTicket(h, ticket);
    await h.huifang.startCallback(waived);
    await stateWhen(waived.policyNo, (s) => s.stage === 'CALLING' || s.stage === 'AWAITING_CALL', 'call planned');
    await h.documents.save(statementRef, Buffer.from(`%PDF-1.4 signed waiver ${waived.policyNo}`));
    await h.huifang.reportWaiver(waived.policyNo, { statementRef, actor: AGENT, note: '投保人已签署放弃回访声明' });

    const t3 = await pageFor('t3-shpd');
    await refreshUntilListed(t3, ticket.ticketId);
    // The list says why (the reason in words) and for which tier-4 office; the detail, what the call found, in Beijing time.
    await t3.getByRole('button', { name: new RegExp(ticket.ticketId) }).filter({ hasText: '代理人违规' }).filter({ hasText: 'SH-PD-03' }).waitFor();
    await t3.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
    await t3.getByTestId('finding').filter({ hasText: '回访发现：第 1 次回访（2026-12-02 19:23，接通，问卷已答）发现：代理人违规' }).waitFor();
    await t3.getByRole('button', { name: '派发', exact: true }).click();
    await t3.getByRole('status').filter({ hasText: '已派发；转办件状态：已派发至四级机构' }).waitFor();
    await t3.getByText('回复时限').first().waitFor();
    // Due at the end of its day (config "24:00"): shown as 24:00 of that day, not 00:00 of the next.
    const { dueAt } = await h.huifang.getTicketState(ticket.ticketId);
    const dueDay = localDateOf(new Date(Date.parse(dueAt!) - 1), h.settings.timeZone).replaceAll('-', '/');
    await t3.getByText(`回复时限 ${dueDay} 24:00`).first().waitFor();

    // The waiver: a rejection needs its reason; the statement opens; accepting closes the callback.
    const waiver = t3.getByLabel(`免回访 ${waived.policyNo}`);
    await waiver.waitFor();
    await screenshot(t3, 'tier3');
    await waiver.getByRole('button', { name: '驳回' }).click();
    await expectAlert(t3, '驳回须填写原因');
    // The statement shows in the page, beside the decision (and still downloads as its file).
    await waiver.getByRole('button', { name: '查看签字声明书' }).click();
    expect(await waiver.locator('iframe.viewer').getAttribute('src')).toMatch(/^blob:/);
    const statement = t3.waitForEvent('download');
    await waiver.getByRole('button', { name: '下载' }).click();
    expect((await statement).suggestedFilename()).toBe('waiver.pdf');
    // Chromium's PDF viewer takes the pointer events around it while it loads: the handler closes it, then decides.
    await waiver.getByRole('button', { name: '收起签字声明书' }).click();
    await waiver.getByRole('button', { name: '同意免回访' }).click();
    await waiver.waitFor({ state: 'detached' });
    await t3.getByRole('status').filter({ hasText: `已同意保单 ${waived.policyNo} 免回访` }).waitFor();
    expect(await stateWhen(waived.policyNo, (s) => s.stage === 'WAIVED', 'waiver accepted')).toMatchObject({ waiver: { decision: { accepted: true, by: { id: 'T3-LI' } } } });
    await t3.context().close();

    const t4 = await pageFor('t4-shpd03');
    await refreshUntilListed(t4, ticket.ticketId);
    await t4.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
    await t4.getByRole('button', { name: '交业务人员' }).click();
    await t4.getByRole('status').filter({ hasText: '转办件状态：已交业务人员' }).waitFor();
    await screenshot(t4, 'tier4');
    await t4.context().close();
    expect((await h.huifang.getTicketState(ticket.ticketId)).steps.map((s) => [s.step, s.actor.id])).toEqual([
      ['dispatch', 'T3-LI'],
      ['hand-to-agent', 'T4-ZHAO'],
    ]);
  });
});

test('the tier-3 handler dispatches several new orders at once, and is told what went', async () => {
  const tickets = [aTicket(6, 'level-2'), aTicket(7, 'level-2')];
  await h.withWorker(async () => {
    for (const t of tickets) await startTicket(h, t);
    const t3 = await pageFor('t3-shpd');
    for (const t of tickets) await refreshUntilListed(t3, t.ticketId);
    // Narrowed to these two by the search, then all of them picked and dispatched together.
    await t3.getByLabel('保单号或转办单号').fill(`PW${run}`);
    await t3.getByRole('button', { name: '派发所选（0）' }).click();
    await expectAlert(t3, '请先勾选要派发的转办单');
    for (const t of tickets) await t3.getByLabel(`选择 ${t.ticketId}`).check();
    await t3.getByRole('button', { name: '派发所选（2）' }).click();
    await t3.getByRole('status').filter({ hasText: '已派发 2 件' }).waitFor();
    for (const t of tickets) expect((await h.huifang.getTicketState(t.ticketId)).steps.map((s) => [s.step, s.actor.id])).toEqual([['dispatch', 'T3-LI']]);
    await t3.context().close();
  });
});

test('a ticket answered by its agent on a phone closes; another agent cannot see it', async () => {
  const ticket = aTicket(2);
  await h.withWorker(async () => {
    await startTicket(h, ticket);
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'dispatch', actor: TIER3 });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'hand-to-agent', actor: TIER4 });

    const page = await pageFor('a10086', true);
    await refreshUntilListed(page, ticket.ticketId);
    // What is the agent's to do now comes first; the detail opens where the agent is looking, not below the list.
    await page.getByRole('heading', { name: /待我处理（[1-9]\d*）/ }).waitFor();
    await page.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
    await page.getByRole('button', { name: '签收（明细簿签字）' }).waitFor();
    await eventuallyInView(page, page.getByLabel('转办件详情'));
    await page.getByRole('button', { name: '签收（明细簿签字）' }).click();
    await page.getByRole('status').filter({ hasText: '转办件状态：业务人员已签收' }).waitFor();
    // The reply form checks before sending.
    await page.getByRole('button', { name: '回复', exact: true }).click();
    await expectAlert(page, '请填写处理情况');
    await page.getByLabel('处理情况').fill('已上门与投保人核实，补签投保单');
    await screenshot(page, 'agent');
    await page.getByRole('button', { name: '回复', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已回复；转办件状态：已办结' }).waitFor();
    const closed = await h.huifang.getTicketState(ticket.ticketId);
    expect(closed).toMatchObject({ stage: 'CLOSED', reply: { actionTaken: '已上门与投保人核实，补签投保单' } });
    expect(closed.steps.at(-1)?.actor).toEqual({ role: 'agent', id: 'A10086' });
    await page.context().close();

    // Another agent: not in the list, and the API answers 404 to its session, as if it did not exist.
    const other = await pageFor('a20000', true);
    await other.getByText('现在没有需要您处理的转办件。').waitFor();
    expect(await other.getByText(ticket.ticketId).count()).toBe(0);
    const status = await other.evaluate(async (id) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string } }).sessionStorage;
      const { token } = JSON.parse(storage.getItem('huifang.session'));
      return (await fetch(`/v1/tickets/${id}`, { headers: { authorization: `Bearer ${token}` } })).status;
    }, ticket.ticketId);
    expect(status).toBe(404);
    await other.context().close();
  });
});

test('a level-2 order replied by its agent is collected by the tier-4 office and archived by the tier-3 handler, through their pages', async () => {
  const ticket = aTicket(3, 'level-2');
  await h.withWorker(async () => {
    await startTicket(h, ticket);
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'dispatch', actor: TIER3 });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'hand-to-agent', actor: TIER4 });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'sign-receipt', actor: AGENT });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'reply', actor: AGENT, actionTaken: '已补寄保险合同' });
    for (const [user, step, stage] of [
      ['t4-shpd03', '收回转办单', '已收回'],
      ['t3-shpd', '归档', '已办结'],
    ] as const) {
      const page = await pageFor(user);
      await refreshUntilListed(page, ticket.ticketId);
      await page.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
      await page.getByRole('button', { name: step, exact: true }).click();
      await page.getByRole('status').filter({ hasText: `转办件状态：${stage}` }).waitFor();
      await page.context().close();
    }
    expect((await h.huifang.getTicketState(ticket.ticketId)).steps.map((s) => s.step).slice(-2)).toEqual(['collect', 'archive']);
    expect((await h.huifang.getTicketState(ticket.ticketId)).stage).toBe('CLOSED');
  });
});

test('a failed-callback order asks its agent for the corrected number straight away: no register signature is offered', async () => {
  const ticket = aTicket(4, 'failed-callback');
  await h.withWorker(async () => {
    await startTicket(h, ticket);
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'dispatch', actor: TIER3 });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'hand-to-agent', actor: TIER4 });
    const page = await pageFor('a10086', true);
    await refreshUntilListed(page, ticket.ticketId);
    await page.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
    await page.getByLabel('客户正确的手机号码').waitFor();
    expect(await page.getByRole('button', { name: '签收（明细簿签字）' }).count()).toBe(0);
    await page.getByLabel('客户正确的手机号码').fill('1391234');
    await page.getByRole('button', { name: '回复', exact: true }).click();
    await expectAlert(page, '请填写客户正确的 11 位手机号码');
    await page.getByLabel('客户正确的手机号码').fill('13912345679');
    await page.getByRole('button', { name: '回复', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '已回复；转办件状态：已办结' }).waitFor();
    await page.context().close();
    const closed = await h.huifang.getTicketState(ticket.ticketId);
    expect(closed.steps.map((s) => s.step)).toEqual(['dispatch', 'hand-to-agent', 'reply']);
    expect(closed.reply).toMatchObject({ correctedPhone: '13912345679' });
  });
});

/** The element's top is on the screen (a smooth scroll takes a moment). */
async function eventuallyInView(page: Page, element: Locator): Promise<void> {
  const height = page.viewportSize()!.height;
  for (let i = 0; ; i++) {
    const box = await element.boundingBox();
    if (box && box.y >= 0 && box.y < height) return;
    if (i > 20) throw new Error(`not in view: top at ${box?.y} of a ${height} px screen`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectAlert(page: Page, text: string): Promise<void> {
  await page.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

