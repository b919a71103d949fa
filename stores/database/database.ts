/**
 * The connection to the system of record: PostgreSQL, by URL (HUIFANG_DATABASE_URL; `npm start`
 * runs an embedded one when it is not set), through Kysely, a typed query builder over `pg`: the
 * queries are checked against schema.ts by the compiler, with no code generation step and no ORM
 * between us and the SQL an auditor may want to read.
 */
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations';
import type { Database } from './schema';

export type EvidenceDb = Kysely<Database>;

const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/** Dates stay YYYY-MM-DD, instants become ISO strings, bigint counts numbers (sizes and ids fit). */
function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  switch (oid) {
    case OID.date:
      return (v) => v;
    case OID.timestamptz:
    case OID.timestamp:
      return (v) => new Date(v).toISOString();
    case OID.int8:
      return (v) => Number(v);
    default:
      return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  }
}

export interface DatabaseOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Applies to each statement, so a stuck query fails rather than hangs (default 30 s). */
  statementTimeoutMs?: number;
}

export function openDatabase(url: string, options: DatabaseOptions = {}): EvidenceDb {
  if (!url) throw new Error('HUIFANG_DATABASE_URL is empty: give the PostgreSQL URL of the system of record');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    types: { getTypeParser: typeParser as never },
  });
  // An idle connection the server ended (a restart, a failover) is an 'error' on the pool: without a
  // listener it would end the process. The pool drops that connection; the next query opens another.
  pool.on('error', (err) => console.warn(`[huifang] database connection lost: ${err.message}`));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Brings the schema to the latest migration; fails with the migration's name and error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? 'failed');
    throw new Error(`database migration${failed ? ` ${failed.migrationName}` : 's'} failed: ${cause}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}

/** The URL with a different database name (tests, the bench: one database each). */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates a database on the server of `url` (connecting to its `postgres` database) unless it exists. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name '${name}' must be lower-case letters, digits and _`);
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    // Two processes creating it at once: the loser's error is the winner's success.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end();
  }
}

/** Drops a database (tests); connections to it are ended first. */
export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
