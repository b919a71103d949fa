/**
 * The staff pages in a real browser (headless Debian Chromium through playwright-core), on a real
 * API, worker and Temporal dev server: a call recorded through the call center's page moves the
 * workflow; a ticket answered by its agent on a phone screen closes, and another agent cannot see
 * it; the tier-3 handler dispatches and the tier-4 office hands over through theirs.
 * HUIFANG_SCREENSHOTS=docs/screenshots saves each page as a PNG for the README.
 */
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { reasonLabelsOf } from '../documents/format';
import { ApiAuth } from '../api/api-auth';
import { newUsersFile, type IssuedCredentials, type NewUser } from '../api/new-users';
import { buildApi } from '../api/server';
import { WEB_DIST_DIR } from '../api/web-pages';
import { benchSettings } from '../bench/settings';
import type { CallbackState } from '../domain/callback-state';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import type { TicketInput } from '../domain/ticket';
import { TEST_USERS } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { AGENT, routeTicket, startTicket, storeRecording, TIER3, TIER4 } from './helpers/drive';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { buildWebPages, launchBrowser, refreshUntilListed, screenshot, signIn } from './helpers/web-pages';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let credentials: Map<string, IssuedCredentials>;
const run = `${process.pid}${Date.now() % 100000}`;

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
  });
  await api.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stopServer(env);
});

const passwordOf = (username: string) => credentials.get(username)!.password!;

async function pageFor(username: string, phone = false): Promise<Page> {
  const context = await browser.newContext(phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' } : { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
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
    finding: 'attempt 1: 投保人表示非本人签名',
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
  await expectAlert(page, '登录已失效或用户名、密码错误：wrong username or password');
  await screenshot(page, 'sign-in');
});

test('a call recorded through the call center page moves the workflow, and the recording closes it', async () => {
  const today = localDateOf(new Date(), h.settings.timeZone);
  const contract = aContract({ policyNo: `PW${run}0`, issuedOn: addCalendarDays(today, -5), receiptSignedOn: addCalendarDays(today, -2) });
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const calling = await stateWhen(contract.policyNo, (s) => s.stage === 'CALLING', 'call out');

    const page = await pageFor('cc-sh');
    await refreshUntilListed(page, contract.policyNo);
    await page.getByRole('button', { name: new RegExp(contract.policyNo) }).click();
    // The policyholder, decrypted for the signed-in call center.
    await page.getByText(contract.policyholder.name, { exact: true }).waitFor();
    await page.getByText(contract.policyholder.phone!, { exact: true }).waitFor();
    // Another branch's call center neither lists the policy nor gets its policyholder.
    const asBj = { authorization: `Bearer ${credentials.get('cc-bj')!.token}` };
    expect((await api.inject({ url: `/v1/callbacks/${contract.policyNo}/policyholder`, headers: asBj })).statusCode).toBe(404);
    expect((await api.inject({ url: '/v1/calls/due', headers: asBj })).json().calls.map((c: { policyNo: string }) => c.policyNo)).not.toContain(contract.policyNo);
    expect((await api.inject({ url: '/v1/calls/due?branch=SH', headers: asBj })).statusCode).toBe(403);

    // The form checks before sending: a completed call needs every answer.
    await page.getByLabel('回访结果').selectOption('completed');
    await page.getByRole('button', { name: '提交回访结果' }).click();
    await expectAlert(page, '请回答全部问题');
    expect((await h.huifang.getCallbackState(contract.policyNo)).attempts[0].outcome).toBeUndefined();

    for (const q of calling.questions ?? []) await page.locator(`input[name="${q.id}"][value="yes"]`).check();
    await screenshot(page, 'call-center');
    await page.getByRole('button', { name: '提交回访结果' }).click();
    await page.getByRole('status').filter({ hasText: '已记录第 1 次回访结果：回访成功' }).waitFor();
    const after = await h.huifang.getCallbackState(contract.policyNo);
    expect(after.stage).toBe('AWAITING_RECORDING');
    expect(after.attempts[0]).toMatchObject({ outcome: 'completed', report: { operator: 'CC-ZHANG' } });

    // The recording: a file that is not the stored one is turned down by the workflow, in words.
    const reference = `recordings/${after.attempts[0].attemptId}.wav`;
    const stored = Buffer.from(`RIFF recording of ${contract.policyNo}`);
    storeRecording(h, reference, stored);
    await page.getByTestId('stage').filter({ hasText: '待上传录音' }).waitFor();
    await page.getByLabel(/录音文件/).setInputFiles({ name: 'call.wav', mimeType: 'audio/wav', buffer: Buffer.from('another file') });
    await page.getByRole('button', { name: '提交录音' }).click();
    await expectAlert(page, '业务流程拒绝了此操作');
    await page.getByLabel(/录音文件/).setInputFiles({ name: 'call.wav', mimeType: 'audio/wav', buffer: stored });
    await page.getByRole('button', { name: '提交录音' }).click();
    await page.getByRole('status').filter({ hasText: '录音已核验；回访状态：回访成功' }).waitFor();
    expect((await h.huifang.getCallbackState(contract.policyNo)).stage).toBe('COMPLETED');
    await page.context().close();
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
    await t3.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
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
    const statement = t3.waitForEvent('download');
    await waiver.getByRole('button', { name: '查看签字声明书' }).click();
    expect((await statement).suggestedFilename()).toBe('waiver.pdf');
    await waiver.getByRole('button', { name: '同意免回访' }).click();
    await waiver.waitFor({ state: 'detached' });
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

test('a ticket answered by its agent on a phone closes; another agent cannot see it', async () => {
  const ticket = aTicket(2);
  await h.withWorker(async () => {
    await startTicket(h, ticket);
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'dispatch', actor: TIER3 });
    await h.huifang.advanceTicket(ticket.ticketId, { step: 'hand-to-agent', actor: TIER4 });

    const page = await pageFor('a10086', true);
    await refreshUntilListed(page, ticket.ticketId);
    await page.getByRole('button', { name: new RegExp(ticket.ticketId) }).click();
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
    await other.getByText('没有转办件。').waitFor();
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

async function expectAlert(page: Page, text: string): Promise<void> {
  await page.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: 10_000 });
}

