/** The `placeCall` activity: the workflow's call task, handed to the call center (call-center/). */
import type { CallCenter, CallTask } from '../call-center/call-center';

export function createCallCenterActivities(callCenter: CallCenter) {
  return {
    async placeCall(task: CallTask): Promise<void> {
      await callCenter.placeCall(task);
    },
  };
}
