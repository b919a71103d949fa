/**
 * Where the system of record is: HUIFANG_DATABASE_URL (any PostgreSQL: a cluster's own, a managed
 * one), else the embedded server `npm start` runs (embedded-postgres.ts): its data in data/postgres
 * (HUIFANG_EMBEDDED_PG_DIR), on 127.0.0.1:5433 (HUIFANG_EMBEDDED_PG_PORT), database `huifang`. The CLI
 * and a worker started alone find `npm start`'s database the same way.
 */
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export const EMBEDDED_USER = 'huifang';
// Local only: the server listens on 127.0.0.1; the password keeps other local users out.
export const EMBEDDED_PASSWORD = 'huifang-local';

export interface EmbeddedLocation {
  dataDir: string;
  port: number;
  database: string;
}

export function embeddedLocationFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedLocation {
  const port = Number(env.HUIFANG_EMBEDDED_PG_PORT ?? 5433);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`HUIFANG_EMBEDDED_PG_PORT must be a port number, not '${env.HUIFANG_EMBEDDED_PG_PORT}'`);
  return { dataDir: resolve(env.HUIFANG_EMBEDDED_PG_DIR ?? resolve(ROOT, 'data', 'postgres')), port, database: 'huifang' };
}

export function embeddedServerUrl(port: number, database = 'postgres'): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** HUIFANG_DATABASE_URL, else the embedded server's database. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HUIFANG_DATABASE_URL) return env.HUIFANG_DATABASE_URL;
  const { port, database } = embeddedLocationFromEnv(env);
  return embeddedServerUrl(port, database);
}
