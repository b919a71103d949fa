/**
 * `npm run faults`: the fault drills of bench/fault-drills.ts at full size, one after the other on one
 * dev server, with the figures printed and written to bench/results/faults-<time>.json.
 *
 *   npm run faults                          # 1,000 policies for the worker and server restarts
 *   npm run faults -- --policies 300 --only worker,server
 *
 * Flags: --policies N (1000; the outage drill runs N/5, the SMTP drill N/50 level-1 tickets),
 * --only worker,server,storage,smtp, --out file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDrillHarness, serverRestart, smtpLate, storageOutage, workerRestart, type DrillReport, type SmtpDrillReport } from './fault-drills';
import { log } from './stats';

const { values } = parseArgs({
  options: {
    policies: { type: 'string', default: '1000' },
    only: { type: 'string', default: 'worker,server,storage,smtp' },
    out: { type: 'string' },
  },
});
const n = Number(values.policies);
const only = new Set(values.only!.split(','));
const MINUTES = 60_000;

async function main(): Promise<void> {
  log(`fault drills: ${n} policies (${[...only].join(', ')})`);
  const h = await createDrillHarness();
  const reports: DrillReport[] = [];
  const run = async (name: string, drill: () => Promise<DrillReport>) => {
    if (!only.has(name)) return;
    log(`${name}…`);
    const report = await drill();
    reports.push(report);
    log(describe(report));
  };
  try {
    await run('worker', () => workerRestart(h, { policies: n, stopAfter: Math.ceil(n / 10), downMs: 5000, timeoutMs: 30 * MINUTES }));
    await run('server', () => serverRestart(h, { policies: n, restartAfter: Math.ceil(n / 10), downMs: 5000, timeoutMs: 30 * MINUTES }));
    await run('storage', () => storageOutage(h, { policies: Math.ceil(n / 5), downMs: 30_000, timeoutMs: 15 * MINUTES }));
    await run('smtp', () => smtpLate(h, { policies: Math.max(3, Math.ceil(n / 50)), lateMs: 20_000, timeoutMs: 15 * MINUTES }));
  } finally {
    await h.close();
  }
  const mailLost = (r: DrillReport) => 'createdMailPerTicket' in r && Object.values((r as SmtpDrillReport).createdMailPerTicket).some((c) => c !== 1);
  // Across a server restart an attempt may be handed over twice (dialled once): reported, not a failure.
  const handedTwice = (r: DrillReport) => r.attemptsPlacedTwice > 0 && !r.drill.startsWith('dev server');
  const failed = reports.filter((r) => r.completed !== r.policies || r.deliveryFailures > 0 || handedTwice(r) || mailLost(r));
  const json = JSON.stringify({ at: new Date().toISOString(), policies: n, reports }, null, 2);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const out = values.out ?? join(dir, `faults-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, json);
  log(`results: ${out}`);
  console.log('\n=== fault drills ===');
  for (const r of reports) console.log(`  ${failed.includes(r) ? 'FAIL' : 'PASS'}  ${describe(r)}`);
  process.exitCode = failed.length ? 1 : 0;
}

function describe(r: DrillReport): string {
  const mail = 'createdMailPerTicket' in r ? (r as SmtpDrillReport).createdMailPerTicket : undefined;
  const mailNote = mail ? `; ${Object.values(mail).filter((c) => c === 1).length}/${Object.keys(mail).length} tickets' mail delivered exactly once` : '';
  const others = Object.entries(r.otherStages).map(([s, c]) => `${c} ${s}`).join(', ');
  return (
    `${r.drill}: ${r.completed}/${r.policies} completed${others ? ` (${others})` : ''}, ${r.inFlightAtFault} in flight at the fault, ` +
    `fault ${Math.round(r.faultMs / 100) / 10} s; ${r.attempts} attempts, ${r.attemptsPlacedTwice} handed over twice (dialled once); ` +
    `${r.deliveryRetries} deliveries retried (${r.earlyOutcomes} outcomes before the attempt was known), ${r.deliveryFailures} given up, so far; ${Math.round(r.totalMs / 1000)} s in all${r.notes.length ? `; ${r.notes.join('; ')}` : ''}${mailNote}`
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
