/**
 * The one-line summaries and details staff read in the Temporal Web UI: on each workflow, timer and
 * activity, what policy or ticket it is, its stage, the next step and when it is due (Asia/Shanghai
 * wall-clock time, as staff read it). Business keys, stages and times only, never personal data: the
 * text is user metadata, encrypted by the payload codec like every payload, but it is also what
 * the UI shows anyone with access to the namespace.
 */
import type { PlannedSlot } from '../domain/call-plan';
import type { CallbackStage, CallbackState } from '../domain/callback-state';
import type { Contract } from '../domain/contract';
import { DEFAULT_TIME_ZONE } from '../domain/vocabulary';
import type { TicketInput, TicketState, TicketStepName } from '../domain/ticket';
import { nextStep } from '../domain/ticket-rules';

/**
 * `2026-12-01 09:30`, in the business's time zone. Intl rather than domain/local-time's TZDate: in
 * the workflow sandbox, whose Date is replaced by a deterministic one, TZDate reads UTC.
 */
export function localStamp(iso: string): string {
  const p = partsOf(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `09:30`, in the business's time zone. */
export function localClock(iso: string): string {
  const p = partsOf(iso);
  return `${p.hour}:${p.minute}`;
}

const FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: DEFAULT_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(iso: string): Record<string, string> {
  return Object.fromEntries(FORMAT.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
}

// --- the callback workflow --------------------------------------------------------------------

export function callbackStaticSummary(contract: Contract): string {
  return `callback ${contract.policyNo} · ${contract.channel} ${contract.productType} ${contract.productCode} · ${contract.org.centralSubBranch} / ${contract.org.tier4Office}`;
}

export function callbackStaticDetails(contract: Contract): string {
  return [
    `**Policy** ${contract.policyNo} (${contract.productCode}, ${contract.productType}, ${contract.termMonths} months, ${contract.premium.mode} premium)`,
    `**Channel** ${contract.channel} · **region** ${contract.regionCode}`,
    `**Org** ${contract.org.branch} / ${contract.org.centralSubBranch} / ${contract.org.tier4Office} · **agent** ${contract.agent.code}`,
    `**Receipt signed** ${contract.receiptSignedOn} · **issued** ${contract.issuedOn}`,
    `Times in ${DEFAULT_TIME_ZONE}. Personal data is in the encrypted input only.`,
  ].join('\n');
}

/** The workflow's current details: the stage, what comes next and the period it must fit in. */
export function callbackCurrentDetails(state: CallbackState): string {
  const since = state.stageHistory.at(-1);
  // A refusal's note is the operator's free text: left to the encrypted state, not shown here.
  const note = since?.note && state.stage !== 'REFUSED' ? ` (${since.note})` : '';
  const lines = [`**${state.policyNo}** · ${state.stage}${since ? ` since ${localStamp(since.at)}` : ''}${note}`];
  const next = nextStepOf(state);
  if (next) lines.push(`**Next** ${next}`);
  if (state.coolingOff) lines.push(`**Cooling-off** ${state.coolingOff.startsOn} to ${state.coolingOff.lastDay}`);
  lines.push(`**Attempts** ${state.attemptsMade} with an outcome · **tickets** ${state.tickets.length} (${state.tickets.filter((t) => !t.closedAt).length} open)`);
  return lines.join('\n');
}

function nextStepOf(state: CallbackState): string | undefined {
  switch (state.stage) {
    case 'AWAITING_CALL':
      return state.nextAttemptAt ? `attempt ${state.attempts.length + 1} at ${localStamp(state.nextAttemptAt)}` : undefined;
    case 'CALLING': {
      const open = state.attempts.at(-1);
      return open ? `outcome of attempt ${open.attemptNo} by ${localStamp(open.slot.end)}` : undefined;
    }
    case 'AWAITING_RECORDING':
      return 'the call recording upload';
    case 'AWAITING_TICKET':
      return `reply or archiving of ${state.tickets.filter((t) => !t.closedAt).map((t) => t.ticketId).join(', ') || 'the open tickets'}`;
    case 'AWAITING_RECEIPT':
      return `the signed receipt of the ${state.fallback?.kind ?? 'fallback'} callback`;
    default:
      return undefined;
  }
}

export function attemptDueSummary(policyNo: string, attemptNo: number, slot: PlannedSlot): string {
  return `${policyNo} · AWAITING_CALL · attempt ${attemptNo} due ${localStamp(slot.start)} (${slot.slot}${slot.late ? ', late' : ''})`;
}

export function outcomeDueSummary(policyNo: string, attemptNo: number, slot: PlannedSlot): string {
  return `${policyNo} · CALLING · outcome of attempt ${attemptNo} due by ${localStamp(slot.end)}`;
}

export function placeCallSummary(policyNo: string, attemptNo: number, slot: PlannedSlot): string {
  return `${policyNo} · CALLING · place attempt ${attemptNo}, slot ${localClock(slot.start)}-${localClock(slot.end)}`;
}

export function activitySummary(policyNo: string, stage: CallbackStage, what: string): string {
  return `${policyNo} · ${stage} · ${what}`;
}

export function receiptDueSummary(policyNo: string, kind: string, dueAt: string): string {
  return `${policyNo} · AWAITING_RECEIPT · signed receipt of the ${kind} callback due by ${localStamp(dueAt)}`;
}

// --- the transfer ticket ----------------------------------------------------------------------

export function ticketStaticSummary(input: TicketInput): string {
  return `${input.type} ticket ${input.ticketId} · policy ${input.policyNo} · ${input.org.centralSubBranch} / ${input.org.tier4Office} · agent ${input.agentCode}`;
}

export function ticketStaticDetails(input: TicketInput): string {
  return [
    `**Ticket** ${input.ticketId} (${input.type}) for policy ${input.policyNo}`,
    `**Reasons** ${input.reasons.join(', ')}`,
    `**Org** ${input.org.branch} / ${input.org.centralSubBranch} / ${input.org.tier4Office} · **agent** ${input.agentCode}`,
  ].join('\n');
}

const STEP_WORDS: Record<TicketStepName, string> = {
  dispatch: 'dispatch by the tier-3 handler',
  'hand-to-agent': 'hand to the agent (tier-4 office)',
  'sign-receipt': "the agent's signature on the register",
  reply: "the agent's reply",
  collect: 'collection of the signed order (tier-4 office)',
  archive: 'archiving (tier-3 handler)',
};

export function ticketCurrentDetails(state: TicketState): string {
  const last = state.steps.at(-1);
  const lines = [`**${state.ticketId}** · ${state.stage}${last ? ` since ${localStamp(last.at)} (${last.step} by ${last.actor.role} ${last.actor.id})` : ''}`];
  const next = nextStep(state.type, state.stage);
  if (next) lines.push(`**Next** ${STEP_WORDS[next.step]}${state.dueAt && !state.reply ? `; reply due ${localStamp(state.dueAt)}` : ''}`);
  if (state.overdue) lines.push('**Overdue** the reply is past its due time');
  const up = state.escalations.map((e) => `${e.about} to ${e.to} ${e.code} at ${localStamp(e.at)}`);
  if (up.length) lines.push(`**Escalated** ${up.join('; ')}`);
  const reminded = state.reminders.at(-1);
  if (reminded) lines.push(`**Reminders** ${state.reminders.length}, last to ${reminded.role} ${reminded.code} about ${reminded.about} at ${localStamp(reminded.at)}`);
  return lines.join('\n');
}

export function ticketTimerSummary(ticketId: string, stage: string, what: string, dueAt: string): string {
  return `${ticketId} · ${stage} · ${what} ${localStamp(dueAt)}`;
}
