/**
 * The tier-4 office and the agent report a signed waiver from their page (issue 17): the scan is
 * uploaded through the page and the waiver reported citing it, on a phone; a file that is not a scan
 * is refused in words; the tier-3 handler then finds it waiting.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { reasonLabelsOf } from '../documents/format';
import { ApiAuth } from '../api/api-auth';
import { newUsersFile, type IssuedCredentials, type NewUser } from '../api/new-users';
import { buildApi } from '../api/server';
import { WEB_DIST_DIR } from '../api/web-pages';
import { TEST_USERS } from './helpers/api-users';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';
import { createHarness, generateKeyring, startDevServer, stopServer, type TestHarness } from './helpers/temporal-env';
import { buildWebPages, screenshot, signIn, serveToBrowser, PHONE } from './helpers/web-pages';

let env: TestWorkflowEnvironment;
let h: TestHarness;
let api: FastifyInstance;
let browser: Browser;
let baseUrl: string;
let credentials: Map<string, IssuedCredentials>;

beforeAll(async () => {
  buildWebPages();
  const keyring = generateKeyring();
  env = await startDevServer(keyring);
  h = await createHarness(env, keyring);
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
  ({ baseUrl, browser } = await serveToBrowser(api));
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stopServer(env);
});

async function phonePageFor(username: string): Promise<Page> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signIn(page, baseUrl, username, credentials.get(username)!.password!);
  return page;
}

test('the agent reports a signed waiver from a phone: the scan uploaded through the page, a non-scan refused in words, the tier-3 handler finds it waiting', async () => {
  const contract = aContract();
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await eventually('awaiting its call', async () => ((await h.huifang.getCallbackState(contract.policyNo)).stage === 'AWAITING_CALL' ? true : undefined), 60_000);

    const page = await phonePageFor('a10086');
    const form = page.getByRole('form', { name: '报送放弃声明' });
    await form.getByLabel('保单号').fill(contract.policyNo);
    // Not a scan: HTML named .png.
    await form.getByLabel(/放弃声明（PDF/).setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('<html>not a scan</html>') });
    await form.getByRole('button', { name: '上传并报送' }).click();
    await form.getByRole('alert').getByText('声明上传失败：文件内容不是 PDF、JPG 或 PNG 扫描件，或与文件类型不符').waitFor();

    await form.getByLabel(/放弃声明（PDF/).setInputFiles({ name: '声明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed waiver statement') });
    await form.getByLabel('备注（可选）').fill('客户本人手写声明');
    await form.getByRole('button', { name: '上传并报送' }).click();
    await form.getByRole('status').getByText(`保单 ${contract.policyNo} 的放弃声明已报送，等待三级机构审核`).waitFor();
    await screenshot(page, 'agent-waiver-report-phone');

    const state = await h.huifang.getCallbackState(contract.policyNo);
    expect(state.waiver).toMatchObject({ statementRef: `statements/${contract.policyNo}/waiver.pdf`, reportedBy: { role: 'agent', id: 'A10086' }, note: '客户本人手写声明' });
    expect((await h.documents.read(state.waiver!.statementRef)).toString()).toBe('%PDF-1.4 signed waiver statement');
    // Waiting for the tier-3 handler of the policy's central sub-branch.
    const pending = await api.inject({ method: 'GET', url: '/v1/waivers/pending', headers: { authorization: `Bearer ${credentials.get('t3-shpd')!.token}` } });
    expect(pending.json().waivers.map((w: { policyNo: string }) => w.policyNo)).toContain(contract.policyNo);
    await page.context().close();
  });
}, 180_000);
