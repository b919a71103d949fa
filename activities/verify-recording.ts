/** The `verifyRecording` activity: the recording store's answer, a definite "no" failing at once. */
import { ApplicationFailure } from '@temporalio/common';
import { RecordingRejected, type RecordingStore, type VerifiedRecording } from '../stores/recording-store';

export function createRecordingActivities(store: RecordingStore) {
  return {
    async verifyRecording({ reference, checksum }: { reference: string; checksum: string }): Promise<VerifiedRecording> {
      try {
        return await store.verify(reference, checksum);
      } catch (err) {
        if (err instanceof RecordingRejected) {
          throw ApplicationFailure.nonRetryable(err.message, 'RecordingRejected');
        }
        throw err; // storage unavailable: retried by the activity's retry policy
      }
    },
  };
}
