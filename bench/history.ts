/** Counting a recorded history: what the bench reports per policy and what the bare workflow mirrors. */
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';
import type { BareOp, BareShape } from './bare-shape';

const E = proto.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;

export interface HistoryCounts {
  events: number;
  workflowTasks: number;
  localActivities: number;
  activities: number;
  timers: number;
  updates: number;
  upserts: number;
  childWorkflows: number;
}

export function countHistory(history: History): HistoryCounts {
  const events = history.events ?? [];
  const n = (type: number) => events.filter((e) => e.eventType === type).length;
  return {
    events: events.length,
    workflowTasks: n(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    localActivities: n(E.EVENT_TYPE_MARKER_RECORDED),
    activities: n(E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    timers: n(E.EVENT_TYPE_TIMER_STARTED),
    updates: n(E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    upserts: n(E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    childWorkflows: n(E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
  };
}

/** The same counts as the callback's history, placed where the callback workflow has them. */
export function shapeOf(history: History): BareShape {
  const shape: BareShape = { before: [], dispatchAt: -1, updates: [], after: [] };
  const open = new Map<string, number>(); // accepted event id → index in shape.updates
  const current = () => (open.size > 0 ? shape.updates[[...open.values()].at(-1)!] : undefined);
  const main = (op: BareOp) => (shape.updates.length === 0 ? shape.before : shape.after).push(op);
  for (const e of history.events ?? []) {
    const u = current();
    switch (e.eventType) {
      case E.EVENT_TYPE_MARKER_RECORDED:
        if (u) u.localActivities++;
        else main('localActivity');
        break;
      case E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        if (u) u.activities++;
        else main('activity');
        break;
      case E.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        if (u) u.upserts++;
        else main('upsert');
        break;
      case E.EVENT_TYPE_TIMER_STARTED:
        main('timer');
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        open.set(String(e.eventId), shape.updates.push({ localActivities: 0, activities: 0, upserts: 0 }) - 1);
        break;
      case E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        open.delete(String(e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId));
        break;
    }
  }
  shape.before.forEach((op, i) => {
    if (op === 'activity' || op === 'localActivity') shape.dispatchAt = i;
  });
  return shape;
}

export function describeCounts(c: HistoryCounts): string {
  return `${c.events} events (${c.workflowTasks} workflow tasks, ${c.localActivities} local activities, ${c.activities} activities, ${c.timers} timers, ${c.updates} updates, ${c.upserts} upserts${c.childWorkflows ? `, ${c.childWorkflows} child workflows` : ''})`;
}
