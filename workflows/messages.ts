/**
 * The messages of the callback workflow, declared once and shared by the workflow and every client
 * (API, CLI, dialer, tests).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CallOutcomeReport, RecordingUpload } from '../domain/call-outcome';
import type { CallbackStage, CallbackState, ECallbackCompletion, ECallbackEnd } from '../domain/callback-state';
import type { BranchDecision, FallbackReceipt, WaiverDecision, WaiverReport } from '../domain/waiver';

export const getCallbackState = defineQuery<CallbackState>('getCallbackState');

export interface OutcomeAck {
  attemptId: string;
  stage: CallbackStage;
  /** True when this exact outcome had already been recorded (a repeated delivery). */
  duplicate: boolean;
}

/** An attempt's outcome. Rejected (workflow unchanged) for an unknown or stale attempt, a wrong stage or incomplete answers. */
export const recordCallOutcome = defineUpdate<OutcomeAck, [CallOutcomeReport]>('recordCallOutcome');

/** The call recording is in storage; verified before the callback closes. */
export const recordingUploaded = defineUpdate<CallbackState, [RecordingUpload]>('recordingUploaded');

/** A tier-4 office or the agent reports the policyholder's signed waiver statement (免回访). */
export const reportWaiver = defineUpdate<CallbackState, [WaiverReport]>('reportWaiver');

/** The tier-3 handler accepts (the callback closes as waived) or rejects (with a reason) the reported waiver. */
export const decideWaiver = defineUpdate<CallbackState, [WaiverDecision]>('decideWaiver');

/** The policyholder's signed receipt of a letter or on-site callback is in: the callback completes. */
export const recordFallbackReceipt = defineUpdate<CallbackState, [FallbackReceipt]>('recordFallbackReceipt');

/** The branch closes a case that went up to it (UNRESOLVED), with its decision in words. */
export const closeUnresolved = defineUpdate<CallbackState, [BranchDecision]>('closeUnresolved');

/** The policyholder completed the e-callback on the page (identity checked, answers, signature). */
export const completeECallback = defineUpdate<CallbackState, [ECallbackCompletion]>('completeECallback');

/** The e-callback ends without answers: a call asked for on the page, or the identity check locked the link. */
export const endECallback = defineUpdate<CallbackState, [ECallbackEnd]>('endECallback');

export function callbackWorkflowId(policyNo: string): string {
  return `callback-${policyNo}`;
}
