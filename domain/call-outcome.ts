/**
 * What the call center (a person through the API, or the dialer) reports for one call attempt, and
 * the recording upload. Each message is defined once (message-checks.ts): the workflow's Updates run
 * that check, and the API checks bodies with the zod schema derived from it here, so both reject the
 * same things with the same words.
 */
import { callOutcomeCheck, recordingUploadCheck } from './message-checks';
import { zodOf } from './message-schemas';

export { CALL_OUTCOMES, UNREACHABLE_OUTCOMES, type CallOutcome } from './vocabulary';
export type { CallOutcomeReport, RecordingUpload } from './message-checks';

export const callOutcomeSchema = zodOf(callOutcomeCheck);
export const recordingUploadSchema = zodOf(recordingUploadCheck);
