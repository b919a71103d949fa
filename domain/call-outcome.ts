/**
 * What the call center (a person through the API, or the dialer) reports for one call attempt.
 * The same schema checks the API body and, inside the workflow, the `recordCallOutcome` Update, so
 * both reject the same things with the same words.
 */
import { z } from 'zod';
import { ANSWERS } from './answers';
import { CHECKSUM, ISO_INSTANT_MESSAGE, RECORDING_REFERENCE } from './patterns';
import { CALL_OUTCOMES, REASON_CODES } from './vocabulary';

export { CALL_OUTCOMES, UNREACHABLE_OUTCOMES, type CallOutcome } from './vocabulary';

export const isoInstant = z.iso.datetime({ offset: true, message: ISO_INSTANT_MESSAGE });

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
    reference: z.string().regex(RECORDING_REFERENCE.pattern, RECORDING_REFERENCE.message),
    checksum: z.string().regex(CHECKSUM.pattern, CHECKSUM.message),
    uploadedBy: z.string().min(1).max(64),
  })
  .strict()
  .refine((r) => !r.reference.includes('..'), { path: ['reference'], message: RECORDING_REFERENCE.dotDotMessage });
export type RecordingUpload = z.infer<typeof recordingUploadSchema>;
