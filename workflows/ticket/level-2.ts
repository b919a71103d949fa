/**
 * A level-2 ticket after the reply: the tier-4 office collects the signed order, the tier-3 handler
 * archives it. Each step has level2StepWorkingDays working days before its office is reminded, as
 * long again before the ticket goes up to the branch, which is reminded until the step is taken.
 */
import type { Recipient } from '../../domain/notification';
import { localStamp, ticketTimerSummary } from '../summaries';
import { waitUntil } from '../waits';
import { level2StepDeadlines } from './activities';
import type { TicketRun } from './run';

const WORDS = { collect: 'collection of the signed order', archive: 'archiving' } as const;
/** Each step's wait, by its declared id (domain/waits.ts). */
const WAIT = {
  collect: (done: () => boolean, deadline: string, summary: string) => waitUntil('collect', done, deadline, summary),
  archive: (done: () => boolean, deadline: string, summary: string) => waitUntil('archive', done, deadline, summary),
};

export async function awaitLevel2Step(run: TicketRun, step: 'collect' | 'archive'): Promise<void> {
  const { state, ticketId } = run;
  const done = () => state.steps.some((s) => s.step === step);
  if (done()) return;
  const owner: Recipient = step === 'collect' ? run.tier4 : run.tier3;
  // Counted from the step before (the reply, the collection), on the calendar.
  const since = state.steps.at(-1)!.at;
  const { remindAt, escalateAt } = await level2StepDeadlines.executeWithOptions({ summary: `${ticketId} · ${state.stage} · ${step} deadlines on the working-day calendar` }, [{ since }]);
  if (await WAIT[step](done, remindAt, ticketTimerSummary(ticketId, state.stage, `${owner.role} ${owner.code} reminded of the ${WORDS[step]} at`, remindAt))) return;
  run.remind('ticket-reminder', [owner], step, `${WORDS[step]} awaited since ${localStamp(since)}: to the branch at ${localStamp(escalateAt)}`);
  if (await WAIT[step](done, escalateAt, ticketTimerSummary(ticketId, state.stage, `still no ${WORDS[step]}: to the branch at`, escalateAt))) return;
  await run.escalateToBranch(step, `no ${WORDS[step]} by ${owner.role} ${owner.code} since ${localStamp(since)}`, done);
}
