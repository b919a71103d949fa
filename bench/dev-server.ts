/**
 * The benchmark's own Temporal dev server: the CLI from the project toolchain, on free ports, with a
 * fresh SQLite file in WAL mode (as `npm start` runs it), headless. Deleted when the bench ends; the
 * fault drills restart it on the same file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { toolchainPaths } from '../scripts/toolchain-paths';

export interface BenchServer {
  address: string;
  dbFile: string;
  process: ChildProcess;
  /** Stops the server, waits `downMs`, and starts it again on the same ports and SQLite file. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
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
  const port = await freePort();
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--http-port', String(await freePort()),
    '--metrics-port', String(await freePort()),
    '--db-filename', dbFile,
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    '--headless',
    '--log-level', 'error',
  ];
  const address = `127.0.0.1:${port}`;
  const server: BenchServer = {
    address,
    dbFile,
    process: await spawnServer(cli, args, address),
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
