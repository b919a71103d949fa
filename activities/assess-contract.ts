/**
 * The first stage's I/O: everything that depends on configuration (rules, cooling-off, calendar,
 * questionnaire, call plan) is decided here, once, and recorded in history. A configuration change
 * therefore never changes the course of a running workflow; it applies to the next contracts.
 */
import type { Settings } from '../config/settings';
import type { Contract } from '../domain/contract';
import { planAttempts, type PlannedSlot } from '../domain/call-plan';
import type { CallingHours } from '../domain/calling-hours';
import { decideCallback, type CallbackDecision } from '../domain/callback-rules';
import { coolingOffPeriod, type CoolingOffPeriod } from '../domain/cooling-off';
import type { DeadlinesConfig } from '../domain/deadlines';
import { questionsFor, type Question } from '../domain/questionnaire';
import type { ReasonCode, TicketType } from '../domain/transfer-reasons';

export interface AssessContractInput {
  contract: Contract;
  /** The workflow's clock, so the plan starts from workflow time (time-skipping tests included). */
  now: string;
}

export interface Assessment {
  decision: CallbackDecision;
  coolingOff: CoolingOffPeriod;
  /** Empty when no callback is required. */
  plan: PlannedSlot[];
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
}

export function createAssessActivities(settings: Settings) {
  const plan = (now: string, coolingOffEndsAt: string, preference?: CallingHours): PlannedSlot[] =>
    planAttempts({
      now: new Date(now),
      coolingOffEndsAt: new Date(coolingOffEndsAt),
      config: settings.callPlan,
      calendar: settings.calendar,
      timeZone: settings.timeZone,
      preference,
    });
  return {
    /** A new round of attempts (a corrected number, or a call to confirm an agent's reply). */
    async planCallRound({ now, coolingOffEndsAt, preference }: { now: string; coolingOffEndsAt: string; preference?: CallingHours }): Promise<PlannedSlot[]> {
      return plan(now, coolingOffEndsAt, preference);
    },

    async assessContract({ contract, now }: AssessContractInput): Promise<Assessment> {
      const decision = decideCallback(contract, settings.callbackRules);
      const coolingOff = coolingOffPeriod(contract, settings.coolingOff, settings.calendar, settings.timeZone);
      const slots = decision.required ? plan(now, coolingOff.endsAt, contract.callPreference) : [];
      const ticketTypeOf = Object.fromEntries(
        Object.entries(settings.transferReasons.reasons).map(([code, r]) => [code, r.ticketType]),
      ) as Record<ReasonCode, TicketType>;
      return {
        decision,
        coolingOff,
        plan: slots,
        questions: questionsFor(contract, settings.questionnaire),
        ticketTypeOf,
        maxAttempts: settings.callPlan.maxAttempts,
        callBackWindowMinutes: settings.callPlan.callBackWindowMinutes,
        maxFailedCallbackTickets: settings.tickets.maxFailedCallbackTickets,
        maxLevel1Tickets: settings.tickets.maxLevel1Tickets,
        minHoursForPhoneRound: settings.fallback.minHoursForPhoneRound,
        deadlines: settings.deadlines,
      };
    },
  };
}
