/**
 * What the bare workflow does, counted from a recorded happy-path history (bench/history.ts): the
 * main flow's commands in history order, split at the first Update, and what each Update's handler
 * does. The step that hands the call to the call center (the last activity or local activity before
 * the first Update) is where the bare driver is told to send its Updates.
 */
export type BareOp = 'localActivity' | 'activity' | 'upsert' | 'timer' | 'sleep';

export interface BareShape {
  /** Main-flow commands before the first Update, in order. */
  before: BareOp[];
  /** Index in `before` of the (local) activity that hands the "call" to the driver; -1 if none. */
  dispatchAt: number;
  /** The Updates the driver sends, in order, with what each one's handler records. */
  updates: { localActivities: number; activities: number; upserts: number }[];
  /** Main-flow commands after the Updates. */
  after: BareOp[];
  /** How long a 'sleep' op sleeps (0: no timer, as a callback whose slot has started does not sleep). */
  sleepMs?: number;
}

/**
 * The irreducible shape of a callback, the physical limit of this machine and server: start →
 * decide (a local activity) → sleep to the slot → place the call (a local activity handing it over)
 * → wait for the outcome, bounded by the slot (a timer) → the outcome (an Update) → wait for the
 * recording, bounded (a timer) → the recording checked (an Update with a local activity) → close.
 * No search attributes, no evidence rows, no projection: only what no callback can do without.
 */
export function irreducibleShape(sleepMs: number): BareShape {
  return {
    before: ['localActivity', 'sleep', 'localActivity', 'timer', 'timer'],
    dispatchAt: 2,
    updates: [
      { localActivities: 0, activities: 0, upserts: 0 },
      { localActivities: 1, activities: 0, upserts: 0 },
    ],
    after: [],
    sleepMs,
  };
}

export function describeShape(s: BareShape): string {
  const ops = (list: BareOp[]) => list.map((op, i) => (list === s.before && i === s.dispatchAt ? `${op}*` : op)).join(' → ') || '(none)';
  const updates = s.updates.map((u, i) => `update ${i + 1} {${u.localActivities} LA, ${u.activities} act, ${u.upserts} upserts}`).join(', ');
  const sleep = s.before.includes('sleep') ? `, sleep ${s.sleepMs ?? 0} ms` : '';
  return `${ops(s.before)} ‖ ${updates || 'no updates'} ‖ ${ops(s.after)}  (* hands over the call${sleep})`;
}
