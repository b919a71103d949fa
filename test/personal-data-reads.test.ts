/**
 * Personal-data reads are logged and limited (issue 16, point 8): every read of a policyholder's
 * name and number, served or refused, is a row in the system of record (who, what, when, through
 * which request) before anything is shown; the call center sees it only while there is a call to
 * make; one person is shown a bounded number per hour; a read that cannot be logged is not served;
 * ops read the log.
 */
import type { InjectOptions } from 'fastify';
import { buildApi } from '../api/server';
import { reasonLabelsOf } from '../documents/format';
import { CALL_CENTER_STAGES, personalDataRefusal } from '../domain/personal-data-access';
import { CALLBACK_STAGES } from '../domain/callback-state';
import { startApiHarness, type ApiHarness } from './helpers/api-harness';
import { aContract } from './helpers/contracts';
import { eventually } from './helpers/eventually';

let harness: ApiHarness;
beforeAll(async () => {
  harness = await startApiHarness();
});
afterAll(async () => {
  await harness?.close();
});

const AGENT = { role: 'agent' as const, id: 'A10086' };
const TIER3 = { role: 'tier3' as const, id: 'T3-LI', office: 'SH-PD' };

test('the call center is shown a policyholder only in the stages with a call to make', () => {
  expect(CALLBACK_STAGES.filter((s) => !personalDataRefusal('P1', s))).toEqual([...CALL_CENTER_STAGES]);
  expect(personalDataRefusal('P1', 'COMPLETED')).toBe(
    "the callback of policy P1 is COMPLETED, with no call to make: its policyholder's details are shown to the call center only in AWAITING_CALL, CALLING, AWAITING_RECORDING, UNRESOLVED",
  );
  for (const closed of ['NOT_REQUIRED', 'WAIVED', 'REFUSED', 'CLOSED_BY_BRANCH', 'ASSESSING'] as const) expect(personalDataRefusal('P1', closed)).toBeDefined();
});

test('every read is logged before it is served, refusals too; a closed callback is refused; the hourly limit holds; ops read the log; no log, no data', async () => {
  const { h, users, api } = harness;
  const contract = aContract({ policyholder: { name: '司马相如', phone: '13955556666', idNumber: '110101199003074514' } });
  const as = (app: typeof api, username: 'cc-sh' | 'ops' | 't3-shpd', req: InjectOptions) => app.inject({ ...req, headers: { ...req.headers, ...users.headers(username) } });
  const read = (app = api) => as(app, 'cc-sh', { method: 'GET', url: `/v1/callbacks/${contract.policyNo}/policyholder` });
  const log = async () => (await as(api, 'ops', { method: 'GET', url: `/v1/audit/personal-data-reads?policyNo=${contract.policyNo}` })).json();

  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    await eventually('the policy in the system of record, awaiting its call', async () => ((await h.evidence.callbackState(contract.policyNo))?.state.stage === 'AWAITING_CALL' ? true : undefined), 30_000);

    const served = await read();
    expect(served.statusCode).toBe(200);
    expect(served.json()).toMatchObject({ name: '司马相如', phone: '13955556666' });
    const first = await log();
    expect(first.count).toBe(1);
    expect(first.reads[0]).toEqual({
      at: expect.any(String),
      username: 'cc-sh',
      role: 'call-center',
      office: 'SH',
      policyNo: contract.policyNo,
      fields: ['policyholder.name', 'policyholder.phone', 'agent.name'],
      route: 'GET /v1/callbacks/:policyNo/policyholder',
      requestId: served.headers['x-request-id'],
      outcome: 'served',
    });
    // The log itself holds no personal data.
    const rows = await h.database.db.selectFrom('personal_data_reads').selectAll().execute();
    for (const value of ['司马相如', '13955556666', '110101199003074514']) expect(JSON.stringify(rows)).not.toContain(value);
    // Only ops read the log.
    expect((await as(api, 't3-shpd', { method: 'GET', url: '/v1/audit/personal-data-reads' })).statusCode).toBe(403);

    // One person, a bounded number an hour: beyond it a 429, logged as refused.
    const strict = buildApi({ huifang: h.huifang, auth: users.auth, reasonLabels: reasonLabelsOf(h.settings.transferReasons), compliance: { evidence: h.evidence, timeZone: h.settings.timeZone, maxShare: h.settings.fallback.maxShare }, personalDataReadsPerHour: 2 });
    try {
      expect((await read(strict)).statusCode).toBe(200);
      const over = await read(strict);
      expect([over.statusCode, over.headers['retry-after']]).toEqual([429, '600']);
      expect(over.json().message).toBe('cc-sh was shown 2 policyholders in the last hour, the most one person may be: try again later or ask ops');
      expect(over.body).not.toContain('13955556666');
    } finally {
      await strict.close();
    }
    expect((await log()).reads[0]).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('in the last hour') });

    // Closed (waived): no call to make, so no details; the refusal is logged.
    const statementRef = `statements/${contract.policyNo}/waiver.pdf`;
    await h.documents.save(statementRef, Buffer.from('%PDF-1.4 waiver'));
    await h.huifang.reportWaiver(contract.policyNo, { statementRef, actor: AGENT });
    await h.huifang.decideWaiver(contract.policyNo, { accepted: true, actor: TIER3 });
    await eventually('WAIVED on record', async () => ((await h.evidence.callbackState(contract.policyNo))?.state.stage === 'WAIVED' ? true : undefined), 30_000);
  });
  const closed = await read();
  expect(closed.statusCode).toBe(403);
  expect(closed.json().message).toMatch(new RegExp(`^the callback of policy ${contract.policyNo} is WAIVED, with no call to make`));
  expect(closed.body).not.toContain('13955556666');
  const after = await log();
  expect(after.reads.map((r: { outcome: string }) => r.outcome)).toEqual(['refused', 'refused', 'served', 'served']);

  // A read that cannot be logged is not served.
  await h.database.db.schema.alterTable('personal_data_reads').renameTo('personal_data_reads_away').execute();
  try {
    const other = aContract();
    await h.withWorker(async () => {
      await h.huifang.startCallback(other);
      await eventually('awaiting its call on record', async () => ((await h.evidence.callbackState(other.policyNo))?.state.stage === 'AWAITING_CALL' ? true : undefined), 30_000);
    });
    const unlogged = await as(api, 'cc-sh', { method: 'GET', url: `/v1/callbacks/${other.policyNo}/policyholder` });
    expect(unlogged.statusCode).toBe(503);
    expect(unlogged.json().message).toMatch(/^the read could not be logged .*: personal data is not shown unlogged; try again$/);
    expect(unlogged.body).not.toContain(other.policyholder.phone!);
  } finally {
    await h.database.db.schema.alterTable('personal_data_reads_away').renameTo('personal_data_reads').execute();
  }
});
