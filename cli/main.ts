/**
 * `huifang <command>`: the dispatcher. A command is an entry of COMMANDS (see command.ts); adding
 * one is adding a file and a line here. Connection settings and payload keys come from the same
 * environment variables as the worker and the API.
 */
import { temporalSettingsFromEnv } from '../client/connection-settings';
import { HuifangClient } from '../client/huifang-client';
import { keyringFromEnv } from '../client/payload-keys';
import { loadSettings } from '../config/settings';
import { databaseUrlFromEnv } from '../stores/database/database-url';
import { openEvidenceStore, type EvidenceStore } from '../stores/evidence-store';
import { UsageError, type CliContext, type Command } from './command';
import { demoCommand } from './demo-command';
import { importCommand } from './import-command';
import { migrateProjectionCommand } from './migrate-projection-command';
import { reportCommand } from './report-command';
import { showCommand } from './show-command';
import { ticketsCommand } from './tickets-command';

export const COMMANDS: readonly Command[] = [importCommand, showCommand, ticketsCommand, reportCommand, demoCommand, migrateProjectionCommand];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length)) + 3;
  return [
    'huifang: new-contract callbacks (回访) on Temporal, from the command line',
    '',
    'Usage: huifang <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.synopsis.padEnd(width)}${c.summary}`),
    '',
    "Run 'huifang <command> --help' for a command's arguments and options.",
    'Temporal is reached as the worker and the API reach it: TEMPORAL_ADDRESS (default localhost:7233),',
    'TEMPORAL_NAMESPACE, TEMPORAL_TLS_* or TEMPORAL_API_KEY, HUIFANG_TASK_QUEUE; payload keys from',
    'HUIFANG_PAYLOAD_KEYS or HUIFANG_PAYLOAD_KEYS_FILE (default data/payload-keys.json). The system of',
    "record (show, tickets list, report): HUIFANG_DATABASE_URL, else `npm start`'s embedded PostgreSQL.",
  ].join('\n');
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

/** Runs one command line; answers the exit code (0 ok, 1 refused / not found, 2 usage). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (isHelp(name)) {
    const topic = COMMANDS.find((c) => c.name === args[0]);
    ctx.stdout.write((topic ? topic.usage : usage()) + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`${name === undefined ? 'huifang: which command?' : `huifang: unknown command '${name}'`}\n\n${usage()}\n`);
    return 2;
  }
  if (args.some((a) => a === '--help' || a === '-h')) {
    ctx.stdout.write(command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(args, ctx);
  } catch (err) {
    // node:util parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
    const parseArgsError = String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || parseArgsError) {
      const synopsis = command.usage.split('\n')[0];
      ctx.stderr.write(`huifang ${command.name}: ${(err as Error).message}\n${synopsis}\nRun 'huifang ${command.name} --help' for more.\n`);
      return 2;
    }
    throw err;
  }
}

async function connect(): Promise<HuifangClient> {
  const settings = temporalSettingsFromEnv();
  const keyring = keyringFromEnv();
  try {
    return await HuifangClient.connect(settings, keyring);
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${settings.address} (namespace ${settings.namespace}): ${(err as Error).message}`);
  }
}

async function openEvidence(): Promise<EvidenceStore> {
  const settings = loadSettings();
  const url = databaseUrlFromEnv();
  try {
    return await openEvidenceStore(url, { keys: keyringFromEnv(), timeZone: settings.timeZone, retention: settings.retention, poolSize: 2 });
  } catch (err) {
    throw new Error(`cannot open the system of record at ${url.replace(/\/\/[^@]*@/, '//')}: ${(err as Error).message}`);
  }
}

/** The process around runCli: real streams, a lazy connection closed at the end, Ctrl-C. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let client: Promise<HuifangClient> | undefined;
  let evidence: Promise<EvidenceStore> | undefined;
  const interrupt = new AbortController();
  // The first Ctrl-C lets a command wind down and report; a second one ends the process (default).
  const onSigint = () => {
    process.stderr.write('\ninterrupted: finishing what is in flight (Ctrl-C again to quit now)\n');
    interrupt.abort();
  };
  process.once('SIGINT', onSigint);
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    connect: () => (client ??= connect()),
    evidence: () => (evidence ??= openEvidence()),
    signal: interrupt.signal,
  };
  try {
    return await runCli(argv, ctx);
  } catch (err) {
    process.stderr.write(`huifang: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    // An open gRPC channel would keep the process alive after the command is done.
    if (client) await client.then((c) => c.temporal.connection.close()).catch(() => {});
    if (evidence) await evidence.then((e) => e.close()).catch(() => {});
  }
}
