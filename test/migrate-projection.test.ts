/**
 * `huifang migrate-projection`: a JSON projection folder (the old folder store's) into the system of
 * record: bad files reported with the field and skipped, a re-run changes nothing, a newer revision
 * in the database is never replaced by the older file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/main';
import type { CallbackRecord, TicketRecord } from '../domain/callback-record';
import { generateKeyring } from '../client/payload-keys';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';

const org = { branch: 'SH', centralSubBranch: 'SH-PD', tier4Office: 'SH-PD-01', agentCode: 'A001' };

function callback(policyNo: string, over: Partial<CallbackRecord> = {}): CallbackRecord {
  return {
    policyNo,
    channel: 'agency',
    productType: 'traditional',
    regionCode: '310000',
    ...org,
    issuedOn: '2026-10-02',
    receiptSignedOn: '2026-10-05',
    startedAt: '2026-10-05T02:00:00.000Z',
    required: true,
    decisionReason: 'R1: age 60 or over',
    coolingOffEndsAt: '2026-10-20T15:59:59.000Z',
    stage: 'COMPLETED',
    completedCallAt: '2026-10-06T02:10:00.000Z',
    completedBy: 'phone',
    attemptsMade: 1,
    ticketIds: [],
    closedAt: '2026-10-06T03:00:00.000Z',
    revision: 7,
    updatedAt: '2026-10-06T03:00:00.000Z',
    ...over,
  };
}

function ticket(ticketId: string, policyNo: string, over: Partial<TicketRecord> = {}): TicketRecord {
  return {
    ticketId,
    policyNo,
    type: 'level-2',
    reasons: ['contract-not-received'],
    ...org,
    openedAt: '2026-10-06T02:30:00.000Z',
    dispatchedAt: '2026-10-06T03:00:00.000Z',
    dueAt: '2026-10-09T09:00:00.000Z',
    overdue: false,
    revision: 2,
    updatedAt: '2026-10-06T03:00:00.000Z',
    ...over,
  };
}

describe('huifang migrate-projection', () => {
  let dir: string;
  let database: TestDatabase;

  const write = (kind: 'callbacks' | 'tickets', name: string, content: unknown) =>
    writeFileSync(join(dir, kind, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huifang-migrate-'));
    mkdirSync(join(dir, 'callbacks'));
    mkdirSync(join(dir, 'tickets'));
    write('callbacks', 'P001', callback('P001'));
    write('callbacks', 'P002', callback('P002', { stage: 'AWAITING_TICKET', completedCallAt: undefined, completedBy: undefined, closedAt: undefined, ticketIds: ['P002-T1'], revision: 4 }));
    write('callbacks', 'P003', callback('P003', { revision: 3 }));
    write('callbacks', 'P004', { ...callback('P004'), stage: 'FINISHED' }); // not a stage
    write('callbacks', 'P005', '{"policyNo": "P005", '); // cut short
    write('callbacks', 'P006', callback('P007')); // named for another policy
    write('tickets', 'P002-T1', ticket('P002-T1', 'P002'));
    write('tickets', 'P002-T2', { ...ticket('P002-T2', 'P002'), openedAt: '6 Oct 2026' });

    const keyring = generateKeyring();
    database = await createTestDatabase(keyring);
    // A newer revision already in the database (a workflow wrote it since): the file must not win.
    await database.store.putCallback(callback('P003', { stage: 'WAIVED', revision: 9 }));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      connect: () => Promise.reject(new Error('the migration needs no Temporal connection')),
      evidence: async () => database.store,
    });
    return { code, out, err };
  };
  const policies = async () =>
    (await database.db.selectFrom('policies').select(['policy_no', 'stage', 'revision', 'callback_month', 'tier4_office']).orderBy('policy_no').execute());
  const tickets = async () => await database.db.selectFrom('tickets').select(['ticket_id', 'policy_no', 'revision', 'opened_at']).orderBy('ticket_id').execute();

  test('--dry-run checks and compares, and writes nothing', async () => {
    const run = await cli(['migrate-projection', dir, '--dry-run']);
    expect(run.out).toBe('dry run, nothing written: read 8, to write 3, already there 1, refused 4\n');
    expect(run.code).toBe(1);
    expect(await policies()).toEqual([expect.objectContaining({ policy_no: 'P003', revision: 9 })]);
    expect(await tickets()).toEqual([]);
  });

  test('the good records load; each bad file is named with its field and skipped', async () => {
    const run = await cli(['migrate-projection', dir]);
    expect(run.out).toBe('read 8, written 3, already there 1, refused 4\n');
    expect(run.code).toBe(1);
    const refusals = run.err.trim().split('\n');
    expect(refusals).toHaveLength(4);
    expect(refusals).toContainEqual(expect.stringMatching(/^refused .*callbacks\/P004\.json: stage: /));
    expect(refusals).toContainEqual(expect.stringMatching(/^refused .*callbacks\/P005\.json: not readable JSON/));
    expect(refusals).toContainEqual(expect.stringMatching(/^refused .*callbacks\/P006\.json: policyNo: is 'P007', but the file is named for 'P006'$/));
    expect(refusals).toContainEqual(expect.stringMatching(/^refused .*tickets\/P002-T2\.json: openedAt: must be an ISO date-time/));

    expect(await policies()).toEqual([
      { policy_no: 'P001', stage: 'COMPLETED', revision: 7, callback_month: '2026-10', tier4_office: 'SH-PD-01' },
      { policy_no: 'P002', stage: 'AWAITING_TICKET', revision: 4, callback_month: '2026-10', tier4_office: 'SH-PD-01' },
      // The database's newer revision stays.
      { policy_no: 'P003', stage: 'WAIVED', revision: 9, callback_month: '2026-10', tier4_office: 'SH-PD-01' },
    ]);
    expect(await tickets()).toEqual([{ ticket_id: 'P002-T1', policy_no: 'P002', revision: 2, opened_at: '2026-10-06T02:30:00.000Z' }]);
    expect(await database.store.getCallback('P001')).toEqual(callback('P001'));
    expect((await database.store.listTickets({ tier4Office: 'SH-PD-01' })).map((t) => t.ticketId)).toEqual(['P002-T1']);
  });

  test('a second run changes nothing', async () => {
    const before = { policies: await policies(), tickets: await tickets() };
    const run = await cli(['migrate-projection', dir]);
    expect(run.out).toBe('read 8, written 0, already there 4, refused 4\n');
    expect({ policies: await policies(), tickets: await tickets() }).toEqual(before);
  });

  test('a fixed file, or a newer revision of one, loads on the next run', async () => {
    write('callbacks', 'P004', callback('P004'));
    write('callbacks', 'P001', callback('P001', { revision: 8, updatedAt: '2026-10-07T03:00:00.000Z' }));
    const run = await cli(['migrate-projection', dir]);
    expect(run.out).toBe('read 8, written 2, already there 3, refused 3\n');
    expect((await policies()).map((p) => [p.policy_no, p.revision])).toEqual([
      ['P001', 8],
      ['P002', 4],
      ['P003', 9],
      ['P004', 7],
    ]);
  });

  test('a folder without callbacks/ or tickets/ is refused as a whole', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'huifang-migrate-empty-'));
    try {
      const run = await cli(['migrate-projection', empty]);
      expect(run.code).toBe(2);
      expect(run.err).toContain('neither a callbacks/ nor a tickets/ folder');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    expect((await cli(['migrate-projection'])).code).toBe(2);
  });
});
