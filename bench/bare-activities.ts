/**
 * The bare workflow's activities and its driver: no domain logic. The dispatching activity returns at
 * once and, on the next turn of the event loop (as the bench call center does), the driver sends the
 * workflow its Updates one after the other through an ordinary client.
 */
import type { Client } from '@temporalio/client';
import type { CallCenterStats } from './call-center';

export class BareDriver {
  readonly stats: CallCenterStats = { placed: 0, reported: 0, uploaded: 0, failures: 0, retries: 0 };
  constructor(private readonly client: Client) {}

  dispatch(workflowId: string, updates: number): void {
    this.stats.placed++;
    setTimeout(() => void this.send(workflowId, updates), 0);
  }

  private async send(workflowId: string, updates: number): Promise<void> {
    try {
      const handle = this.client.workflow.getHandle(workflowId);
      for (let i = 0; i < updates; i++) {
        await handle.executeUpdate<number, [number]>('bareUpdate', { args: [i] });
        if (i === 0) this.stats.reported++;
      }
      this.stats.uploaded++;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = `${workflowId}: ${(err as Error).message}`;
    }
  }
}

export interface BareStep {
  workflowId: string;
  /** This step hands the "call" over: the driver then sends the workflow its Updates. */
  dispatch: boolean;
  updates: number;
}

export function createBareActivities(driver: BareDriver) {
  const step = async ({ workflowId, dispatch, updates }: BareStep): Promise<void> => {
    if (dispatch) driver.dispatch(workflowId, updates);
  };
  return { bareLocal: step, bareActivity: step };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
