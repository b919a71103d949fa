/**
 * The answers of the API, as zod schemas for the OpenAPI document. The large states (a callback, a
 * ticket) are typed in domain/ and only their headline fields are spelled out here; the rest is
 * described as further properties.
 */
import { z } from 'zod';
import { CALLBACK_STAGES } from '../domain/callback-state';
import { TICKET_STAGES } from '../domain/ticket';
import { TICKET_TYPES } from '../domain/transfer-reasons';
import { RUN_STATUSES } from '../client/huifang-client';
import { principalSchema } from './roles';

export const fieldErrorsBody = z
  .object({
    error: z.string().describe('what was wrong, with the fields listed'),
    fields: z.array(z.object({ field: z.string().describe('dotted path: policyholder.phone, [3].channel, a query or path parameter'), message: z.string() })),
  })
  .meta({ id: 'FieldErrors' });

export const errorBody = z
  .object({ error: z.string().describe("the status's name: Unauthorized, Forbidden, Not Found, Conflict…"), message: z.string().describe('why, in words') })
  .meta({ id: 'Error' });

export const startedCallback = z.object({ policyNo: z.string(), workflowId: z.string(), runId: z.string() }).meta({ id: 'StartedCallback' });

export const batchAnswer = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        row: z.number().int(),
        ok: z.boolean(),
        policyNo: z.string().optional(),
        workflowId: z.string().optional(),
        runId: z.string().optional(),
        fields: fieldErrorsBody.shape.fields.optional(),
        error: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'BatchAnswer' });

export const callbackState = z
  .looseObject({
    policyNo: z.string(),
    stage: z.enum(CALLBACK_STAGES),
    decision: z.looseObject({ required: z.boolean(), ruleId: z.string().optional() }).optional(),
    coolingOff: z.looseObject({ lastDay: z.string() }).optional(),
    attempts: z.array(z.looseObject({ attemptId: z.string(), attemptNo: z.number().int() })),
    stageHistory: z.array(z.object({ stage: z.enum(CALLBACK_STAGES), at: z.string(), note: z.string().optional() })),
  })
  .describe('The callback state (domain/callback-state.ts): decision and reason, cooling-off period, plan, attempts, problems, tickets, recording, fallback, waiver')
  .meta({ id: 'CallbackState' });

const runStatus = z.enum(RUN_STATUSES).describe('RUNNING, COMPLETED (ended in its closing stage), or ended from outside: TERMINATED, FAILED, TIMED_OUT, CANCELLED');

const actorRef = z.looseObject({ role: z.string(), id: z.string(), office: z.string().optional() });

/** The policy's whole story as the system of record keeps it (domain/policy-story.ts). */
export const policyStory = z
  .looseObject({
    policyNo: z.string(),
    org: z.object({ branch: z.string(), centralSubBranch: z.string(), tier4Office: z.string(), agentCode: z.string() }),
    callbackMonth: z.string(),
    startedAt: z.string(),
    decision: z.looseObject({ required: z.boolean(), ruleId: z.string().optional(), ratio: z.number().optional(), sampleValue: z.number().optional(), reason: z.string() }),
    stage: z.string(),
    coolingOffEndsAt: z.string().optional(),
    completedBy: z.string().optional(),
    completedAt: z.string().optional(),
    closedAt: z.string().optional(),
    evidenceKeptUntil: z.string().optional(),
    attempts: z.array(
      z.looseObject({ attemptNo: z.number().int(), attemptId: z.string(), placedAt: z.string().optional(), outcome: z.string().optional(), operator: z.string().optional(), phoneSource: z.string().optional() }),
    ).describe('every attempt: times, outcome, operator, where the number came from (never the number)'),
    answers: z.array(z.looseObject({ source: z.string().describe("'attempt-<n>' or 'receipt'"), questionId: z.string(), answer: z.string() })),
    recordings: z.array(z.looseObject({ reference: z.string(), checksum: z.string(), sizeBytes: z.number(), verifiedAt: z.string() })),
    stageChanges: z.array(z.looseObject({ stage: z.string(), at: z.string() })),
    waivers: z.array(z.looseObject({ reportedAt: z.string(), statementRef: z.string(), reportedBy: actorRef })),
    fallback: z.looseObject({ trigger: z.string(), requestedAt: z.string(), granted: z.boolean() }).optional().describe('the letter / on-site decision and its receipt (who signed it is not shown)'),
    escalations: z.array(z.looseObject({ at: z.string(), cause: z.string(), escalatedTo: z.string(), reason: z.string() })),
    branchDecision: z.looseObject({ reason: z.string(), decidedBy: actorRef, at: z.string() }).optional(),
    notifications: z.array(z.looseObject({ subject: z.string(), sentTo: z.string(), at: z.string(), about: z.string() })),
    tickets: z.array(
      z.looseObject({
        ticketId: z.string(),
        type: z.string(),
        stage: z.string().optional(),
        openedAt: z.string(),
        overdue: z.boolean(),
        closedAt: z.string().optional(),
        steps: z.array(z.looseObject({ step: z.string(), actor: actorRef, at: z.string(), late: z.boolean() })),
      }),
    ),
  })
  .describe("The policy's story as the system of record keeps it: complete after Temporal has deleted the workflow's history; no personal data")
  .meta({ id: 'PolicyStory' });

export const callbackView = z
  .looseObject({
    ...callbackState.shape,
    run: z
      .object({
        status: z.enum([...RUN_STATUSES, 'UNKNOWN']).describe('a run status, or UNKNOWN: open on record, but Temporal does not know the workflow (history deleted) or did not answer'),
        closedAt: z.string().optional().describe('when the run ended'),
        reason: z.string().optional().describe('why a run ended from outside did (the termination reason, the failure); why the status is UNKNOWN'),
        stateRecordedAt: z.string().optional().describe('set when the state shown is the one last recorded, not the running workflow\'s own answer'),
      })
      .describe('How the workflow run stands: a run ended from outside did not finish the callback, whatever `stage` it last reached'),
    evidence: policyStory.optional().describe('absent only for a policy not yet in the system of record'),
  })
  .describe('The callback state (domain/callback-state.ts) and its run')
  .meta({ id: 'CallbackView' });

export const callbackList = z
  .object({
    count: z.number().int(),
    callbacks: z.array(
      z.object({
        policyNo: z.string(),
        stage: z.enum(CALLBACK_STAGES).describe('the stage visibility shows: the last one reached, for a run ended from outside (see run)'),
        run: runStatus,
        branch: z.string(),
        centralSubBranch: z.string(),
        tier4Office: z.string(),
        agentCode: z.string(),
        coolingOffEnd: z.string().optional(),
        startedAt: z.string(),
        closedAt: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'CallbackList' });

export const outcomeAck = z.looseObject({ stage: z.enum(CALLBACK_STAGES) }).describe('The acknowledgement of an outcome, with the stage it led to').meta({ id: 'OutcomeAck' });

export const ticketState = z
  .looseObject({
    ticketId: z.string(),
    policyNo: z.string(),
    type: z.enum(TICKET_TYPES),
    stage: z.enum(TICKET_STAGES),
    org: z.object({ branch: z.string(), centralSubBranch: z.string(), tier4Office: z.string() }),
    agentCode: z.string(),
    dueAt: z.string().optional(),
    overdue: z.boolean(),
    steps: z.array(z.looseObject({ step: z.string(), actor: z.looseObject({ role: z.string(), id: z.string() }), at: z.string() })),
    reasonsInWords: z.string().optional().describe('The reasons in Chinese, joined with 、'),
    findingInWords: z.string().optional().describe('What the callback found, in Chinese and local time, with the reasons (as the printed order says it)'),
  })
  .describe('A ticket (domain/ticket.ts): every step with who and when, due time, reminders, escalations')
  .meta({ id: 'TicketState' });

export const ticketList = z
  .object({
    count: z.number().int(),
    tickets: z.array(
      z.object({
        ticketId: z.string(),
        policyNo: z.string(),
        type: z.enum(TICKET_TYPES),
        reasons: z.array(z.string()).optional(),
        reasonsInWords: z.string().optional().describe('The reasons in Chinese (config/transfer-reasons.json), joined with 、'),
        stage: z.enum(TICKET_STAGES),
        dueAt: z.string().optional(),
        overdue: z.boolean(),
        centralSubBranch: z.string(),
        tier4Office: z.string(),
        agentCode: z.string(),
        startedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'TicketList' });

export const quotaAnswer = z
  .looseObject({ office: z.string(), month: z.string(), fallbacks: z.number().int(), share: z.number().optional(), note: z.string().optional() })
  .meta({ id: 'FallbackQuota' });

export const documentUploaded = z
  .object({
    reference: z.string().describe('what a waiver or receipt cites: <kind>/<policyNo>/<name>, or <stem>.vN.<ext> when the name was uploaded before (earlier versions are kept)'),
    version: z.number().int().describe('1 for a first upload of the name'),
    sizeBytes: z.number().int(),
  })
  .meta({ id: 'DocumentUploaded' });

export const signedIn = z
  .object({ token: z.string().describe('send as Authorization: Bearer <token>'), principal: principalSchema, expiresAt: z.string() })
  .meta({ id: 'SignedIn' });

export const unlocked = z.object({ username: z.string(), addresses: z.number().int() }).meta({ id: 'Unlocked' });

export const whoAmI = z
  .object({ username: z.string(), principal: principalSchema, expiresAt: z.string().optional().describe('absent for a long-lived machine token') })
  .meta({ id: 'WhoAmI' });
