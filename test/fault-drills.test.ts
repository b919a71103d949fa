/**
 * Fault tests on the dev server (bench/fault-drills.ts, small here; `npm run faults` runs them at
 * 1,000 policies): a worker replaced mid-flight, the server restarted on its SQLite file, recording
 * storage down, the mail server late. Each time every policy completes, nothing the call center
 * reports is lost, and (but across a server restart) no attempt is handed to it twice.
 */
import { createDrillHarness, serverRestart, smtpLate, storageOutage, workerRestart, type DrillHarness, type DrillReport } from '../bench/fault-drills';

let h: DrillHarness;

beforeAll(async () => {
  h = await createDrillHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** `handedOverOnce`: no attempt went to the call center twice (true unless a workflow task was lost with the server). */
function expectNothingLost(report: DrillReport, handedOverOnce = true): void {
  if (process.env.DRILL_VERBOSE) console.log(JSON.stringify(report));
  expect(report.otherStages).toEqual({});
  expect(report.completed).toBe(report.policies);
  // One clean call per policy, and no outcome or recording the call center had to give up on.
  expect(report.attempts).toBe(report.policies);
  expect(report.deliveryFailures).toBe(0);
  if (handedOverOnce) expect(report.attemptsPlacedTwice).toBe(0);
}

test('a worker stopped with 150 policies in flight: a new worker completes every one, no attempt placed twice', async () => {
  const report = await workerRestart(h, { policies: 150, stopAfter: 10, downMs: 2000, timeoutMs: 240_000 });
  expectNothingLost(report);
  // Read from each workflow's close time: at least the 10 the stop waited for had closed before it.
  expect(report.inFlightAtFault).toBeGreaterThan(50);
  expect(report.inFlightAtFault).toBeLessThanOrEqual(150 - 10);
}, 300_000);

test('the dev server restarted on its SQLite file: every open workflow carries on', async () => {
  const report = await serverRestart(h, { policies: 100, restartAfter: 10, downMs: 2000, timeoutMs: 240_000 });
  // A workflow task in flight when the server went away is retried with its local activities: an
  // attempt may reach the call center twice, and is dialled once (bench/call-center.ts).
  expectNothingLost(report, false);
  expect(report.inFlightAtFault).toBeGreaterThan(20);
  expect(report.inFlightAtFault).toBeLessThanOrEqual(100 - 10);
}, 300_000);

test('recording storage down for a while: the checks are retried and every policy completes', async () => {
  const report = await storageOutage(h, { policies: 20, downMs: 6000, timeoutMs: 180_000 });
  expectNothingLost(report);
  expect(report.inFlightAtFault).toBe(20); // storage was down before the first policy started
  expect(report.notes[0]).toMatch(/^[1-9]\d* recording checks failed/);
}, 240_000);

test('the SMTP server starts late: each ticket mail is delivered once it is up, and the policies complete', async () => {
  const report = await smtpLate(h, { policies: 3, lateMs: 8000, timeoutMs: 120_000 });
  expectNothingLost({ ...report, attempts: report.attempts / 2 }); // the ticket's confirming call is the second attempt
  expect(report.tickets).toBe(3);
  expect(Object.values(report.createdMailPerTicket)).toEqual([1, 1, 1]);
}, 240_000);
