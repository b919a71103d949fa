/**
 * Where the Temporal CLI and the time-skipping test server are, as `scripts/toolchain.sh` left them.
 * Environment variables win; else the toolchain's cache file; else a clear instruction.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ToolchainPaths {
  temporalCli: string;
  testServer: string;
}

export function toolchainCacheDir(): string {
  return process.env.HUIFANG_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huifang');
}

/** What scripts/toolchain.sh wrote to its cache file (NAME=path lines), and that file. */
function cachedToolchain(): { file: string; cached: Record<string, string> } {
  const file = join(toolchainCacheDir(), 'toolchain.env');
  const cached: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) cached[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return { file, cached };
}

export function toolchainPaths(): ToolchainPaths {
  const { file, cached } = cachedToolchain();
  const temporalCli = process.env.HUIFANG_TEMPORAL_CLI ?? cached.HUIFANG_TEMPORAL_CLI;
  const testServer = process.env.HUIFANG_TEST_SERVER ?? cached.HUIFANG_TEST_SERVER;
  if (!temporalCli || !testServer || !existsSync(temporalCli) || !existsSync(testServer)) {
    throw new Error(
      `The Temporal CLI and test server are not set up (looked in ${file}). Run 'npm run toolchain' first: ` +
        'it builds them once (needs go, java and mvn) and caches them outside the clone.',
    );
  }
  return { temporalCli, testServer };
}

export interface TemporalServerPaths {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server's module: temporal/versioned and visibility/versioned. */
  schema: string;
}

/** The Temporal server and its SQL tool: built once by `toolchain.sh --temporal-server` (about 2 minutes), cached after. */
export function temporalServerPaths(): TemporalServerPaths {
  const read = () => {
    const { cached } = cachedToolchain();
    const paths = { server: cached.HUIFANG_TEMPORAL_SERVER, sqlTool: cached.HUIFANG_TEMPORAL_SQL_TOOL, schema: cached.HUIFANG_TEMPORAL_SCHEMA };
    return paths.server && paths.sqlTool && paths.schema && existsSync(paths.server) && existsSync(paths.schema) ? (paths as TemporalServerPaths) : undefined;
  };
  const ready = read();
  if (ready) return ready;
  const built = spawnSync('bash', [join(__dirname, 'toolchain.sh'), '--temporal-server'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const after = built.status === 0 ? read() : undefined;
  if (!after) throw new Error("The Temporal server could not be built: run 'bash scripts/toolchain.sh --temporal-server' and read its errors (it needs go and the Go module proxy).");
  return after;
}
