/**
 * Letter or on-site callback (信函 / 上门回访) when the phone cannot do it: the region must allow it
 * and the office's monthly share stay within the cap; otherwise the case goes up to the branch,
 * with every failure on record. The signed receipt carries the answers to the printed
 * questionnaire: problems open tickets as a call's answers do.
 */
import { problemsByType, problemsOf } from '../../domain/callback-flow';
import { nowIso, isoIn } from '../clock';
import { activitySummary, receiptDueSummary } from '../summaries';
import { waitUntil } from '../waits';
import { planFallback, reserveFallback, writeFallbackDocument, writeFallbackRegister } from './activities';
import type { CallbackRun } from './run';
import { startTicket, type OpenTicket } from './tickets';

const DAY = 24 * 3_600_000;

/** 'receipt': the receipt is in (level-2 tickets may be open); 'closed': the branch closed the case. */
export async function fallBack(run: CallbackRun, trigger: string, level2Tickets: OpenTicket[]): Promise<'receipt' | 'closed'> {
  const { state, policyNo, contract } = run;
  const plan = await run.local(() =>
    planFallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `may region ${contract.regionCode} have a letter or on-site callback?`) }, [
      // The cap's month is the callback month (the receipt's), decided in the activity from these dates.
      { regionCode: contract.regionCode, startedAt: run.startedAt, receiptSignedOn: contract.receiptSignedOn },
    ]),
  );
  const requestedAt = nowIso();
  const kind = plan.allowed[0];
  if (!kind) {
    const refusal = `region ${contract.regionCode} (${plan.source}) allows neither letter nor on-site callbacks`;
    state.fallback = { trigger, requestedAt, granted: false, refusal };
    await run.escalate('fallback-refused', refusal);
    return 'closed';
  }
  const quota = { office: contract.org.tier4Office, month: plan.month, policyNo, kind, maxShare: plan.maxShare };
  const decision = await reserveFallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `reserve a ${kind} under ${quota.office}'s ${quota.month} cap`) }, [quota]);
  state.fallback = {
    kind,
    trigger,
    requestedAt,
    granted: decision.granted,
    refusal: decision.refusal,
    shareAtDecision: { fallbacks: decision.fallbacks, callbacks: decision.callbacks, cap: decision.maxShare },
  };
  if (!decision.granted) {
    await run.escalate('fallback-refused', decision.refusal!);
    return 'closed';
  }

  const letter = { kind, contract, questions: state.questions ?? [], coolingOffEndsAt: run.coolingOffEndsAt };
  const { documentRef } = await writeFallbackDocument.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `write the ${kind} document`) }, [letter]);
  state.fallback.documentRef = documentRef;
  run.setStage('AWAITING_RECEIPT', `${kind === 'letter' ? 'letter' : 'on-site visit'} ${documentRef}`);
  await run.record();
  await run.notifyStaff(
    run.notice(
      kind === 'letter' ? { role: 'branch', code: contract.org.branch } : { role: 'tier4', code: contract.org.tier4Office },
      kind === 'letter' ? `letter callback to print and send: ${documentRef}` : `on-site callback to make: ${documentRef}`,
      'fallback-task',
    ),
  );
  const receiptDueAt = isoIn(plan.receiptWaitDays * DAY);
  const hasReceipt = () => state.fallback!.receipt !== undefined;
  await run.recordChanges();
  if (!(await waitUntil('receipt', hasReceipt, receiptDueAt, receiptDueSummary(policyNo, kind, receiptDueAt)))) {
    const late = await run.escalate('receipt', `no signed receipt within ${plan.receiptWaitDays} days of the ${kind} callback`, hasReceipt);
    if (!late) return 'closed';
  }

  // The month's register is rebuilt from the projection: the row with the receipt goes in first.
  const receipt = state.fallback.receipt!;
  run.note(`signed receipt ${receipt.reference}`);
  await run.record();
  await writeFallbackRegister.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `rebuild ${contract.org.tier4Office}'s fallback register`) }, [
    { tier4Office: contract.org.tier4Office, requestedAt, kind },
  ]);

  // The answers on the receipt: level-2 problems go to the agent beside the close; others need the
  // agent and a confirmation the branch arranges (no phone here), so the case goes up with its tickets.
  state.problems = problemsOf(receipt.answers, receipt.reportedProblems, run.assessed);
  const byType = problemsByType(state.problems.length ? 'PROBLEM_FOUND' : state.stage, state.problems);
  if (byType['level-2'].length) level2Tickets.push(await startTicket(run, 'level-2', byType['level-2'], `${kind} receipt ${receipt.reference}`));
  const others = [...byType['failed-callback'], ...byType['level-1']];
  if (others.length) {
    const type = byType['level-1'].length ? 'level-1' : 'failed-callback';
    await startTicket(run, type, others, `${kind} receipt ${receipt.reference}`);
    await run.escalate('receipt-problems', `the ${kind} receipt answers need the agent: ${others.join(', ')}`);
    return 'closed';
  }
  state.completedBy = kind;
  return 'receipt';
}
