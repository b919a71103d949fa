/**
 * "No wait without a deadline": the callback and ticket workflows wait only through
 * workflows/waits.ts, every wait names a declaration of domain/waits.ts (stage, what for, deadline,
 * action), every declaration is used, and the README's stage table shows each one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CALLBACK_WAITS, QUOTA_WAITS, TICKET_WAITS } from '../domain/waits';
import { waitsTable } from '../scripts/waits-table';

const ROOT = resolve(__dirname, '..');
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
const source = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

const CALLBACK_FILES = [join(ROOT, 'workflows/callback.workflow.ts'), ...filesUnder(join(ROOT, 'workflows/callback'))];
const TICKET_FILES = [join(ROOT, 'workflows/ticket.workflow.ts'), ...(statSync(join(ROOT, 'workflows')).isDirectory() ? filesUnder(join(ROOT, 'workflows')).filter((f) => f.includes('/ticket/')) : [])];
const QUOTA_FILES = [join(ROOT, 'workflows/fallback-quota.workflow.ts')];

/** A wait not through workflows/waits.ts: Temporal's own condition or sleep, or awaiting a child's result directly. */
const rawWait = (text: string) => /\b(condition|sleep)\s*\(/.test(text) || /^\s*(?:const \w+ = )?await [\w.]+\.result\(\)/m.test(text);

function waitIdsUsed(files: string[]): Set<string> {
  const ids = new Set<string>();
  for (const file of files) for (const m of source(file).matchAll(/\b(?:waitUntil|sleepUntil|awaitTickets)\(\s*'([a-z0-9-]+)'/g)) ids.add(m[1]);
  return ids;
}

test.each([
  ['callback', CALLBACK_FILES],
  ['ticket', TICKET_FILES],
  ['fallback quota', QUOTA_FILES],
])('the %s workflow waits only through workflows/waits.ts', (_name, files) => {
  expect(files.filter((f) => rawWait(source(f))).map((f) => relative(ROOT, f))).toEqual([]);
  // The scan sees a raw wait when there is one.
  expect([rawWait('await condition(() => done);'), rawWait('  const r = await handle.result();'), rawWait("await waitUntil('x', done, at);")]).toEqual([true, true, false]);
});

test.each([
  ['callback', CALLBACK_FILES, CALLBACK_WAITS],
  ['ticket', TICKET_FILES, TICKET_WAITS],
  ['fallback quota', QUOTA_FILES, QUOTA_WAITS],
])('every wait of the %s workflow is declared with a deadline and an action, and every declaration is used', (_name, files, table) => {
  const used = waitIdsUsed(files);
  const declared = Object.keys(table);
  expect([...used].filter((id) => !declared.includes(id))).toEqual([]);
  expect(declared.filter((id) => !used.has(id))).toEqual([]);
  for (const [id, w] of Object.entries(table)) {
    expect({ id, stage: w.stage.length > 0, for: w.for.length > 0, deadline: w.deadline.length > 0, onDeadline: w.onDeadline.length > 0 }).toEqual({ id, stage: true, for: true, deadline: true, onDeadline: true });
  }
});

test("the README's table of waits is the declared one (npx tsx scripts/waits-table.ts prints it)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(waitsTable());
});

test('the wait primitive takes a deadline: a wait without one does not type-check', () => {
  const text = source(join(ROOT, 'workflows/waits.ts'));
  expect(text).toMatch(/export async function waitUntil\(_wait: WaitId, done: \(\) => boolean, deadline: string/);
  expect(text).toMatch(/export async function sleepUntil\(_wait: WaitId, deadline: string/);
});
