/**
 * Where the Temporal CLI and the time-skipping test server are, as `scripts/toolchain.sh` left them.
 * Environment variables win; else the toolchain's cache file; else a clear instruction.
 */
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

export function toolchainPaths(): ToolchainPaths {
  const file = join(toolchainCacheDir(), 'toolchain.env');
  const cached: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) cached[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
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
