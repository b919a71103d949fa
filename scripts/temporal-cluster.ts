/**
 * A production-shaped Temporal on this machine: the Temporal server itself (go.temporal.io/server
 * v1.29.1, built once by scripts/toolchain.sh and cached outside the clone), its persistence and its
 * visibility on PostgreSQL (an embedded PostgreSQL of its own), the schema set up and upgraded by the
 * server's SQL tool, the namespace created and the search attributes registered as an operator would.
 * Unlike the CLI's dev server (SQLite, one process), this is the server an insurer runs, only on one
 * machine: four services, a real SQL visibility with its limits, schema versions.
 *
 * `npm run cluster` runs it until Ctrl-C; `npm run drill` and `npm run bench` start it themselves.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { startEmbeddedPostgres, type RunningPostgres } from '../stores/database/embedded-postgres';
import { EMBEDDED_PASSWORD, EMBEDDED_USER } from '../stores/database/database-url';
import { temporalServerPaths, toolchainPaths } from './toolchain-paths';

export interface ClusterOptions {
  /** Where its PostgreSQL data and its configuration live (default data/temporal-cluster). */
  dir?: string;
  /** The frontend's gRPC port (default 7333: apart from the dev server's 7233); the other services take the next ones. */
  frontendPort?: number;
  /** Its PostgreSQL's port (default 5434). */
  postgresPort?: number;
  /** Delete its data when stopped (tests, benches). */
  persistent?: boolean;
  /** Lines of progress (default: none). */
  say?: (line: string) => void;
}

export interface RunningCluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** The PostgreSQL under it (also for huifang's own system of record, in another database). */
  postgres: RunningPostgres;
  postgresPort: number;
  /** The server process (one process, four services). */
  server: ChildProcess;
  stop(): Promise<void>;
}

const NAMESPACE = 'default';
/** Closed histories are kept 30 days here (the dev server's retention is set by npm start the same way). */
const RETENTION = '720h';

export async function startTemporalCluster(options: ClusterOptions = {}): Promise<RunningCluster> {
  const say = options.say ?? (() => undefined);
  const dir = resolve(options.dir ?? join(__dirname, '..', 'data', 'temporal-cluster'));
  const port = options.frontendPort ?? 7333;
  const pgPort = options.postgresPort ?? 5434;
  const tools = temporalServerPaths();
  mkdirSync(join(dir, 'config', 'dynamicconfig'), { recursive: true });

  say(`PostgreSQL for Temporal on 127.0.0.1:${pgPort} (data in ${join(dir, 'postgres')})`);
  const postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: pgPort, persistent: options.persistent });
  try {
    for (const [database, schema] of [
      ['temporal', 'temporal'],
      ['temporal_visibility', 'visibility'],
    ] as const) {
      const sql = (...args: string[]) =>
        spawnSync(tools.sqlTool, ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(pgPort), '-u', EMBEDDED_USER, '--pw', EMBEDDED_PASSWORD, '--db', database, ...args], { encoding: 'utf8' });
      // Created once; setup-schema only where there is no schema yet; update-schema brings it to the server's version.
      sql('create-database');
      const setup = sql('setup-schema', '-v', '0.0');
      if (setup.status !== 0 && !/already exists/.test(setup.stderr + setup.stdout)) throw new Error(`${database}: setup-schema failed: ${setup.stderr || setup.stdout}`);
      const update = sql('update-schema', '-d', join(tools.schema, schema, 'versioned'));
      if (update.status !== 0) throw new Error(`${database}: update-schema failed: ${update.stderr || update.stdout}`);
      say(`schema of ${database}: set up and updated by the SQL tool (${schema}/versioned)`);
    }

    writeFileSync(join(dir, 'config', 'dynamicconfig', 'cluster.yaml'), DYNAMIC_CONFIG);
    writeFileSync(join(dir, 'config', 'cluster.yaml'), serverConfig(port, pgPort, dir));
    const server = spawn(tools.server, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const lastLines: string[] = [];
    server.stderr!.on('data', (chunk: Buffer) => {
      lastLines.push(...chunk.toString().split('\n').filter(Boolean));
      lastLines.splice(0, Math.max(0, lastLines.length - 20));
    });
    const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    const address = `127.0.0.1:${port}`;
    await frontendReady(address, exited, () => lastLines.join('\n'));
    say(`Temporal server ${address}: frontend, history, matching, worker (persistence and visibility on PostgreSQL)`);
    ensureNamespace(address, say);
    await namespaceServed(address);

    let stopped = false;
    return {
      address,
      namespace: NAMESPACE,
      postgres,
      postgresPort: pgPort,
      server,
      async stop() {
        if (stopped) return;
        stopped = true;
        if (server.exitCode === null) {
          process.kill(-server.pid!, 'SIGTERM');
          const timer = setTimeout(() => server.exitCode === null && process.kill(-server.pid!, 'SIGKILL'), 20_000);
          await exited;
          clearTimeout(timer);
        }
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}

/** Waits until the frontend answers (the services find each other through the database: seconds). */
async function frontendReady(address: string, exited: Promise<number | null>, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the Temporal server stopped while starting:\n${log()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the Temporal server at ${address} did not answer within 90 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** A namespace just created reaches every service's registry within its refresh (about 10 s): waits for it. */
async function namespaceServed(address: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    for (let i = 0; ; i++) {
      try {
        await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
        return;
      } catch (err) {
        if (i >= 60) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  } finally {
    await connection.close();
  }
}

/** The namespace, created by the operator's CLI as in a real cluster (its retention, 30 days). */
function ensureNamespace(address: string, say: (line: string) => void): void {
  const cli = toolchainPaths().temporalCli;
  const described = spawnSync(cli, ['operator', 'namespace', 'describe', '--address', address, '-n', NAMESPACE], { encoding: 'utf8' });
  if (described.status === 0) return;
  const created = spawnSync(cli, ['operator', 'namespace', 'create', '--address', address, '-n', NAMESPACE, '--retention', RETENTION], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`namespace ${NAMESPACE} could not be created: ${created.stderr || created.stdout}`);
  say(`namespace '${NAMESPACE}' created (retention ${RETENTION})`);
}

/** The server's configuration: one process running the four services, on PostgreSQL, local only. */
function serverConfig(port: number, pgPort: number, dir: string): string {
  const store = (database: string, conns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: "tcp"
        user: "${EMBEDDED_USER}"
        password: "${EMBEDDED_PASSWORD}"
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: "1h"`;
  const service = (offset: number) => `
    rpc:
      grpcPort: ${port + offset}
      membershipPort: ${port - 400 + offset}
      bindOnLocalHost: true`;
  return `# Written by scripts/temporal-cluster.ts: Temporal ${'v1.29.1'} on PostgreSQL, one machine.
log:
  stdout: false
  level: warn
  outputFile: "${join(dir, 'server.log')}"
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:${store('temporal', 20)}
    postgres-visibility:${store('temporal_visibility', 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:${service(0)}
  history:${service(1)}
  matching:${service(2)}
  worker:${service(6)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${port}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${join(dir, 'config', 'dynamicconfig', 'cluster.yaml')}"
  pollInterval: "10s"
`;
}

/** Updates with their full lifecycle, as huifang's messages need (on by default in 1.29; said here for the operator). */
const DYNAMIC_CONFIG = `frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
system.enableEagerWorkflowStart:
  - value: true
`;
