/** Workflow time helpers (deterministic: `Date.now()` inside a workflow is the replayed workflow clock). */
import { sleep } from '@temporalio/workflow';

export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

export function msUntil(iso: string): number {
  return Math.max(0, Date.parse(iso) - Date.now());
}

export async function sleepUntil(iso: string): Promise<void> {
  const ms = msUntil(iso);
  if (ms > 0) await sleep(ms);
}
