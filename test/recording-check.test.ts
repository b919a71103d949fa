/**
 * The recording check when storage is down, with the activity replaced (the workflow fixture): the
 * uploader is told to try again, in words, and the callback still waits for its recording.
 */
import { ApplicationFailure } from '@temporalio/common';
import { aContractSignedDaysAgo, completedCall, OPERATOR, waitForCall } from './helpers/drive';
import { useWorkflowFixture } from './helpers/workflow-fixture';

let storageUp = false;
const fixture = useWorkflowFixture({
  activities: {
    async verifyRecording() {
      if (!storageUp) throw ApplicationFailure.create({ message: 'recording storage unreachable', nonRetryable: true });
      return { sizeBytes: 1234 };
    },
  },
});

test('storage down: the upload is refused with a reason to try again, and the callback keeps waiting for it', async () => {
  const h = fixture();
  const contract = await aContractSignedDaysAgo(h, 1);
  await h.withWorker(async () => {
    await h.huifang.startCallback(contract);
    const report = completedCall(await waitForCall(h, contract.policyNo, 1));
    await h.huifang.recordCallOutcome(contract.policyNo, report);
    const upload = { reference: report.recordingRef!, checksum: `sha256:${'0'.repeat(64)}`, uploadedBy: OPERATOR };
    await expect(h.huifang.uploadRecording(contract.policyNo, upload)).rejects.toThrow(/could not be checked \(recording storage unreachable\); try the upload again/);
    expect(await h.huifang.getCallbackState(contract.policyNo)).toMatchObject({ stage: 'AWAITING_RECORDING' });
    storageUp = true;
    expect(await h.huifang.uploadRecording(contract.policyNo, upload)).toMatchObject({ stage: 'COMPLETED', recording: { sizeBytes: 1234 } });
  });
});
