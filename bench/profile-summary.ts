/**
 * Where a worker's CPU went: `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]` prints self
 * time by function and by package from a `node --cpu-prof` profile (`npm run bench -- --profile`).
 */
import { existsSync, readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    // Workflow code runs from the bundle: name the module of the bundle that line belongs to.
    const bundled = bundleModuleAt(url.replace(/^file:\/\//, ''), lineNumber);
    const where = bundled ?? url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '');
    byFunction.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (byFunction.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + us);
    const pkg = packageOf(where, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${file}: ${(total / 1e6).toFixed(1)} s sampled`, '', 'by package / area:'];
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', `top ${top} functions (self time):`);
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v)}  ${k}`);
  return lines.join('\n');
}

const bundleMaps = new Map<string, { line: number; module: string }[] | null>();

/** `./node_modules/zod/v4/core/core.js` for a line of a webpack workflow bundle kept on disk; else undefined. */
function bundleModuleAt(path: string, line0: number): string | undefined {
  if (!/-workflows\.js$/.test(path)) return undefined;
  if (!bundleMaps.has(path)) {
    if (!existsSync(path)) bundleMaps.set(path, null);
    else {
      const starts: { line: number; module: string }[] = [];
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const m = /^\/\*\*\*\/ "([^"]+)"/.exec(text);
          if (m) starts.push({ line: i, module: m[1].replace(/^\.\//, '') });
        });
      bundleMaps.set(path, starts);
    }
  }
  const starts = bundleMaps.get(path);
  if (!starts) return undefined;
  let found: string | undefined;
  for (const s of starts) {
    if (s.line > line0) break;
    found = s.module;
  }
  return found ? `bundle:${found}` : 'bundle:(webpack runtime)';
}

function packageOf(where: string, fn: string): string {
  if (fn === '(garbage collector)') return '(garbage collector)';
  if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return fn;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (where.startsWith('bundle:')) {
    if (m) return `workflow bundle: ${m[1]}`;
    return `workflow bundle: ${/^bundle:([^/]+)\//.exec(where)?.[1] ?? where.slice(7)}`;
  }
  if (m) return m[1];
  if (where.startsWith('node:')) return 'node core';
  if (where === '') return '(native / V8)';
  if (/^(workflows|activities|domain|client|config|workers|api|bench)\//.test(where)) return `huifang ${where.split('/')[0]}/`;
  // Workflow code runs from the bundle (a vm script), not from its source file.
  if (/huifang-workflows\.js|bare-workflows\.js|^evalmachine|^\/tmp\//.test(where) || !where.includes('/')) return 'workflow bundle (vm)';
  return where;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(top ?? 25)));
}
