/**
 * The folders of huifang and which may import which: the one statement of the layering, checked by
 * test/layers.test.ts against every import (static, re-export, `import()`, `require`) and shown in
 * the README's Architecture section (`npx tsx scripts/layers.ts` prints the block).
 *
 * Folders come in layers, bottom first; a folder imports only folders of layers below its own (the
 * top layer's programs also each other). The one edge upwards is a type: workflows `import type`
 * the Activities interface (and its argument and result types) from activities/, which the workflow
 * bundle never contains. activities/ holds the activities only: only workers/ (and tests) import it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface Folder {
  folder: string;
  /** Project folders it may import (besides itself); 'any' for the tests, which reach every layer. */
  imports: readonly string[] | 'any';
  /** Project folders it may import types from only (`import type`, or every name marked `type`). */
  importsTypes?: readonly string[];
  /** When set, the only packages it may import (Node built-ins as `node:…`); otherwise any package. */
  packages?: readonly string[];
  /** Why it sits where it does, for the README. */
  note?: string;
}

export interface Layer {
  folders: readonly Folder[];
  /** The folders of this layer may import each other (the programs at the top). */
  peers?: boolean;
}

export const LAYERS: readonly Layer[] = [
  {
    folders: [
      { folder: 'domain', imports: [], packages: ['zod', 'date-fns', '@date-fns/tz', 'node:crypto'], note: 'the business, pure' },
      { folder: 'web', imports: [], note: 'the staff pages: the API over HTTP only' },
    ],
  },
  { folders: [{ folder: 'config', imports: ['domain'] }] },
  {
    folders: [
      { folder: 'workflows', imports: ['domain'], importsTypes: ['activities'], packages: ['@temporalio/workflow', '@temporalio/common', 'async-mutex'], note: 'deterministic code' },
      { folder: 'stores', imports: ['domain'] },
      { folder: 'documents', imports: ['domain'] },
      { folder: 'notifications', imports: ['domain'] },
    ],
  },
  {
    folders: [
      { folder: 'call-center', imports: ['domain', 'stores'] },
      { folder: 'client', imports: ['domain', 'workflows'] },
    ],
  },
  { folders: [{ folder: 'activities', imports: ['domain', 'config', 'stores', 'documents', 'notifications', 'call-center'] }] },
  { folders: [{ folder: 'workers', imports: ['domain', 'config', 'workflows', 'stores', 'notifications', 'call-center', 'activities', 'client'] }] },
  { folders: [{ folder: 'api', imports: ['domain', 'config', 'workflows', 'stores', 'documents', 'notifications', 'client'] }] },
  {
    peers: true,
    folders: [
      { folder: 'cli', imports: ['domain', 'config', 'workflows', 'stores', 'documents', 'client', 'workers', 'demo'] },
      { folder: 'demo', imports: ['domain', 'config', 'workflows', 'stores', 'notifications', 'call-center', 'client', 'workers', 'cli', 'bench'] },
      { folder: 'bench', imports: ['domain', 'config', 'workflows', 'stores', 'documents', 'notifications', 'call-center', 'client', 'workers', 'api', 'scripts'] },
      { folder: 'scripts', imports: ['domain', 'config', 'stores', 'client', 'workers', 'api', 'test'] },
      { folder: 'test', imports: 'any' },
    ],
  },
];

/**
 * Files allowed a package their folder otherwise may not import, each with the reason. Kept short:
 * an entry is a debt to pay, not a rule.
 */
export const EXCEPTIONS: readonly { file: string; packages: readonly string[]; why: string }[] = [
  {
    file: 'domain/working-day-calendar.ts',
    packages: ['node:fs', 'node:path'],
    why: 'WorkingDayCalendar.fromDirectory reads config/calendar/*.json; the loading belongs in config/',
  },
];

const FOLDERS = new Map(LAYERS.flatMap((layer, level) => layer.folders.map((f) => [f.folder, { ...f, level, peers: !!layer.peers }] as const)));

/** One import of a file: what it names, whether only types, and the line. */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** Every module a source file refers to: imports, re-exports, `import()`, `require()`, `require.resolve()`, `import('…')` types. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : undefined);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (literal && ts.isStringLiteralLike(literal)) refs.push({ specifier: literal.text, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        !!clause && (clause.isTypeOnly || (!clause.name && !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (!!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier, typeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      if (isImport || isRequire || isResolve) add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

/** The project folder a path (relative to the root) lies in; undefined for a file at the root. */
function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts.length > 1 ? parts[0] : undefined;
}

/** The package an import names: `@scope/name` or `name` (subpaths dropped); Node built-ins as `node:…`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return !name.startsWith('node:') && BUILTINS.has(name) ? `node:${name}` : name;
}
const BUILTINS = new Set(builtinModules);

/** The imports of `files` (paths relative to the root, with their text) that the layers forbid, one line each. */
export function violations(files: readonly { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path);
    if (from === undefined) continue;
    const rules = FOLDERS.get(from);
    if (!rules) {
      found.push(`${path}: folder ${from}/ is in no layer: place it in scripts/layers.ts`);
      continue;
    }
    const exception = EXCEPTIONS.find((e) => e.file === path);
    for (const ref of importsOf(path, text)) {
      const where = `${path}:${ref.line}`;
      if (ref.specifier.startsWith('.')) {
        const target = relative('.', join(dirname(path), ref.specifier));
        const to = folderOf(target) ?? (target === '' || target.startsWith('..') ? '(outside)' : target);
        if (to === from || rules.imports === 'any') continue;
        if (rules.imports.includes(to)) continue;
        if (ref.typeOnly && rules.importsTypes?.includes(to)) continue;
        const typesToo = rules.importsTypes?.includes(to) ? ' (types only, with `import type`)' : '';
        found.push(`${where}: ${from}/ may not import ${to}/${typesToo} ('${ref.specifier}')`);
      } else if (rules.packages) {
        const pkg = packageOf(ref.specifier);
        if (ref.typeOnly || rules.packages.includes(pkg) || exception?.packages.includes(pkg)) continue;
        found.push(`${where}: ${from}/ may import only ${rules.packages.join(', ')}, not ${pkg}`);
      }
    }
  }
  return found;
}

/** Where the declared graph is not layered: an import of a folder not below (or, at the top, beside) its own. */
export function graphProblems(): string[] {
  const problems: string[] = [];
  for (const [name, rules] of FOLDERS) {
    if (rules.imports === 'any' && !(rules.level === LAYERS.length - 1 && rules.peers)) problems.push(`${name} → any: only the top layer may import any folder`);
    for (const to of [...(rules.imports === 'any' ? [] : rules.imports), ...(rules.importsTypes ?? [])]) {
      const target = FOLDERS.get(to);
      if (!target) problems.push(`${name} → ${to}: no such folder in the layers`);
      else if (rules.importsTypes?.includes(to)) continue; // the one edge upwards, types only
      else if (target.level > rules.level || (target.level === rules.level && !rules.peers)) problems.push(`${name} → ${to}: not a layer below`);
    }
  }
  return problems;
}

const SKIP = new Set(['node_modules', 'dist', 'data', 'histories']);

/** Every source file below `root` (TypeScript and JavaScript), with its path relative to `root`. */
export function sourceFiles(root: string): { path: string; text: string }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      if (name.startsWith('.') || SKIP.has(name)) return [];
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return walk(full);
      return /\.(ts|tsx|js|cjs|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
    });
  return walk(root).map((full) => ({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') }));
}

/** The README's block: each layer, top first, and what its folders may import. */
export function layersBlock(): string {
  const width = Math.max(...[...FOLDERS.keys()].map((f) => f.length)) + 1;
  const lines = LAYERS.map((layer, level) => [
    `layer ${level}${layer.peers ? ', the programs (they may import each other)' : ''}`,
    ...layer.folders.map((f) => {
      const may = f.imports === 'any' ? ['any folder'] : [...f.imports, ...(f.importsTypes ?? []).map((t) => `${t} (import type only)`)];
      const packages = f.packages ? `; of packages only ${f.packages.join(', ')}` : '';
      const note = f.note ? `  (${f.note})` : '';
      return `  ${`${f.folder}/`.padEnd(width)} → ${may.length ? may.join(', ') : 'nothing of the project'}${packages}${note}`;
    }),
  ]).reverse();
  const exceptions = EXCEPTIONS.map((e) => `exception: ${e.file} imports ${e.packages.join(', ')}: ${e.why}`);
  return ['```', ...lines.flat(), ...exceptions, '```'].join('\n');
}

if (require.main === module) {
  console.log(layersBlock());
  const root = resolve(__dirname, '..');
  const found = [...graphProblems(), ...violations(sourceFiles(root))];
  for (const v of found) console.error(v);
  process.exitCode = found.length ? 1 : 0;
}
