/**
 * The production shape (issue 19), run on every landing: `npm run drill` on the Temporal server on
 * PostgreSQL (built once by the toolchain): two worker processes, one killed mid-flight, a rolling
 * replacement by a build with a patched workflow change; every policy completed once, none lost, every
 * history replayed on the new build's code.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

test('the drill on the Temporal server on PostgreSQL: a worker killed, another replaced, nothing lost or called twice, every history replays', async () => {
  const run = await new Promise<{ code: number | null; out: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/drill.ts'], { cwd: ROOT, env: { ...process.env, DRILL_POLICIES: '30' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => done({ code, out }));
  });
  const lines = run.out.split('\n').filter((l) => l.startsWith('[drill'));
  // On a failure, the drill's last words (and its workers' logs in the temp folder, huifang-drill-worker-*.log).
  expect({ code: run.code, tail: run.code === 0 ? [] : run.out.split('\n').slice(-25) }).toEqual({ code: 0, tail: [] });
  expect(lines.join('\n')).toMatch(/worker A killed \(SIGKILL\) with \d+ of 30 completed/);
  expect(lines.join('\n')).toMatch(/all 30 completed on worker B [\d.]+ s after the kill/);
  expect(lines.join('\n')).toMatch(/worker C \(next build\) polling; worker B \(old build\) drained and left in [\d.]+ s \(SIGTERM\), \d+ of the 15 policies it began still in flight/);
  expect(lines.join('\n')).toMatch(/5 runs started on the next build took its patched path/);
  expect(lines.at(-1)).toMatch(/figures: 50 policies, 50 completed, 0 lost, 0 called twice; 50 histories replayed, 0 failed/);
}, 10 * 60_000);
