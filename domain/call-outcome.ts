/**
 * What the call center (a person through the API, or the dialer) reports for one call attempt.
 * The same schema checks the API body and, inside the workflow, the `recordCallOutcome` Update, so
 * both reject the same things with the same words.
 */
import { z } from 'zod';
import { ANSWERS } from './questionnaire';
import { REASON_CODES, type ReasonCode } from './transfer-reasons';

export const CALL_OUTCOMES = [
  'completed', // 回访成功: the questionnaire was gone through
  'refused', // 拒绝回访 / refused to answer: a legitimate close
  'no-answer',
  'busy',
  'callback-later', // "call me back at …"
  'wrong-number',
  'not-in-service',
  'suspended',
  'no-number',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes that say the number on file cannot reach the policyholder: no use trying it again. */
export const UNREACHABLE_OUTCOMES: Partial<Record<CallOutcome, ReasonCode>> = {
  'wrong-number': 'wrong-number',
  'not-in-service': 'not-in-service',
  suspended: 'suspended',
  'no-number': 'no-number',
};

export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00+08:00' });

export const callOutcomeSchema = z
  .object({
    attemptId: z.string().min(1),
    outcome: z.enum(CALL_OUTCOMES),
    /** Staff id of the caller, or the dialer's id. */
    operator: z.string().min(1).max(64),
    calledAt: isoInstant.optional(),
    answers: z.record(z.string(), z.enum(ANSWERS)).optional(),
    /** Problems the customer raised beyond the questionnaire (e.g. wants to surrender). */
    reportedProblems: z.array(z.enum(REASON_CODES)).optional(),
    callBackAt: isoInstant.optional(),
    recordingRef: z.string().min(1).max(200).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.outcome === 'completed' && !o.answers) {
      ctx.addIssue({ code: 'custom', path: ['answers'], message: 'a completed call must carry the answers to the questionnaire' });
    }
    if (o.outcome !== 'completed' && o.answers) {
      ctx.addIssue({ code: 'custom', path: ['answers'], message: `answers belong to a completed call, not '${o.outcome}'` });
    }
    if (o.outcome === 'callback-later' && !o.callBackAt) {
      ctx.addIssue({ code: 'custom', path: ['callBackAt'], message: "'callback-later' needs the time the customer asked to be called back" });
    }
  });
export type CallOutcomeReport = z.infer<typeof callOutcomeSchema>;

export const recordingUploadSchema = z
  .object({
    reference: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]{0,199}$/, 'must be a storage key of letters, digits, dots, dashes, underscores and slashes'),
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be 'sha256:' followed by 64 lower-case hex digits"),
    uploadedBy: z.string().min(1).max(64),
  })
  .strict()
  .refine((r) => !r.reference.includes('..'), { path: ['reference'], message: "must not contain '..'" });
export type RecordingUpload = z.infer<typeof recordingUploadSchema>;
