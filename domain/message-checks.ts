/**
 * The workflows' Update messages checked without zod (see plain-check.ts): the same rules, words and
 * parsed values as the zod schemas the API checks bodies with (call-outcome.ts, waiver.ts, ticket.ts);
 * test/message-checks.test.ts compares the two on thousands of inputs.
 */
import type { CallOutcomeReport, RecordingUpload } from './call-outcome';
import { CHECKSUM, DOCUMENT_REF, ISO_INSTANT_MESSAGE, isIsoInstant, PHONE, RECORDING_REFERENCE } from './patterns';
import { array, boolean, discriminated, format, matches, maxLength, minLength, oneOf, optional, record, satisfies, strictObject, string, trim, type Check } from './plain-check';
import { ANSWERS } from './answers';
import type { TicketStep } from './ticket';
import type { BranchDecision, FallbackReceipt, WaiverDecision, WaiverReport } from './waiver';
import { ACTOR_ROLES, CALL_OUTCOMES, REASON_CODES } from './vocabulary';

const isoInstant = format(isIsoInstant, ISO_INSTANT_MESSAGE);

export const callOutcomeCheck = strictObject<CallOutcomeReport>(
  {
    attemptId: string(minLength(1)),
    outcome: oneOf(CALL_OUTCOMES),
    operator: string(minLength(1), maxLength(64)),
    calledAt: optional(isoInstant),
    answers: optional(record(oneOf(ANSWERS))),
    reportedProblems: optional(array(oneOf(REASON_CODES))),
    callBackAt: optional(isoInstant),
    recordingRef: optional(string(minLength(1), maxLength(200))),
    note: optional(string(maxLength(1000))),
  },
  (o, addIssue) => {
    if (o.outcome === 'completed' && !o.answers) addIssue(['answers'], 'a completed call must carry the answers to the questionnaire');
    if (o.outcome !== 'completed' && o.answers) addIssue(['answers'], `answers belong to a completed call, not '${o.outcome}'`);
    if (o.outcome === 'callback-later' && !o.callBackAt) addIssue(['callBackAt'], "'callback-later' needs the time the customer asked to be called back");
  },
);

export const recordingUploadCheck = strictObject<RecordingUpload>(
  {
    reference: string(matches(RECORDING_REFERENCE.pattern, RECORDING_REFERENCE.message)),
    checksum: string(matches(CHECKSUM.pattern, CHECKSUM.message)),
    uploadedBy: string(minLength(1), maxLength(64)),
  },
  (r, addIssue) => {
    if (r.reference.includes('..')) addIssue(['reference'], RECORDING_REFERENCE.dotDotMessage);
  },
);

const actor = strictObject({
  role: oneOf(ACTOR_ROLES),
  id: string(minLength(1), maxLength(64)),
  office: optional(string(minLength(1), maxLength(32))),
});

const documentRef = string(
  minLength(1),
  maxLength(256),
  matches(DOCUMENT_REF.pattern, DOCUMENT_REF.message),
  satisfies((s) => !s.split('/').includes('..'), DOCUMENT_REF.dotDotMessage),
);

export const waiverReportCheck = strictObject<WaiverReport>({ statementRef: documentRef, actor, note: optional(string(maxLength(1000))) });

export const waiverDecisionCheck = strictObject<WaiverDecision>(
  { accepted: boolean(), actor, reason: optional(string(trim, minLength(1), maxLength(1000))) },
  (d, addIssue) => {
    if (!(d.accepted || d.reason !== undefined)) addIssue(['reason'], 'a rejection must give a reason');
  },
);

export const fallbackReceiptCheck = strictObject<FallbackReceipt>({
  receiptRef: documentRef,
  signedBy: oneOf(['policyholder']),
  signedAt: isoInstant,
  answers: record(oneOf(ANSWERS)),
  reportedProblems: optional(array(oneOf(REASON_CODES))),
  actor,
});

export const branchDecisionCheck = strictObject<BranchDecision>({
  reason: string(trim, minLength(1), maxLength(2000)),
  actor,
});

const stepOf = (step: TicketStep['step'], more: Record<string, Check<unknown>> = {}) =>
  strictObject({ step: oneOf([step]), actor, note: optional(string(maxLength(1000))), ...more });

export const ticketStepCheck = discriminated<TicketStep>('step', [
  stepOf('dispatch'),
  stepOf('hand-to-agent'),
  stepOf('sign-receipt'),
  stepOf('reply', {
    correctedPhone: optional(string(matches(PHONE.pattern, PHONE.message))),
    actionTaken: optional(string(trim, minLength(1), maxLength(2000))),
  }),
  stepOf('collect'),
  stepOf('archive'),
]);
