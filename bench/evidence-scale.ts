/**
 * The system of record at scale: on a database seeded by bench/seed-evidence.ts (10 million evidence
 * rows for the target), how long a branch-month compliance report takes (complianceFromEvidence, as
 * the API and `huifang report compliance` ask it), how long one policy's story takes, and how much
 * disk 1,000 policies need. Figures printed against their targets, not timed tests.
 *
 *   npx tsx bench/evidence-scale.ts --rows 10000000     seed a fresh database, measure, write bench/results/evidence-scale-<time>.json
 *
 * `npm run bench` runs it as its last phase (--evidence-rows N, default 1,000,000; --skip-evidence-scale).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { loadSettings } from '../config/settings';
import { generateKeyring } from '../client/payload-keys';
import { openEvidenceStore, type EvidenceStore } from '../stores/evidence-store';
import { complianceFromEvidence } from '../stores/evidence-queries';
import { createBenchDatabase } from './bench-database';
import { EVIDENCE_TABLES, ORG, SEED_MONTHS, printSeed, rowsFlag, seedEvidence, seededPolicyNo, type SeedResult } from './seed-evidence';
import { log, percentiles, type Percentiles } from './stats';

export const EVIDENCE_TARGETS = { complianceMs: 1000, storyMs: 50 } as const;

/** One policy's story as `GET /v1/callbacks/:policyNo` reads it for a closed policy: its latest state and its evidence. */
function storyOf(store: EvidenceStore, policyNo: string) {
  return Promise.all([store.callbackState(policyNo), store.story(policyNo)]);
}

export interface EvidenceScaleResult {
  seed: SeedResult;
  compliance: { samples: { office: string; month: string; ms: number; policies: number }[]; ms: Percentiles; note?: string };
  story: { samples: number; ms: Percentiles; storyFrom: string };
  size: { totalMB: number; perThousandPoliciesMB: number; byTableMB: Record<string, number>; databaseMB: number };
  targets: { id: string; what: string; target: string; value: string; pass: boolean | null }[];
}

export interface MeasureOptions {
  /** Stories read (random policies). */
  stories?: number;
  /** Stop sampling reports after this long (once 3 are in): a slow report at 10M rows must not eat the run. */
  complianceBudgetMs?: number;
}

/** Measures the database at `url`, seeded as `seed` says. */
export async function measureEvidenceScale(url: string, seed: SeedResult, options: MeasureOptions = {}): Promise<EvidenceScaleResult> {
  const settings = loadSettings();
  const store = await openEvidenceStore(url, { keys: generateKeyring('bench'), timeZone: settings.timeZone, retention: settings.retention, poolSize: 8 });
  try {
    // --- A branch-month's compliance report: every branch, the last three seeded months --------------
    const months = [SEED_MONTHS.count - 3, SEED_MONTHS.count - 2, SEED_MONTHS.count - 1].map((m) => monthOf(SEED_MONTHS.first, m));
    const cases = months.flatMap((month) => ORG.branches.map((b) => ({ office: b.code, month })));
    const budget = options.complianceBudgetMs ?? 120_000;
    log(`  compliance: ${cases.length} branch-months (${ORG.branches.map((b) => b.code).join(', ')} × ${months.join(', ')}), at most ${budget / 1000} s of them…`);
    const samples: EvidenceScaleResult['compliance']['samples'] = [];
    const began = performance.now();
    for (const c of cases) {
      if (samples.length >= 3 && performance.now() - began > budget) break;
      const t = performance.now();
      const figures = await complianceFromEvidence(store, { office: c.office, from: `${c.month}-01`, to: lastDayOf(c.month) }, { timeZone: settings.timeZone, maxShare: settings.fallback.maxShare });
      const ms = performance.now() - t;
      samples.push({ ...c, ms: Math.round(ms * 10) / 10, policies: figures.policies });
      log(`    ${c.office} ${c.month}: ${Math.round(ms)} ms (${figures.policies.toLocaleString('en')} policies, ${figures.tickets.opened.toLocaleString('en')} tickets)`);
      if (figures.policies === 0) throw new Error(`the report of ${c.office} ${c.month} found no policy: the seed and the report do not agree on the month`);
    }
    const compliance = {
      samples,
      ms: percentiles(samples.map((s) => s.ms)),
      note: samples.length < cases.length ? `stopped after ${samples.length} of ${cases.length} reports (budget ${budget / 1000} s)` : undefined,
    };

    // --- One policy's story: random policies ---------------------------------------------------------
    const n = options.stories ?? 1000;
    log(`  story: ${n} random policies of ${seed.policies.toLocaleString('en')}…`);
    const pick = () => seededPolicyNo(1 + Math.floor(Math.random() * seed.policies));
    for (let i = 0; i < 20; i++) await storyOf(store, pick()); // warm the pool's connections
    const storyMs: number[] = [];
    for (let i = 0; i < n; i++) {
      const policyNo = pick();
      const t = performance.now();
      const [state, story] = await storyOf(store, policyNo);
      storyMs.push(performance.now() - t);
      if (!state || !story) throw new Error(`no story for the seeded policy ${policyNo}`);
    }
    const story = { samples: n, ms: percentiles(storyMs), storyFrom: 'EvidenceStore.callbackState + EvidenceStore.story, as GET /v1/callbacks/:policyNo reads a closed policy' };

    // --- Size on disk -------------------------------------------------------------------------------
    const byTable: Record<string, number> = {};
    for (const table of EVIDENCE_TABLES) {
      const { rows } = await sql<{ bytes: string }>`SELECT pg_total_relation_size(${table}::regclass)::text AS bytes`.execute(store.db);
      byTable[table] = Number(rows[0].bytes);
    }
    const { rows: dbRows } = await sql<{ bytes: string }>`SELECT pg_database_size(current_database())::text AS bytes`.execute(store.db);
    const total = Object.values(byTable).reduce((a, b) => a + b, 0);
    const toMB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;
    const size = {
      totalMB: toMB(total),
      perThousandPoliciesMB: toMB((total / seed.policies) * 1000),
      byTableMB: Object.fromEntries(Object.entries(byTable).map(([k, v]) => [k, toMB(v)])),
      databaseMB: toMB(Number(dbRows[0].bytes)),
    };

    const scale = `${seed.totalRows.toLocaleString('en')} evidence rows`;
    const targets = [
      {
        id: 'compliance-branch-month',
        what: `branch-month compliance report at ${scale} (p95 of ${samples.length})`,
        target: `≤ ${EVIDENCE_TARGETS.complianceMs} ms`,
        value: `p50 ${compliance.ms.p50} ms, p95 ${compliance.ms.p95} ms`,
        pass: compliance.ms.p95 <= EVIDENCE_TARGETS.complianceMs,
      },
      {
        id: 'policy-story',
        what: `one policy's story at ${scale} (p95 of ${n})`,
        target: `≤ ${EVIDENCE_TARGETS.storyMs} ms`,
        value: `p50 ${story.ms.p50} ms, p95 ${story.ms.p95} ms`,
        pass: story.ms.p95 <= EVIDENCE_TARGETS.storyMs,
      },
    ];
    return { seed, compliance, story, size, targets };
  } finally {
    await store.close();
  }
}

export function printEvidenceScale(r: EvidenceScaleResult): void {
  const line = (k: string, v: string) => console.log(`  ${k.padEnd(36)} ${v}`);
  console.log('\n=== the system of record at scale ===');
  line('seeded', `${r.seed.totalRows.toLocaleString('en')} evidence rows, ${r.seed.policies.toLocaleString('en')} policies, in ${r.seed.seconds} s`);
  line('branch-month compliance report', `p50 ${r.compliance.ms.p50} ms, p95 ${r.compliance.ms.p95} ms, max ${r.compliance.ms.max} ms (${r.compliance.samples.length} reports${r.compliance.note ? `; ${r.compliance.note}` : ''})`);
  line("one policy's story", `p50 ${r.story.ms.p50} ms, p95 ${r.story.ms.p95} ms, p99 ${r.story.ms.p99} ms (${r.story.samples} policies)`);
  line('database size per 1,000 policies', `${r.size.perThousandPoliciesMB} MB (evidence tables ${r.size.totalMB} MB, database ${r.size.databaseMB} MB)`);
  line('', Object.entries(r.size.byTableMB).map(([k, v]) => `${k} ${v}`).join(', '));
  console.log('\n  targets:');
  for (const t of r.targets) console.log(`  [${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}] ${t.what}: ${t.value} (target ${t.target})`);
  console.log('');
}

/** Seeds a fresh database (HUIFANG_BENCH_DATABASE_URL, else an embedded server) with `rows` rows, measures, lets it go. */
export async function runEvidenceScale(rows: number, options: MeasureOptions = {}): Promise<EvidenceScaleResult> {
  log(`evidence at scale: seeding about ${rows.toLocaleString('en')} evidence rows (in SQL)…`);
  const database = await createBenchDatabase();
  try {
    const seed = await seedEvidence(database.url, rows);
    printSeed(seed);
    return await measureEvidenceScale(database.url, seed, options);
  } finally {
    await database.release();
  }
}

function monthOf(first: string, add: number): string {
  const d = new Date(`${first}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + add);
  return d.toISOString().slice(0, 7);
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const startedAt = new Date();
  const result = await runEvidenceScale(rowsFlag(argv));
  printEvidenceScale(result);
  const dir = resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `evidence-scale-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ benchmark: 'huifang evidence at scale', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), command: `npx tsx bench/evidence-scale.ts ${argv.join(' ')}`.trim(), ...result }, null, 2) + '\n');
  log(`results: ${out}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[bench] failed: ${(err as Error)?.stack ?? err}`);
    process.exit(1);
  });
}
