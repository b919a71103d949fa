/**
 * The first stage's I/O: everything that depends on configuration (rules, cooling-off, calendar,
 * questionnaire, call plan) is decided here, once, and recorded in history. A configuration change
 * therefore never changes the course of a running workflow; it applies to the next contracts.
 *
 * One exception is additive: next year's working-day calendar. A plan that reaches a year without
 * it covers the days before that year and says so (calendarMissing); the workflow calls those, then
 * asks planCallRound again every calendarYear.recheckHours. The calendar looks in its directory for
 * the missing year each time (domain/working-day-calendar.ts), so the operator's new file is used by
 * the next re-check without a restart, and every other decision stays as recorded.
 */
import { log } from '@temporalio/activity';
import type { Settings } from '../config/settings';
import type { Contract } from '../domain/contract';
import { instantAt } from '../domain/local-time';
import { planAttempts, type CalendarGap, type PlannedSlot } from '../domain/call-plan';
import type { CallingHours } from '../domain/calling-hours';
import { callbackMonthOf } from '../domain/callback-month';
import { decideCallback, drawNeeded, type CallbackDecision } from '../domain/callback-rules';
import { coolingOffPeriod, type CoolingOffPeriod } from '../domain/cooling-off';
import type { DeadlinesConfig } from '../domain/deadlines';
import { firstMethod, type ECallbackConfig, type MethodDecision } from '../domain/e-callback';
import { questionsFor, type Question } from '../domain/questionnaire';
import { drawText, isDrawn, samplingScope, type SamplingDraw } from '../domain/sampling';
import { ticketTypesOf, type ReasonCode, type TicketType } from '../domain/transfer-reasons';
import type { EvidenceStore } from '../stores/evidence-store';
import { drawSample } from '../stores/sampling-draws';

export interface AssessContractInput {
  contract: Contract;
  /** The workflow's clock, so the plan starts from workflow time (time-skipping tests included). */
  now: string;
}

/** A plan of calls, whole or up to a year the working-day calendar does not have yet. */
export interface RoundPlan {
  slots: PlannedSlot[];
  /** Set when the slots stop before a missing calendar year: then `recheckHours` says when to ask again. */
  calendarMissing?: CalendarGap;
  recheckHours?: number;
}

export interface PlanRoundInput {
  now: string;
  coolingOffEndsAt: string;
  preference?: CallingHours;
}

export interface Assessment {
  decision: CallbackDecision;
  coolingOff: CoolingOffPeriod;
  /** Empty when no callback is required. */
  plan: PlannedSlot[];
  /** Set when the plan stops before a year the working-day calendar does not have yet. */
  calendarMissing?: CalendarGap;
  questions: Question[];
  ticketTypeOf: Record<ReasonCode, TicketType>;
  maxAttempts: number;
  callBackWindowMinutes: number;
  maxFailedCallbackTickets: number;
  maxLevel1Tickets: number;
  /** No further phone round when the cooling-off period ends sooner than this (then letter / on-site). */
  minHoursForPhoneRound: number;
  /** The deadlines of the waits staff end (recording, tickets, the branch), as configured at the start. */
  deadlines: DeadlinesConfig;
  /** How the callback starts (absent in assessments made before e-callback: phone). */
  method?: MethodDecision;
  /** The e-callback stage's timing, when it starts that way. */
  eCallback?: Pick<ECallbackConfig, 'stageHours' | 'minHoursLeftForPhone' | 'resendAfterHours' | 'linkValidHours'>;
}

/**
 * `evidence` keeps the sampling draws (stores/sampling-draws.ts): without it only contracts that need
 * no draw (ratio 0 or 1, or no rule) can be assessed.
 */
export function createAssessActivities(settings: Settings, evidence?: EvidenceStore) {
  // Which ticket handles each reason: from the configuration, once per worker, not per assessment.
  const ticketTypeOf = ticketTypesOf(settings.transferReasons);
  const plan = ({ now, coolingOffEndsAt, preference }: PlanRoundInput): RoundPlan => {
    const planned = planAttempts({
      now: new Date(now),
      coolingOffEndsAt: new Date(coolingOffEndsAt),
      config: settings.callPlan,
      calendar: settings.calendar,
      timeZone: settings.timeZone,
      preference,
    });
    if (!planned.calendarMissing) return planned;
    const { year, from, file } = planned.calendarMissing;
    // Ops' reminder, on every plan cut short (each re-check of a waiting callback too): the worker's log.
    log.warn(`no working-day calendar for ${year}: calls planned up to ${from} only; add ${file} from the State Council's holiday notice`, { missingYear: year, file, slots: planned.slots.length });
    return { ...planned, recheckHours: settings.deadlines.calendarYear.recheckHours };
  };
  // A sampled contract's place in its scope (rule, tier-4 office, callback month): drawn once, stored.
  const draw = async (contract: Contract, now: string): Promise<SamplingDraw | undefined> => {
    const need = drawNeeded(contract, settings.callbackRules);
    if (!need) return undefined;
    if (!evidence) throw new Error(`${need.ruleId} samples ${contract.policyNo} at ratio ${need.ratio}: the assessment needs the evidence store to draw`);
    const month = callbackMonthOf({ receiptSignedOn: contract.receiptSignedOn, startedAt: now }, settings.timeZone);
    const scope = samplingScope(need.ruleId, contract.org.tier4Office, month, need.ratio, need.ruleRatio);
    return drawSample(evidence, { policyNo: contract.policyNo, scope, ratio: need.ratio, at: now }, (position) => ({
      selected: isDrawn(position, need.ratio),
      reason: drawText({ scope, position }, need.ratio),
    }));
  };
  return {
    /**
     * A new round of attempts (a corrected number, a call to confirm an agent's reply), or the rest of
     * a plan that stopped before a missing calendar year (the workflow asks again until it is there).
     */
    async planCallRound(input: PlanRoundInput): Promise<RoundPlan> {
      return plan(input);
    },

    async assessContract({ contract, now }: AssessContractInput): Promise<Assessment> {
      const decision = decideCallback(contract, settings.callbackRules, await draw(contract, now));
      const coolingOff = coolingOffPeriod(contract, settings.coolingOff, settings.calendar, settings.timeZone);
      // No attempt before the cooling-off period starts (the day after the receipt was signed).
      const from = new Date(Math.max(Date.parse(now), instantAt(coolingOff.startsOn, '00:00', settings.timeZone).getTime())).toISOString();
      const planned: RoundPlan = decision.required ? plan({ now: from, coolingOffEndsAt: coolingOff.endsAt, preference: contract.callPreference }) : { slots: [] };
      return {
        decision,
        coolingOff,
        plan: planned.slots,
        ...(planned.calendarMissing ? { calendarMissing: planned.calendarMissing } : {}),
        questions: questionsFor(contract, settings.questionnaire),
        ticketTypeOf,
        maxAttempts: settings.callPlan.maxAttempts,
        callBackWindowMinutes: settings.callPlan.callBackWindowMinutes,
        maxFailedCallbackTickets: settings.tickets.maxFailedCallbackTickets,
        maxLevel1Tickets: settings.tickets.maxLevel1Tickets,
        minHoursForPhoneRound: settings.fallback.minHoursForPhoneRound,
        deadlines: settings.deadlines,
        ...(decision.required ? eCallbackPart(contract, settings.eCallback) : {}),
      };
    },
  };
}

/** The method decision, and the e-callback timing when the callback starts that way. */
function eCallbackPart(contract: Contract, config: ECallbackConfig): Pick<Assessment, 'method' | 'eCallback'> {
  const method = firstMethod(contract, config);
  if (method.method !== 'e-callback') return { method };
  const { stageHours, minHoursLeftForPhone, resendAfterHours, linkValidHours } = config;
  return { method, eCallback: { stageHours, minHoursLeftForPhone, resendAfterHours, linkValidHours } };
}
