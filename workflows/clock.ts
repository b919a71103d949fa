/** Workflow time helpers (deterministic: `Date.now()` inside a workflow is the replayed workflow clock). */

export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

export function msUntil(iso: string): number {
  return Math.max(0, Date.parse(iso) - Date.now());
}

/** The instant `ms` from now on the workflow clock, as a deadline for workflows/waits.ts. */
export function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
