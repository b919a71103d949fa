/**
 * What the bare workflow does, counted from a recorded happy-path history (bench/history.ts): the
 * main flow's commands in history order, split at the first Update, and what each Update's handler
 * does. The step that hands the call to the call center (the last activity or local activity before
 * the first Update) is where the bare driver is told to send its Updates.
 */
export type BareOp = 'localActivity' | 'activity' | 'upsert' | 'timer';

export interface BareShape {
  /** Main-flow commands before the first Update, in order. */
  before: BareOp[];
  /** Index in `before` of the (local) activity that hands the "call" to the driver; -1 if none. */
  dispatchAt: number;
  /** The Updates the driver sends, in order, with what each one's handler records. */
  updates: { localActivities: number; activities: number; upserts: number }[];
  /** Main-flow commands after the Updates. */
  after: BareOp[];
}

export function describeShape(s: BareShape): string {
  const ops = (list: BareOp[]) => list.map((op, i) => (list === s.before && i === s.dispatchAt ? `${op}*` : op)).join(' → ') || '(none)';
  const updates = s.updates.map((u, i) => `update ${i + 1} {${u.localActivities} LA, ${u.activities} act, ${u.upserts} upserts}`).join(', ');
  return `${ops(s.before)} ‖ ${updates || 'no updates'} ‖ ${ops(s.after)}  (* hands over the call)`;
}
