/**
 * The system of record for a bench or drill run: a fresh database on the PostgreSQL of
 * HUIFANG_TEST_DATABASE_URL (under jest) or HUIFANG_BENCH_DATABASE_URL, else on an embedded server
 * started for the run in a temporary folder (stopped by `release`).
 */
import { freePort } from './dev-server';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, migrateToLatest, openDatabase, withDatabaseName } from '../stores/database/database';
import { startEmbeddedPostgres, type RunningPostgres } from '../stores/database/embedded-postgres';

export interface BenchDatabase {
  /** A migrated database of its own. */
  url: string;
  release(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  let server: RunningPostgres | undefined;
  let base = process.env.HUIFANG_TEST_DATABASE_URL ?? process.env.HUIFANG_BENCH_DATABASE_URL;
  if (!base) {
    server = await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), 'huifang-bench-pg-')), 'data'), port: await freePort(), persistent: false });
    base = server.url;
  }
  const url = withDatabaseName(base, `bench_${randomBytes(5).toString('hex')}`);
  await ensureDatabase(url);
  const db = openDatabase(url, { max: 1 });
  await migrateToLatest(db).finally(() => db.destroy());
  return {
    url,
    async release() {
      if (server) await server.stop();
      else await dropDatabase(url);
    },
  };
}
