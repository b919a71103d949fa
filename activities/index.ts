/** All activities of the worker, wired to their dependencies (configuration, call center, storage). */
import type { Settings } from '../config/settings';
import { createAssessActivities } from './assess-contract';
import { createCallCenterActivities, type CallCenter } from './call-center';
import { createRecordingActivities, type RecordingStore } from './recording-store';

export interface ActivityDeps {
  settings: Settings;
  callCenter: CallCenter;
  recordings: RecordingStore;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAssessActivities(deps.settings),
    ...createCallCenterActivities(deps.callCenter),
    ...createRecordingActivities(deps.recordings),
  };
}

export type Activities = ReturnType<typeof createActivities>;
