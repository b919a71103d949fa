/**
 * The staff pages for browser tests: built by Vite (as `npm start` does) into web/dist, served by a
 * real API listening on a free port, and a headless Debian Chromium driven by playwright-core
 * (Playwright's own browser download cannot work here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '..', '..');
export const CHROMIUM = process.env.HUIFANG_CHROMIUM ?? '/usr/bin/chromium';

let built = false;
/** Builds the pages once per test file (a few seconds). */
export function buildWebPages(): void {
  if (built) return;
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', resolve(ROOT, 'web/vite.config.ts')], { cwd: ROOT, stdio: 'pipe' });
  built = true;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set HUIFANG_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A phone (the agents', the policyholder's) and a desk, as the pages are tried on. */
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
export const DESK: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };

/** The API on a free loopback port and a browser for it: its base URL and the browser. */
export async function serveToBrowser(api: FastifyInstance): Promise<{ baseUrl: string; browser: Browser }> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  return { baseUrl: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`, browser: await launchBrowser() };
}

/** Signs in through the page's own form and waits for the signed-in header. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/app/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
}

/**
 * Visibility is eventually consistent: press the page's refresh buttons (one per list) until `text`
 * shows in a list, as a person would.
 */
export async function refreshUntilListed(page: Page, text: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const item = page.getByRole('button', { name: new RegExp(text) });
  for (;;) {
    if (await item.first().isVisible()) return;
    if (Date.now() > deadline) throw new Error(`${text} did not show in the list within ${timeoutMs} ms`);
    for (const refresh of await page.getByRole('button', { name: '刷新' }).all()) await refresh.click();
    await item.first().waitFor({ timeout: 1000 }).catch(() => undefined);
  }
}

/** Saves a PNG of the page for the README when HUIFANG_SCREENSHOTS names a folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.HUIFANG_SCREENSHOTS;
  if (dir) await page.screenshot({ path: resolve(dir, `${name}.png`), fullPage: true });
}
