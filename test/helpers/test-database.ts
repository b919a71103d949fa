/**
 * A database of its own for a test file, on the run's PostgreSQL (postgres-global-setup.ts), migrated
 * to the latest schema, dropped at the end. `useTestDatabase()` does it around the file's tests.
 */
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, migrateToLatest, openDatabase, withDatabaseName, type EvidenceDb } from '../../stores/database/database';
import { EvidenceStore } from '../../stores/evidence-store';
import { evidenceKeptUntil } from '../../domain/retention';
import { loadSettings } from '../../config/settings';
import { generateKeyring } from '../../client/payload-keys';
import type { WrappingKeys } from '../../stores/personal-data-cipher';

export interface TestDatabase {
  url: string;
  db: EvidenceDb;
  store: EvidenceStore;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env.HUIFANG_TEST_DATABASE_URL;
  if (!url) throw new Error('HUIFANG_TEST_DATABASE_URL is not set: the tests run under jest, whose global setup starts PostgreSQL');
  return url;
}

/** `keys`: the payload keyring that wraps each policy's data key (the harness's; a fresh one by default). */
export async function createTestDatabase(keys: WrappingKeys = generateKeyring()): Promise<TestDatabase> {
  const url = withDatabaseName(testServerUrl(), `t_${randomBytes(6).toString('hex')}`);
  await ensureDatabase(url);
  const db = openDatabase(url, { max: 4 });
  await migrateToLatest(db);
  const settings = loadSettings();
  const store = new EvidenceStore(db, {
    keys,
    timeZone: settings.timeZone,
    keptUntil: (c) => evidenceKeptUntil(c.issuedOn, c.termMonths, settings.retention),
  });
  return {
    url,
    db,
    store,
    drop: async () => {
      await db.destroy();
      await dropDatabase(url);
    },
  };
}

/** A fresh database for this file: `current()` inside tests. */
export function useTestDatabase(): { current: () => TestDatabase } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    current: () => {
      if (!database) throw new Error('the test database is made in beforeAll');
      return database;
    },
  };
}
