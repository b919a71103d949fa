/** Workflow time helpers (deterministic: `Date.now()` inside a workflow is the replayed workflow clock). */
import { sleep } from '@temporalio/workflow';

export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

export function msUntil(iso: string): number {
  return Math.max(0, Date.parse(iso) - Date.now());
}

/** `summary`: what the timer waits for, shown on it in the Web UI (workflows/summaries.ts). */
export async function sleepUntil(iso: string, summary?: string): Promise<void> {
  const ms = msUntil(iso);
  if (ms > 0) await sleep(ms, summary ? { summary } : undefined);
}
