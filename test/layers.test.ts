/**
 * The layering of scripts/layers.ts holds: every import of every source file goes to a folder its own
 * may import (api/, cli/ and client/ never import activities/, activities/ never the client, domain/
 * nothing but domain/ and a few packages, workflows/ the activities' types only), the declared graph
 * is layered, and the README shows it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { graphProblems, importsOf, LAYERS, layersBlock, sourceFiles, violations } from '../scripts/layers';

const ROOT = resolve(__dirname, '..');

test('every import goes down the layers (scripts/layers.ts)', () => {
  const files = sourceFiles(ROOT);
  // The walk reaches every layer, so an empty answer means something.
  expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['activities/index.ts', 'api/server.ts', 'domain/contract.ts', 'web/src/main.tsx', 'workers/create-worker.ts']));
  expect(violations(files)).toEqual([]);
});

test('the declared graph is layered: each folder imports only folders of a layer below', () => {
  expect(graphProblems()).toEqual([]);
});

test('tsc checks every folder of the layers (tsconfig.json; web/ has its own)', () => {
  const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
  const folders = LAYERS.flatMap((l) => l.folders.map((f) => f.folder)).filter((f) => f !== 'web');
  expect(folders.filter((f) => !include.includes(f))).toEqual([]);
});

test("the README's Architecture section shows the declared graph (npx tsx scripts/layers.ts prints it)", () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(layersBlock());
});

test('the check sees each kind of forbidden import', () => {
  const file = (path: string, text: string) => ({ path, text });
  const found = violations([
    file('api/a.ts', "import { createActivities } from '../activities';"),
    file('cli/b.ts', "import type { Activities } from '../activities';"),
    file('client/c.ts', "export { x } from '../activities/fallback';"),
    file('activities/d.ts', "import { RequestRejectedError } from '../client/huifang-client';"),
    file('domain/e.ts', "import type { Settings } from '../config/settings';"),
    file('domain/f.ts', "import { readFileSync } from 'fs';"),
    file('workflows/g.ts', "import { createActivities, type Activities } from '../activities';"),
    file('workflows/h.ts', "const x = require('../stores/evidence-store');"),
    file('config/i.ts', "const m = await import('../api/server');"),
    file('stores/j.ts', "type T = import('../workers/run-worker').RunningWorker;"),
    file('newfolder/k.ts', "export const k = 1;"),
  ]);
  expect(found.map((v) => v.split(':')[0])).toEqual(['api/a.ts', 'cli/b.ts', 'client/c.ts', 'activities/d.ts', 'domain/e.ts', 'domain/f.ts', 'workflows/g.ts', 'workflows/h.ts', 'config/i.ts', 'stores/j.ts', 'newfolder/k.ts']);
  expect(found[5]).toContain('not node:fs');
  // What is allowed passes: types of the activities in workflows, a lower layer, an own file, a listed package.
  expect(
    violations([
      file('workflows/l.ts', "import type { Activities } from '../activities';\nimport { type Assessment } from '../activities/assess-contract';"),
      file('api/m.ts', "import { LocalFolderProjectionStore } from '../stores/evidence-store';\nimport { x } from './n';"),
      file('domain/o.ts', "import { z } from 'zod';\nimport { createHash } from 'node:crypto';"),
    ]),
  ).toEqual([]);
  expect(importsOf('x.ts', "import a, { type B } from './a';\nexport type { C } from './c';").map((r) => r.typeOnly)).toEqual([false, true]);
});
