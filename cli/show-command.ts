/** `huifang show <policyNo>`: one policy's callback, read from the system of record. */
import { parseArgs } from 'node:util';
import { recordedCallbackView, RUN_STATUS_WAIT_MS } from '../client/huifang-client';
import { NotFoundError } from '../domain/errors';
import { policyNoSchema } from '../domain/contract';
import type { TicketState } from '../domain/ticket';
import { UsageError, type Command } from './command';
import { QUERY_TIMEOUT_MS } from './with-timeout';
import { callbackTimeline, formatTimeline } from './callback-timeline';
import { formatCallbackState } from './format-callback-state';

const usage = `Usage: huifang show <policyNo> [--json]

Prints the state of the policy's callback: stage, why a callback was (not) required (the rule, ratio
and sample), the cooling-off period, the next attempt and every attempt with its outcome, the
answers, a refusal, an escalation to the branch, the reminders sent, the branch's decision and how
long the evidence is kept; then its whole story as a timeline, in time order: every stage, attempt
and answer outcome, each ticket and its steps, reminders and escalations, the waiver, the letter /
on-site fallback and the recording.

Everything is read from the system of record (HUIFANG_DATABASE_URL, else \`npm start\`'s database),
so a closed policy shows in full even after Temporal has deleted its workflow's history, with no
worker and no Temporal at all. Temporal is asked only how an open callback's run stands (${RUN_STATUS_WAIT_MS / 1000} s at
most) and, while it runs, for its current state (a worker answers; else the state last recorded is
shown). A run ended from outside (terminated, failed, timed out) is shown as such, with the stage it
had reached, never as in that stage; an open callback Temporal does not know (or that it did not
answer for) is shown as run UNKNOWN, with the state last recorded.

Options:
  --json      the state, its run and its evidence as the API serves them (GET /v1/callbacks/<policyNo>)
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

    const evidence = await ctx.evidence();
    try {
      const state = await recordedCallbackView(evidence, parsed.data, () => ctx.connect(), { live: QUERY_TIMEOUT_MS });
      if (values.json) {
        ctx.stdout.write(JSON.stringify(state, null, 2) + '\n');
        return 0;
      }
      // Each ticket's steps as recorded (a ticket's workflow writes every change).
      const tickets = await Promise.all(state.tickets.map((t) => evidence.ticketState(t.ticketId)));
      const timeline = callbackTimeline(state, tickets.filter((t): t is TicketState => t !== undefined));
      ctx.stdout.write([...formatCallbackState(state), 'timeline', ...formatTimeline(timeline)].join('\n') + '\n');
      return 0;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      ctx.stderr.write(`huifang show: ${err.message}\n`);
      return 1;
    }
  },
};
