/** `huifang show <policyNo>`: one policy's callback, read from its workflow. */
import { parseArgs } from 'node:util';
import { NotFoundError } from '../client/huifang-client';
import { policyNoSchema } from '../domain/contract';
import { UsageError, type Command } from './command';
import { formatCallbackState } from './format-callback-state';

/** A query waits for a worker to answer; without one it would hang, so give up and say why. */
const QUERY_TIMEOUT_MS = 15_000;

const usage = `Usage: huifang show <policyNo> [--json]

Prints the state of the policy's callback: stage, why a callback was (not) required, the
cooling-off period, the next attempt and every attempt with its outcome. A worker must be running
(the state is a query answered by the workflow).

Options:
  --json      the state as the API serves it (GET /v1/callbacks/<policyNo>)
  -h, --help  this text

Exit code: 0 shown, 1 no callback for this policy, 2 bad arguments.`;

export const showCommand: Command = {
  name: 'show',
  synopsis: 'show <policyNo>',
  summary: "print one policy's callback: stage, decision, cooling-off, attempts",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    if (positionals.length !== 1) throw new UsageError('show takes one policy number');
    const parsed = policyNoSchema.safeParse(positionals[0]);
    if (!parsed.success) throw new UsageError(`'${positionals[0]}' is not a policy number: ${parsed.error.issues[0].message}`);

    const huifang = await ctx.connect();
    try {
      const state = await withTimeout(
        huifang.getCallbackState(parsed.data),
        QUERY_TIMEOUT_MS,
        `no answer from the workflow in ${QUERY_TIMEOUT_MS / 1000} s: is a worker polling task queue '${huifang.taskQueue}'?`,
      );
      ctx.stdout.write(values.json ? JSON.stringify(state, null, 2) + '\n' : formatCallbackState(state).join('\n') + '\n');
      return 0;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      ctx.stderr.write(`huifang show: ${err.message}\n`);
      return 1;
    }
  },
};

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
