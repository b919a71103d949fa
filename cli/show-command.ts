/** `huifang show <policyNo>`: one policy's callback, read from its workflow. */
import { parseArgs } from 'node:util';
import { NotFoundError } from '../domain/errors';
import { policyNoSchema } from '../domain/contract';
import { UsageError, type Command } from './command';
import { noWorkerMessage, QUERY_TIMEOUT_MS, withTimeout } from './with-timeout';
import { callbackTimeline, formatTimeline } from './callback-timeline';
import { formatCallbackState } from './format-callback-state';

/** A completed policy's tickets answer only if a worker polls; do not wait long for one. */
const TICKET_QUERY_WHEN_COMPLETED_MS = 3_000;

const usage = `Usage: huifang show <policyNo> [--json]

Prints the state of the policy's callback: stage, why a callback was (not) required, the
cooling-off period, the next attempt and every attempt with its outcome, a refusal, an escalation
to the branch, the reminders sent and the branch's decision; then its whole story as a timeline,
in time order: every stage, attempt and answer outcome, each ticket and its steps, reminders and
escalations, the waiver, the letter / on-site fallback and the recording. A run ended from outside
(terminated, failed, timed out) is shown as such, with the stage it had reached, never as in that
stage. An open callback needs a worker (its state is a query answered by the workflow and its
tickets), and so does a run ended from outside; a completed one is read from its result (its
tickets' steps still need a worker).

Options:
  --json      the state and its run as the API serves them (GET /v1/callbacks/<policyNo>)
  -h, --help  this text

Exit code: 0 shown, 1 no callback for this policy, 2 bad arguments.`;

export const showCommand: Command = {
  name: 'show',
  synopsis: 'show <policyNo>',
  summary: "print one policy's callback: stage, decision, cooling-off, attempts, and its timeline",
  usage,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    if (positionals.length !== 1) throw new UsageError('show takes one policy number');
    const parsed = policyNoSchema.safeParse(positionals[0]);
    if (!parsed.success) throw new UsageError(`'${positionals[0]}' is not a policy number: ${parsed.error.issues[0].message}`);

    const huifang = await ctx.connect();
    try {
      // A completed callback reads from its result, so it shows even with no worker on its task queue.
      const state = await withTimeout(huifang, QUERY_TIMEOUT_MS, noWorkerMessage(huifang.taskQueue), () => huifang.callbackView(parsed.data));
      const completed = state.run.status === 'COMPLETED';
      if (values.json) {
        ctx.stdout.write(JSON.stringify(state, null, 2) + '\n');
        return 0;
      }
      // A ticket that no longer answers (a closed run past retention) still shows from the policy's own record.
      // (Without a worker, a completed policy's tickets show as opened and closed, without their steps.)
      const ticketWait = completed ? TICKET_QUERY_WHEN_COMPLETED_MS : QUERY_TIMEOUT_MS;
      const tickets = await Promise.all(state.tickets.map((t) => withTimeout(huifang, ticketWait, 'no answer', () => huifang.getTicketState(t.ticketId)).catch(() => undefined)));
      const timeline = callbackTimeline(state, tickets.filter((t) => t !== undefined));
      ctx.stdout.write([...formatCallbackState(state), 'timeline', ...formatTimeline(timeline)].join('\n') + '\n');
      return 0;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      ctx.stderr.write(`huifang show: ${err.message}\n`);
      return 1;
    }
  },
};
