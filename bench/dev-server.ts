/**
 * The benchmark's own Temporal dev server: the CLI from the project toolchain, on free ports, with a
 * fresh SQLite file in WAL mode (as `npm start` runs it), headless. Deleted when the bench ends; the
 * fault drills restart it on the same file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { Client as PgClient } from 'pg';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { startTemporalCluster } from '../scripts/temporal-cluster';
import { toolchainPaths } from '../scripts/toolchain-paths';

export interface BenchServer {
  address: string;
  dbFile: string;
  process: ChildProcess;
  /** Stops the server, waits `downMs`, and starts it again on the same ports and SQLite file. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** What the server keeps on disk now, in bytes: the SQLite file and its WAL, or the PostgreSQL databases. */
  storageBytes(): Promise<Record<string, number>>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startBenchServer(): Promise<BenchServer> {
  const cli = toolchainPaths().temporalCli;
  const dir = mkdtempSync(join(tmpdir(), 'huifang-bench-db-'));
  const dbFile = join(dir, 'temporal.db');
  // Ports found free can be taken by another process before the server binds them: then try new ones.
  for (let attempt = 1; ; attempt++) {
    const args = await startDevArgs(dbFile);
    try {
      return benchServer(cli, args, dir, dbFile, await spawnServer(cli, args, addressOf(args)));
    } catch (err) {
      if (attempt >= 3 || !/address already in use|bind/i.test(String(err))) throw err;
    }
  }
}

async function startDevArgs(dbFile: string): Promise<string[]> {
  return [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(await freePort()),
    '--http-port', String(await freePort()),
    '--metrics-port', String(await freePort()),
    '--db-filename', dbFile,
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--headless',
    '--log-level', 'error',
  ];
}

const addressOf = (args: string[]) => `127.0.0.1:${args[args.indexOf('--port') + 1]}`;

function benchServer(cli: string, args: string[], dir: string, dbFile: string, started: ChildProcess): BenchServer {
  const address = addressOf(args);
  const server: BenchServer = {
    address,
    dbFile,
    process: started,
    async restart(downMs = 0) {
      await terminate(server.process);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      // Same ports, same SQLite file: clients and workers reconnect to what they knew.
      server.process = await spawnServer(cli, args, address);
    },
    async stop() {
      await terminate(server.process);
      rmSync(dir, { recursive: true, force: true });
    },
    async storageBytes() {
      const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
      return { sqlite: size(dbFile) + size(`${dbFile}-wal`) };
    },
  };
  return server;
}

async function spawnServer(cli: string, args: string[], address: string): Promise<ChildProcess> {
  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited (code ${child.exitCode}): ${stderr}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return child;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the Temporal dev server did not answer within 60s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** SIGTERM (the server shuts down cleanly and checkpoints its SQLite file), SIGKILL after 10 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The production-shaped Temporal for `npm run bench -- --server cluster`: the server on PostgreSQL
 * (scripts/temporal-cluster.ts) on ports of its own, deleted when stopped. `dbFile` names a file in a
 * temp folder of its own (removed with it); the database's size is PostgreSQL's, not a file's.
 */
export async function startClusterBenchServer(): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'huifang-bench-cluster-'));
  const cluster = await startTemporalCluster({ dir, frontendPort: 7533, postgresPort: 5436, persistent: false });
  return {
    address: cluster.address,
    dbFile: join(dir, 'no-sqlite-file'),
    process: cluster.server,
    async restart() {
      throw new Error('the fault drills restart the dev server only');
    },
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async storageBytes() {
      const pg = new PgClient({ connectionString: cluster.postgres.url });
      await pg.connect();
      try {
        const { rows } = await pg.query<{ name: string; bytes: string }>(
          "select datname as name, pg_database_size(datname)::text as bytes from pg_database where datname in ('temporal', 'temporal_visibility')",
        );
        return Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
      } finally {
        await pg.end();
      }
    },
  };
}
