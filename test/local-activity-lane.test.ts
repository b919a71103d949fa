/**
 * The callback runs its local activities one at a time (CallbackRun.local, workflows/callback/run.ts):
 * two outstanding at once replay in another order than they ran live. Every local activity the
 * callback declares is called only inside `local(() => …)`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const DIR = resolve(__dirname, '../workflows/callback');
const source = (text: string) => text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

/** The names workflows/callback/activities.ts declares through proxyLocalActivities. */
function localActivityNames(declarations: string): string[] {
  return [...declarations.matchAll(/export const \{([^}]*)\} = proxyLocalActivities/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
}

/** The calls of `names` in `text` that are not the body of a `local(() => …)`. */
function callsOutsideTheLane(text: string, names: string[]): string[] {
  const calls = [...text.matchAll(new RegExp(`\\b(${names.join('|')})(\\.executeWithOptions)?\\(`, 'g'))];
  return calls.filter((m) => !/local\(\(\)\s*=>\s*$/.test(text.slice(0, m.index))).map((m) => m[1]);
}

test('every local activity of the callback runs through its one-at-a-time lane', () => {
  const names = localActivityNames(readFileSync(join(DIR, 'activities.ts'), 'utf8'));
  expect(names).toEqual(expect.arrayContaining(['assessContract', 'recordCallback', 'placeCall', 'verifyRecording', 'checkDocument']));
  const outside = readdirSync(DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'activities.ts')
    .flatMap((f) => callsOutsideTheLane(source(readFileSync(join(DIR, f), 'utf8')), names).map((name) => `${f}: ${name}`));
  expect(outside).toEqual([]);
  // The scan sees a call outside the lane, multi-line arguments or not, and lets one inside it be.
  expect(callsOutsideTheLane('await checkDocument({ path });\nconst p = await planFallback.executeWithOptions({}, [\n x,\n]);', names)).toEqual(['checkDocument', 'planFallback']);
  expect(callsOutsideTheLane('await run.local(() => checkDocument({ path }));\nawait this.local(() =>\n  placeCall.executeWithOptions({}, [x]),\n);', names)).toEqual([]);
});
