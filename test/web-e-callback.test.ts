/**
 * The policyholder's e-callback page (issue 18) on a phone, in Chromium, on a real API, worker and
 * dev server: opened from the texted link, a wrong identity refused in words, the code, the
 * disclosures, the questionnaire tapped through, a signature drawn with the finger: the callback is
 * COMPLETED by e-callback. The link's token leaves the address bar at once, and the used link shows
 * only that it was used.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { ApiAuth } from '../api/api-auth';
import { newUsersFile } from '../api/new-users';
import { buildApi } from '../api/server';
import { WEB_DIST_DIR } from '../api/web-pages';
import { reasonLabelsOf } from '../documents/format';
import { addCalendarDays, localDateOf } from '../domain/local-time';
import { aContract } from './helpers/contracts';
import { waitForState, workflowResult } from './helpers/drive';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { buildWebPages, screenshot, serveToBrowser, PHONE } from './helpers/web-pages';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  buildWebPages();
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
  api = buildApi({
    huifang: h.huifang,
    auth: new ApiAuth((await newUsersFile([])).file),
    reasonLabels: reasonLabelsOf(h.settings.transferReasons),
    documents: h.documents,
    compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare },
    eCallback: { sms: h.sms, config: h.settings.eCallback },
    webDir: WEB_DIST_DIR,
  });
  ({ baseUrl, browser } = await serveToBrowser(api));
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stopServer(env);
});

const phone = () => browser.newContext(PHONE).then((c) => c.newPage());
const alert = (page: Page, text: string) => page.getByRole('alert').filter({ hasText: text }).waitFor({ timeout: 10_000 });

test('the policyholder completes the e-callback on a phone: identity, code, disclosures, answers, signature', async () => {
  const today = localDateOf(new Date(), h.settings.timeZone);
  const contract = aContract({ policyNo: `PE${process.pid}${Date.now() % 100000}`, issuedOn: addCalendarDays(today, -4), receiptSignedOn: addCalendarDays(today, -1), callbackMethod: 'e-callback' });
  const p = contract.policyNo;
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await waitForState(h, p, (s) => (s.eCallback?.links.length ?? 0) > 0, { what: 'the link' });
    const link = h.sms.last(p, 'e-callback-link')!.text.match(/(\/app\/e#[A-Za-z0-9_-]{43})/)![1];

    const page = await phone();
    await page.goto(`${baseUrl}${link}`);
    await page.getByLabel('投保人姓名').waitFor();
    expect(new URL(page.url()).hash).toBe(''); // the token leaves the address bar (and the history)
    // Nothing about the policy before the identity is verified.
    expect(await page.content()).not.toContain(p);

    await page.getByLabel('投保人姓名').fill('别人');
    await page.getByLabel('身份证号码').fill(contract.policyholder.idNumber);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await alert(page, '信息不符，还可尝试');
    await page.getByLabel('投保人姓名').fill(contract.policyholder.name);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/验证码已发送至 139\*\*\*\*/).waitFor();
    await page.getByLabel('验证码', { exact: true }).fill(h.sms.last(p, 'e-callback-code')!.text.match(/验证码 (\d+)/)![1]);
    await page.getByRole('button', { name: '下一步' }).click();

    await page.getByRole('button', { name: '开始人脸识别' }).click();
    await page.getByRole('heading', { name: '请阅读以下重要信息' }).waitFor();
    await page.getByText(contract.productCode, { exact: false }).first().waitFor();
    await page.getByRole('button', { name: '我已阅读，开始回访' }).click();
    await page.getByRole('button', { name: '下一步：签名确认' }).click();
    await alert(page, '个问题未回答');
    for (const fieldset of await page.locator('fieldset').all()) await fieldset.getByLabel('是').check();
    await screenshot(page, 'e-callback-phone');
    await page.getByRole('button', { name: '下一步：签名确认' }).click();

    await page.getByRole('button', { name: '提交回访' }).click();
    await alert(page, '请在框内签名');
    const box = (await page.getByLabel('签名框').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + box.height / 2 + (i % 2 ? -20 : 20));
    await page.mouse.up();
    await page.getByRole('button', { name: '提交回访' }).click();
    await page.getByRole('status').filter({ hasText: '回访已完成，感谢您的配合' }).waitFor();

    const done = await workflowResult(h, p, 30_000);
    expect(done).toMatchObject({ stage: 'COMPLETED', completedBy: 'e-callback' });
    expect(Object.values(done.eCallback!.answers!).every((a) => a === 'yes')).toBe(true);
    // The signature is kept as a PNG in the document store.
    expect((await h.documents.read(done.eCallback!.signature!.ref)).subarray(1, 4).toString()).toBe('PNG');

    // The link again: it was used, and says only that.
    const again = await phone();
    await again.goto(`${baseUrl}${link}`);
    await again.getByText('此链接已使用过').waitFor();
    expect(await again.content()).not.toContain(contract.policyholder.name);
  });
});
