/**
 * The callback's decisions, as pure functions of its state: what a call outcome does, whether an
 * outcome may be recorded at all, and what comes after a round of calls. The workflow
 * (workflows/callback/) only carries them out; these are unit-tested without a server.
 * Plain code without zod: the workflow bundle imports it (see plain-check.ts).
 */
import type { Answer } from './answers';
import { problemsInAnswers, unansweredQuestions } from './answers';
import type { CallOutcomeReport } from './call-outcome';
import type { PlannedSlot } from './call-plan';
import type { CallAttempt, CallbackStage, Problem } from './callback-state';
import type { Question } from './questionnaire';
import { UNREACHABLE_OUTCOMES, type ReasonCode, type TicketType } from './vocabulary';

/** What the workflow knows when an outcome arrives. */
export interface OutcomeContext {
  questions: readonly Pick<Question, 'id' | 'reasonIfNotYes'>[];
  ticketTypeOf: Record<ReasonCode, TicketType>;
  coolingOffEndsAt: string;
  callBackWindowMinutes: number;
}

/** What a recorded outcome does to the callback. */
export type OutcomeTransition =
  /** The policyholder answered the questionnaire: problems go out as tickets, otherwise the recording is awaited. */
  | { kind: 'reached'; stage: 'PROBLEM_FOUND' | 'AWAITING_RECORDING'; problems: Problem[] }
  | { kind: 'refused'; stage: 'AWAITING_RECORDING'; note?: string }
  /** The customer asked to be called back at a time: a window opens then, the plan resumes after it. */
  | { kind: 'call-back'; stage: 'AWAITING_CALL'; slot: PlannedSlot; note: string }
  /** The number itself fails (wrong, not in service, suspended): a failed-callback ticket asks for another. */
  | { kind: 'unreachable'; stage: 'UNREACHABLE'; reason: ReasonCode }
  /** Busy, no answer, not the policyholder…: the next slot. */
  | { kind: 'try-again'; stage: 'AWAITING_CALL'; note: string };

export function outcomeTransition(report: CallOutcomeReport, ctx: OutcomeContext): OutcomeTransition {
  switch (report.outcome) {
    case 'completed': {
      const problems = problemsOf(report.answers ?? {}, report.reportedProblems, ctx);
      return { kind: 'reached', stage: problems.length ? 'PROBLEM_FOUND' : 'AWAITING_RECORDING', problems };
    }
    case 'refused':
      // A refusal is closed only with its recording verified, as a completed call is.
      return { kind: 'refused', stage: 'AWAITING_RECORDING', note: report.note };
    case 'callback-later': {
      const at = Date.parse(report.callBackAt!);
      const slot: PlannedSlot = {
        slot: 'call-back',
        start: new Date(at).toISOString(),
        end: new Date(at + ctx.callBackWindowMinutes * 60_000).toISOString(),
        late: at >= Date.parse(ctx.coolingOffEndsAt),
      };
      return { kind: 'call-back', stage: 'AWAITING_CALL', slot, note: `customer asked to be called back at ${slot.start}` };
    }
    default: {
      const reason = UNREACHABLE_OUTCOMES[report.outcome];
      return reason ? { kind: 'unreachable', stage: 'UNREACHABLE', reason } : { kind: 'try-again', stage: 'AWAITING_CALL', note: report.outcome };
    }
  }
}

/** The plan after a call-back request: its window first, then the planned slots that start after it. */
export function planWithCallBack(plan: readonly PlannedSlot[], slot: PlannedSlot): PlannedSlot[] {
  return [slot, ...plan.filter((s) => Date.parse(s.start) >= Date.parse(slot.end))];
}

/** Why an outcome report is turned down, with the workflow left unchanged. */
export interface OutcomeRejection {
  message: string;
  /** Set for an attempt the workflow does not know (yet): the caller may report it again later. */
  unknownAttempt?: true;
}

export interface OutcomeCheckContext {
  policyNo: string;
  stage: CallbackStage;
  attempts: readonly CallAttempt[];
  /** The attempt whose slot is open, if any. */
  openAttemptId?: string;
  questions: readonly Pick<Question, 'id'>[];
  now: number;
}

/**
 * undefined: the report may be recorded, or is a harmless repeat of the recorded one.
 * `report` has passed the message check already (fields and their combinations).
 */
export function outcomeRejection(report: CallOutcomeReport, ctx: OutcomeCheckContext): OutcomeRejection | undefined {
  const attempt = ctx.attempts.find((a) => a.attemptId === report.attemptId);
  if (!attempt) return { message: `attempt '${report.attemptId}' is unknown for policy ${ctx.policyNo}`, unknownAttempt: true };
  if (attempt.report) {
    // A repeated delivery of the same outcome is harmless; a different one for a closed attempt is not.
    if (attempt.report.outcome === report.outcome) return undefined;
    return { message: `attempt '${report.attemptId}' already has outcome '${attempt.report.outcome}'` };
  }
  if (attempt.attemptId !== ctx.openAttemptId) return { message: `attempt '${report.attemptId}' is stale: its slot ended without an outcome` };
  if (ctx.stage !== 'CALLING') return { message: `no call outcome is expected in stage ${ctx.stage}` };
  if (report.outcome === 'completed') {
    const wrong = answersRejection(ctx.questions, report.answers ?? {});
    if (wrong) return { message: wrong };
  }
  if (report.outcome === 'callback-later' && Date.parse(report.callBackAt!) <= ctx.now) return { message: 'callBackAt must be in the future' };
  return undefined;
}

/** Why a set of answers (a call's, or a receipt's printed questionnaire) is incomplete or foreign; undefined when complete. */
export function answersRejection(questions: readonly Pick<Question, 'id'>[], answers: Record<string, Answer>): string | undefined {
  const missing = unansweredQuestions(questions, answers);
  if (missing.length) return `answers missing for: ${missing.join(', ')}`;
  const unknown = Object.keys(answers).filter((id) => !questions.some((q) => q.id === id));
  if (unknown.length) return `answers to questions not asked of this policy: ${unknown.join(', ')}`;
  return undefined;
}

/** The problems the answers reveal (and those reported beyond them), each once, with the ticket type that handles it. */
export function problemsOf(answers: Record<string, Answer>, reported: readonly ReasonCode[] | undefined, ctx: Pick<OutcomeContext, 'questions' | 'ticketTypeOf'>): Problem[] {
  const reasons = new Set<ReasonCode>([...problemsInAnswers(ctx.questions, answers), ...(reported ?? [])]);
  return [...reasons].map((reason) => ({ reason, ticketType: ctx.ticketTypeOf[reason] }));
}

/**
 * Once the recording is verified: a refused call closes as REFUSED, a completed one as COMPLETED,
 * unless tickets are still open (level-2: the agent's order to collect and archive).
 */
export function stageAfterRecording(refused: boolean, openTickets: number): 'REFUSED' | 'COMPLETED' | 'AWAITING_TICKET' {
  if (openTickets > 0) return 'AWAITING_TICKET';
  return refused ? 'REFUSED' : 'COMPLETED';
}

/** The problems of the last reached call, by the ticket type that handles them. */
export function problemsByType(stage: CallbackStage, problems: readonly Problem[]): Record<TicketType, ReasonCode[]> {
  const byType: Record<TicketType, ReasonCode[]> = { 'failed-callback': [], 'level-1': [], 'level-2': [] };
  if (stage === 'PROBLEM_FOUND') for (const p of problems) byType[p.ticketType].push(p.reason);
  return byType;
}

export interface RoundContext {
  stage: CallbackStage;
  problems: readonly Problem[];
  unreachableReason?: ReasonCode;
  failedCallbackTickets: number;
  level1Tickets: number;
  maxFailedCallbackTickets: number;
  maxLevel1Tickets: number;
}

/** After a round of calls: what the callback does next. */
export type NextStep =
  /** Reached (or refused) with nothing for the agent to fix first: the call part is over, the recording is next. */
  | { kind: 'calls-done'; note?: string }
  /** Ask the agent (a ticket) and, once answered, call again. */
  | { kind: 'ticket'; type: 'failed-callback' | 'level-1'; reasons: ReasonCode[] }
  /** The loop bound is reached: no corrected number that works. */
  | { kind: 'no-working-number'; note: string }
  /** The loop bound is reached: level-1 problems still there after the agent's replies. */
  | { kind: 'level-1-unresolved'; note: string };

/**
 * The transfer loop. Level-2 problems (`level2`) never hold up the call: their ticket runs beside it.
 * Failed-callback before level-1: without a working number nothing else can be confirmed.
 */
export function nextStepAfterRound(ctx: RoundContext): { level2: ReasonCode[]; next: NextStep } {
  const byType = problemsByType(ctx.stage, ctx.problems);
  const level2 = byType['level-2'];
  if (ctx.stage === 'AWAITING_RECORDING') return { level2, next: { kind: 'calls-done' } };
  if (ctx.stage === 'UNREACHABLE' || byType['failed-callback'].length) {
    if (ctx.failedCallbackTickets >= ctx.maxFailedCallbackTickets) {
      return { level2, next: { kind: 'no-working-number', note: `no working number after ${ctx.failedCallbackTickets} corrected numbers` } };
    }
    const reasons = ctx.stage === 'UNREACHABLE' ? [ctx.unreachableReason ?? 'unreachable'] : byType['failed-callback'];
    return { level2, next: { kind: 'ticket', type: 'failed-callback', reasons } };
  }
  if (byType['level-1'].length) {
    if (ctx.level1Tickets >= ctx.maxLevel1Tickets) {
      return { level2, next: { kind: 'level-1-unresolved', note: `level-1 problems unresolved after ${ctx.level1Tickets} transfers` } };
    }
    return { level2, next: { kind: 'ticket', type: 'level-1', reasons: byType['level-1'] } };
  }
  return { level2, next: { kind: 'calls-done', note: 'only level-2 problems: the call itself is complete' } };
}
