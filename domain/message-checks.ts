/**
 * The workflows' Update messages, each defined once, here, with the plain checks (plain-check.ts):
 * the workflows' validators and handlers run these; the API checks its bodies, and documents them in
 * OpenAPI, with the zod schemas derived from them (`zodOf`, message-schemas.ts; exported by
 * call-outcome.ts, waiver.ts and ticket.ts). The message types are what the checks give back.
 */
import { ANSWERS } from './answers';
import { CHECKSUM, DOCUMENT_REF, ISO_INSTANT_MESSAGE, PHONE, RECORDING_REFERENCE } from './patterns';
import {
  array,
  boolean,
  discriminated,
  isoDateTime,
  literal,
  matches,
  maxLength,
  minLength,
  oneOf,
  optional,
  record,
  satisfies,
  strictObject,
  string,
  trim,
  type Infer,
} from './plain-check';
import { ACTOR_ROLES, CALL_OUTCOMES, REASON_CODES } from './vocabulary';

const isoInstant = isoDateTime(ISO_INSTANT_MESSAGE);

/** What the call center (a person through the API, or the dialer) reports for one call attempt. */
export const callOutcomeCheck = strictObject(
  {
    attemptId: string(minLength(1)),
    outcome: oneOf(CALL_OUTCOMES),
    /** Staff id of the caller, or the dialer's id. */
    operator: string(minLength(1), maxLength(64)),
    calledAt: optional(isoInstant),
    answers: optional(record(oneOf(ANSWERS))),
    /** Problems the customer raised beyond the questionnaire (e.g. wants to surrender). */
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
export type CallOutcomeReport = Infer<typeof callOutcomeCheck>;

export const recordingUploadCheck = strictObject(
  {
    reference: string(matches(RECORDING_REFERENCE.pattern, RECORDING_REFERENCE.message)),
    checksum: string(matches(CHECKSUM.pattern, CHECKSUM.message)),
    uploadedBy: string(minLength(1), maxLength(64)),
  },
  (r, addIssue) => {
    if (r.reference.includes('..')) addIssue(['reference'], RECORDING_REFERENCE.dotDotMessage);
  },
);
export type RecordingUpload = Infer<typeof recordingUploadCheck>;

/** Who takes a step or makes a report. */
export const actorCheck = strictObject({
  role: oneOf(ACTOR_ROLES),
  /** Staff id, or the agent's code for an agent. */
  id: string(minLength(1), maxLength(64)),
  /** The actor's office code (tier-3: central sub-branch; tier-4: tier-4 office; branch: branch). */
  office: optional(string(minLength(1), maxLength(32))),
});
export type Actor = Infer<typeof actorCheck>;

/** A path in the document store where the scanned document was uploaded. */
const documentRef = string(
  minLength(1),
  maxLength(256),
  matches(DOCUMENT_REF.pattern, DOCUMENT_REF.message),
  satisfies((s) => !s.split('/').includes('..'), DOCUMENT_REF.dotDotMessage),
);

export const waiverReportCheck = strictObject({
  /** The policyholder's signed waiver statement (回访放弃声明), scanned. */
  statementRef: documentRef,
  actor: actorCheck,
  note: optional(string(maxLength(1000))),
});
export type WaiverReport = Infer<typeof waiverReportCheck>;

export const waiverDecisionCheck = strictObject(
  {
    accepted: boolean(),
    actor: actorCheck,
    /** Required when rejecting: the reporter must know what to fix. */
    reason: optional(string(trim, minLength(1), maxLength(1000))),
  },
  (d, addIssue) => {
    if (!(d.accepted || d.reason !== undefined)) addIssue(['reason'], 'a rejection must give a reason');
  },
);
export type WaiverDecision = Infer<typeof waiverDecisionCheck>;

export const fallbackReceiptCheck = strictObject({
  /** The scanned receipt (回执) signed by the policyholder. */
  receiptRef: documentRef,
  /** Who signed, as written on the receipt (the policyholder's name stays in the document). */
  signedBy: oneOf(['policyholder']),
  signedAt: isoInstant,
  /** The answers to the printed questionnaire, as the policyholder ticked them. */
  answers: record(oneOf(ANSWERS)),
  /** Problems the policyholder wrote in beyond the questionnaire. */
  reportedProblems: optional(array(oneOf(REASON_CODES))),
  actor: actorCheck,
});
export type FallbackReceipt = Infer<typeof fallbackReceiptCheck>;

/** The branch closes a case that went up to it (UNRESOLVED), with what it decided and why. */
export const branchDecisionCheck = strictObject({
  /** What the branch did about it, in words (e.g. 已上门核实并由客户签署确认书). */
  reason: string(trim, minLength(1), maxLength(2000)),
  actor: actorCheck,
});
export type BranchDecision = Infer<typeof branchDecisionCheck>;

const stepBase = { actor: actorCheck, note: optional(string(maxLength(1000))) };

/** One routing step of a transfer ticket (see ticket.ts). */
export const ticketStepCheck = discriminated('step', [
  strictObject({ step: literal('dispatch'), ...stepBase }),
  strictObject({ step: literal('hand-to-agent'), ...stepBase }),
  strictObject({ step: literal('sign-receipt'), ...stepBase }),
  strictObject({
    step: literal('reply'),
    ...stepBase,
    /** Failed callback: the customer's corrected phone number. */
    correctedPhone: optional(string(matches(PHONE.pattern, PHONE.message))),
    /** Level-1 / level-2: what the agent did, in words. */
    actionTaken: optional(string(trim, minLength(1), maxLength(2000))),
  }),
  strictObject({ step: literal('collect'), ...stepBase }),
  strictObject({ step: literal('archive'), ...stepBase }),
]);
export type TicketStep = Infer<typeof ticketStepCheck>;
