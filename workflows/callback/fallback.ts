/**
 * Letter or on-site callback (信函 / 上门回访) when the phone cannot do it: the region must allow it
 * and the office's monthly share stay within the cap; otherwise the case goes up to the branch,
 * with every failure on record.
 */
import { condition } from '@temporalio/workflow';
import { nowIso } from '../clock';
import { activitySummary, receiptDueSummary } from '../summaries';
import { planFallback, reserveFallback, writeFallbackDocument, writeFallbackRegister } from './activities';
import type { CallbackRun } from './run';

const DAY = 24 * 3_600_000;

export async function fallBack(run: CallbackRun, trigger: string): Promise<void> {
  const { state, policyNo, contract } = run;
  const plan = await planFallback.executeWithOptions({ summary: activitySummary(policyNo, state.stage, `may region ${contract.regionCode} have a letter or on-site callback?`) }, [
    { regionCode: contract.regionCode, startedAt: run.startedAt },
  ]);
  const requestedAt = nowIso();
  const kind = plan.allowed[0];
  if (!kind) {
    const refusal = `region ${contract.regionCode} (${plan.source}) allows neither letter nor on-site callbacks`;
    state.fallback = { trigger, requestedAt, granted: false, refusal };
    return escalate(run, refusal);
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
  if (!decision.granted) return escalate(run, decision.refusal!);

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
  const receiptDueAt = new Date(Date.now() + plan.receiptWaitDays * DAY).toISOString();
  const received = await condition(() => state.fallback!.receipt !== undefined, plan.receiptWaitDays * DAY, { summary: receiptDueSummary(policyNo, kind, receiptDueAt) });
  if (!received) return escalate(run, `no signed receipt within ${plan.receiptWaitDays} days of the ${kind} callback`);

  state.completedBy = kind;
  run.close('COMPLETED', `signed receipt ${state.fallback.receipt!.reference}`);
  // The register is rebuilt from the projection: the row goes in first.
  await run.record();
  await writeFallbackRegister.executeWithOptions({ summary: activitySummary(policyNo, 'COMPLETED', `rebuild ${contract.org.tier4Office}'s fallback register`) }, [
    { tier4Office: contract.org.tier4Office, requestedAt, kind },
  ]);
}

/** The case goes up to the branch: on record, and the branch is told. */
export async function escalate(run: CallbackRun, reason: string): Promise<void> {
  const { contract } = run;
  run.state.escalation = { to: 'branch', at: nowIso(), reason };
  run.setStage('UNREACHABLE', `escalated to branch ${contract.org.branch}: ${reason}`);
  await run.record();
  await run.notifyStaff(run.notice({ role: 'branch', code: contract.org.branch }, `callback cannot be completed, for the branch: ${reason}`, 'callback-escalated'));
}
