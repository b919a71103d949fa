/**
 * Jest's global setup: one real PostgreSQL for the whole run. HUIFANG_TEST_DATABASE_URL names an
 * existing server (CI with a service, a developer's own); otherwise an embedded one is started in a
 * temporary folder on a free port (as root it runs as the `postgres` user). Each test file makes
 * its own database on it (test-database.ts).
 */
import { freePort } from '../../bench/dev-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../stores/database/embedded-postgres';

declare global {
  // eslint-disable-next-line no-var
  var huifangTestPostgres: RunningPostgres | undefined;
}

export default async function setup(): Promise<void> {
  if (process.env.HUIFANG_TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'huifang-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), port: await freePort(), persistent: false });
  globalThis.huifangTestPostgres = server;
  process.env.HUIFANG_TEST_DATABASE_URL = server.url;
}
