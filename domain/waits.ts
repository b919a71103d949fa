/**
 * Every wait of the callback and ticket workflows, declared once: the stage it happens in, what it
 * waits for, its deadline and what happens when the deadline passes. A case never waits on a person
 * or a system without one (test/waits.test.ts holds the workflows to this table, and the README's
 * stage table is this table). The workflows wait only through workflows/waits.ts, by these ids.
 */

export interface WaitDeclaration {
  /** The stage the case shows while it waits. */
  stage: string;
  /** What would end the wait before its deadline. */
  for: string;
  /** When the deadline falls, and the setting that decides it. */
  deadline: string;
  /** What the workflow does when the deadline passes. */
  onDeadline: string;
}

export const CALLBACK_WAITS = {
  'e-callback': {
    stage: 'AWAITING_E_CALLBACK',
    for: 'the policyholder to complete the e-callback on the page (identity, disclosures, questionnaire, signature), or to ask for a call there',
    deadline: 'the next re-send (resendAfterHours), then stageHours after the first link, and never later than minHoursLeftForPhone before the cooling-off period ends (config/e-callback.json)',
    onDeadline: 'send a new link (the old one stops working); at the last, the phone plan takes over with the time that is left',
  },
  'slot-start': {
    stage: 'AWAITING_CALL',
    for: 'the start of the next planned slot',
    deadline: 'the slot start (config/call-plan.json slots, calling hours, calendar)',
    onDeadline: 'place the call',
  },
  'calendar-year': {
    stage: 'AWAITING_CALL',
    for: "next year's working-day calendar file (config/calendar/cn-YYYY.json), once the plan's known days are used up (shown as state.waitingFor and the AwaitingCalendar search attribute)",
    deadline: 'calendarYear.recheckHours after the last look (config/deadlines.json)',
    onDeadline: 'plan the rest of the calls (planCallRound) if the file is there; else remind ops (a warning in the worker log) and wait again',
  },
  'call-outcome': {
    stage: 'CALLING',
    for: "the call center's outcome of the attempt",
    deadline: 'the end of the slot',
    onDeadline: 'the attempt counts as not made; the next slot, or the round ends',
  },
  'ticket-reply': {
    stage: 'AWAITING_TICKET',
    for: "the agent's reply to a failed-callback or level-1 ticket",
    deadline:
      'the last moment a phone round still fits: the cooling-off end less minHoursForPhoneRound (config/fallback.json), and at least minTicketWaitHours (config/deadlines.json) after the ticket opened',
    onDeadline: 'failed-callback: letter or on-site (or the branch); level-1: to the branch as unresolved. The ticket keeps its own escalation',
  },
  'receipt': {
    stage: 'AWAITING_RECEIPT',
    for: "the policyholder's signed receipt of the letter or visit",
    deadline: 'receiptWaitDays after the request (config/fallback.json)',
    onDeadline: 'to the branch as unresolved',
  },
  'recording-reminder': {
    stage: 'AWAITING_RECORDING',
    for: 'the call recording, uploaded and verified',
    deadline: 'recording.remindAfterHours after the call (config/deadlines.json)',
    onDeadline: 'remind the call center',
  },
  'recording': {
    stage: 'AWAITING_RECORDING',
    for: 'the call recording, uploaded and verified',
    deadline: 'recording.escalateAfterHours after the call (config/deadlines.json)',
    onDeadline: 'to the branch as unresolved',
  },
  'level-2-tickets': {
    stage: 'AWAITING_TICKET',
    for: 'the level-2 tickets archived',
    deadline: 'level2CloseDays after the call (config/deadlines.json)',
    onDeadline: 'to the branch as unresolved; the tickets keep their own escalation',
  },
  'branch-decision': {
    stage: 'UNRESOLVED',
    for: "the branch's decision (closeUnresolved Update), or what was missing arriving late (a recording, a receipt)",
    deadline: 'branchReminderDays after the escalation or the last reminder (config/deadlines.json)',
    onDeadline: 'remind the branch, and wait again',
  },
  'tickets-cancelled': {
    stage: 'WAIVED',
    for: 'the open tickets acknowledging their cancellation',
    deadline: '1 minute',
    onDeadline: 'close anyway (the parent-close policy cancels them)',
  },
  'handlers-finished': {
    stage: 'any closed stage',
    for: 'message handlers still running (a recording check, a waiver report)',
    deadline: '1 minute',
    onDeadline: 'close anyway; a late handler finds the case closed',
  },
} as const satisfies Record<string, WaitDeclaration>;

export const TICKET_WAITS = {
  'dispatch-reminder': {
    stage: 'AWAITING_DISPATCH',
    for: "the tier-3 handler's dispatch",
    deadline: 'dispatch.remindAfterWorkingHours after the ticket opened, in working hours: officeHours on the working days of the calendar (config/deadlines.json)',
    onDeadline: 'remind the tier-3 handler',
  },
  'dispatch': {
    stage: 'AWAITING_DISPATCH',
    for: "the tier-3 handler's dispatch",
    deadline: 'dispatch.escalateAfterWorkingHours after the ticket opened, in working hours (config/deadlines.json)',
    onDeadline: 'escalate to the branch, then remind it every branchReminderDays (branch-reminder)',
  },
  'reply-reminder': {
    stage: 'DISPATCHED / WITH_AGENT / SIGNED',
    for: "the agent's reply",
    deadline: 'remindAtLocalTime on the due day, replyDueWorkingDays after the dispatch day (config/tickets.json)',
    onDeadline: 'remind the agent and the tier-4 office',
  },
  'reply': {
    stage: 'DISPATCHED / WITH_AGENT / SIGNED',
    for: "the agent's reply",
    deadline: 'replyDueWorkingDays after the dispatch day, at dueAtLocalTime (config/tickets.json)',
    onDeadline: 'overdue: escalate to the tier-3 handler',
  },
  'reply-escalation': {
    stage: 'DISPATCHED / WITH_AGENT / SIGNED (overdue)',
    for: "the agent's reply",
    deadline: 'escalateToBranchAfterWorkingDays after the due day, at dueAtLocalTime (config/tickets.json)',
    onDeadline: 'escalate to the branch, then remind it every branchReminderDays (branch-reminder)',
  },
  'collect': {
    stage: 'REPLIED (level-2)',
    for: "the tier-4 office's collection of the signed order",
    deadline:
      'level2StepWorkingDays working days after the reply (as office hours: the same time of day, so many working days on), then as long again (config/deadlines.json)',
    onDeadline: 'the first time: remind the tier-4 office; the second: escalate to the branch, then remind it every branchReminderDays (branch-reminder)',
  },
  'archive': {
    stage: 'COLLECTED (level-2)',
    for: "the tier-3 handler's archiving",
    deadline: 'level2StepWorkingDays working days after the collection (as office hours), then as long again (config/deadlines.json)',
    onDeadline: 'the first time: remind the tier-3 handler; the second: escalate to the branch, then remind it every branchReminderDays (branch-reminder)',
  },
  'branch-reminder': {
    stage: 'any open stage, escalated to the branch',
    for: 'the step the ticket is waiting for',
    deadline: 'branchReminderDays calendar days after the escalation or the last reminder (config/deadlines.json)',
    onDeadline: 'remind the branch, and wait again',
  },
  'handlers-finished': {
    stage: 'CLOSED',
    for: 'message handlers still running',
    deadline: '1 minute',
    onDeadline: 'close anyway',
  },
} as const satisfies Record<string, WaitDeclaration>;

/** The office-month's letter/on-site quota (workflows/fallback-quota.workflow.ts). */
export const QUOTA_WAITS = {
  'quota-counted': {
    stage: 'a reservation arriving before the month is counted',
    for: "the first count of the office-month's callbacks (a local activity)",
    deadline: '1 minute after the request',
    onDeadline: "the request fails (QuotaNotCounted); the callback's reserveFallback activity asks again on its retry policy",
  },
  'month-closed': {
    stage: 'open for reservations',
    for: 'Temporal suggesting a new run (a long history)',
    deadline: 'the end of the month (closesAt)',
    onDeadline: 'the month closes: the workflow ends with its snapshot',
  },
  'quota-handlers-finished': {
    stage: 'closing',
    for: 'reservations still being decided',
    deadline: '1 minute',
    onDeadline: 'continue as new (or end) anyway; a late request is asked again by its activity',
  },
} as const satisfies Record<string, WaitDeclaration>;

export type CallbackWaitId = keyof typeof CALLBACK_WAITS;
export type TicketWaitId = keyof typeof TICKET_WAITS;
export type QuotaWaitId = keyof typeof QUOTA_WAITS;
export type WaitId = CallbackWaitId | TicketWaitId | QuotaWaitId;
