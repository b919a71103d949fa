/**
 * What a CLI command is, and what it gets to run with. Commands write to the given outputs and
 * connect through the context, never to process.* or Temporal directly, so tests run them in-process
 * against their own server and task queue.
 */
import type { HuifangClient } from '../client/huifang-client';
import type { EvidenceStore } from '../stores/evidence-store';

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliContext {
  stdout: Output;
  stderr: Output;
  /** The typed client, connected on first use (commands such as `import --dry-run` never need it). */
  connect(): Promise<HuifangClient>;
  /** The system of record, opened on first use (HUIFANG_DATABASE_URL, else `npm start`'s embedded database). */
  evidence(): Promise<EvidenceStore>;
  /** Aborted on Ctrl-C: long commands stop taking new work and report what they did. */
  signal?: AbortSignal;
  /** The command's clock ("today" for the import's checks); the wall clock when left out. Tests inject one. */
  now?: () => Date;
}

export interface Command {
  name: string;
  /** One line for the command list of `huifang --help`. */
  synopsis: string;
  summary: string;
  /** The full text of `huifang <name> --help`. */
  usage: string;
  /** The process's exit code: 0 done, 1 done but something was refused or not found, 2 usage. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Wrong arguments: the dispatcher prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
