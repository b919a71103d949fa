/**
 * The HTTP API: how the policy-issuance system starts callbacks and how staff (and their tools)
 * record what happened. Every route is registered with its zod schemas (route.ts), which check the
 * request before anything reaches Temporal, so a rejected request starts and changes nothing, and
 * which the OpenAPI document at /v1/openapi.json is generated from. Every /v1 route needs a bearer
 * token (auth-hook.ts); the caller's role picks the routes, its office or agent code the policies
 * and tickets (org-scope.ts), and it is the actor of whatever it does (acting-actor.ts).
 */
import { randomUUID } from 'node:crypto';
import { Semaphore } from 'async-mutex';
import { repostRefusal } from '../domain/contract-differences';
import { registerSecurityHeaders } from './security-headers';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RUN_STATUSES, type HuifangClient } from '../client/huifang-client';
import { callOutcomeSchema, recordingUploadSchema } from '../domain/call-outcome';
import { CALLBACK_STAGES } from '../domain/callback-state';
import { DEFAULT_CALLING_HOURS, type CallingHours } from '../domain/calling-hours';
import { contractSchema, intakeRejections, policyNoSchema, type Contract, type IntakeRules } from '../domain/contract';
import { addCalendarDays, DEFAULT_TIME_ZONE, instantAt, isValidLocalDate, localDateOf } from '../domain/local-time';
import { actorSchema, TICKET_STAGES, ticketStepSchema, type Actor, type TicketState } from '../domain/ticket';
import { TICKET_TYPES, type ReasonCode } from '../domain/transfer-reasons';
import { toFieldErrors } from '../domain/validation';
import { branchDecisionSchema, fallbackReceiptSchema, waiverDecisionSchema, waiverReportSchema } from '../domain/waiver';
import { buildTransferRegister } from '../documents/transfer-register';
import { renderTransferOrderHtml } from '../documents/transfer-order-html';
import { findingText, reasonText } from '../documents/format';
import { scannedDocumentPath } from '../stores/document-paths';
import { DocumentPathRejected, readCitedDocument } from '../stores/document-store';
import { contentRejection, DEFAULT_SCANNED_DOCUMENT_LIMITS, quotaRejection, scannedRefRejection, versionName, type ScannedDocumentLimits, type ScannedKind } from '../domain/scanned-documents';
import type { DocumentStore } from '../stores/document-store';
import type { CalendarHealth } from '../client/calendar-health';
import { actingActor, actingId } from './acting-actor';
import type { ApiAuth } from './api-auth';
import { registerAuthHook } from './auth-hook';
import { registerAuthRoutes } from './auth-routes';
import { registerCallCenterRoutes } from './call-center-routes';
import { registerApiMetrics } from './api-metrics';
import { registerCodecRoutes, type CodecRouteOptions } from './codec-routes';
import { countOfficeMonth } from '../stores/evidence-queries';
import { documentParams } from './document-params';
import { registerComplianceRoutes, type ComplianceRouteOptions } from './compliance-routes';
import { sendError } from './error-handler';
import { HttpError } from './errors';
import { invalidRequest, parseJsonBody, parseRequest } from './field-errors';
import { narrowFilter, OrgScope } from './org-scope';
import { registerOpenApiRoutes } from './openapi-routes';
import { branchDecisionBody, fallbackReceiptBody, outcomeBody, recordingBody, ticketStepBody, waiverDecisionBody, waiverReportBody } from './request-bodies';
import * as answers from './response-schemas';
import { registerRecordingUploadRoute } from './recording-upload-routes';
import { registerECallbackRoutes, type ECallbackRouteOptions } from './e-callback-routes';
import type { RecordingUploads } from '../stores/recording-store';
import { ApiRoutes } from './route';
import { registerWaiverQueueRoutes } from './waiver-queue-routes';
import { registerWebPages } from './web-pages';
import type { Role } from './roles';

export interface ApiOptions {
  huifang: HuifangClient;
  /** Who may call: users and tokens (api-auth.ts; `ApiAuth.fromFile(usersFilePath())`). */
  auth: ApiAuth;
  /** Chinese labels of the transfer reasons, for documents (config/transfer-reasons.json). */
  reasonLabels: Record<ReasonCode, string>;
  /** When set, the remote codec endpoint for the Temporal Web UI is served at /codec. */
  codec?: CodecRouteOptions;
  /** Where scanned waiver statements and receipts are uploaded (the worker's document store). */
  documents?: DocumentStore;
  /** Recording storage the call center's page uploads into (the store the worker verifies recordings in). */
  recordings?: RecordingUploads;
  /** The policyholder's e-callback page (needs `compliance.evidence` and `documents`): the SMS gateway for the one-time code, and the configuration. */
  eCallback?: Pick<ECallbackRouteOptions, 'sms' | 'config'>;
  /** Largest recording upload (default DEFAULT_RECORDING_LIMIT_BYTES). */
  recordingLimitBytes?: number;
  /**
   * The system of record (`compliance.evidence`): when set, the callback view, the lists, the ticket
   * detail and the registers read it (Temporal is asked only how an open callback's run stands), and
   * the compliance figures and waivers to verify are served (compliance-routes.ts). Without it, those
   * reads go to the workflows (tests of other parts that need no database).
   */
  compliance?: ComplianceRouteOptions;
  /** Largest body of POST /v1/contracts, where a batch is the large case (default 5 MiB). */
  bodyLimitBytes?: number;
  /** Largest body of every other JSON route (default 64 KiB: a step or an outcome is a few hundred bytes). */
  jsonBodyLimitBytes?: number;
  /** How long a request may take to arrive whole (default 60 s; Node's requestTimeout). */
  requestTimeoutMs?: number;
  /** Largest scanned document (default 10 MiB). */
  documentLimitBytes?: number;
  /** How many policyholders one person may be shown per hour (domain/personal-data-access.ts; default 60). */
  personalDataReadsPerHour?: number;
  /** How many scanned documents of one kind a policy may hold, and how many bytes (default 20 and 50 MiB). */
  scannedDocumentLimits?: ScannedDocumentLimits;
  maxBatchSize?: number;
  /** The insurer's time zone, for "today" in the call list and at intake (default Asia/Shanghai). */
  timeZone?: string;
  /** The API's clock: "today" for intake (a receipt signed after it is refused) and the call list. Tests inject one. */
  now?: () => Date;
  /** The insurer's calling hours (config/call-plan.json `callingHours`): a contract's callPreference wholly outside them needs the customer's own request. */
  callingHours?: CallingHours;
  /** When set, the staff pages built into this folder (api/web-pages.ts) are served under /app/. */
  webDir?: string;
  /** What /healthz reports beyond liveness: the working-day calendar's reach and the callbacks waiting for it. */
  health?: () => Promise<CalendarHealth>;
  logger?: boolean;
}

/** Everyone with a part in a policy's callback. */
const POLICY_READERS: readonly Role[] = ['issuance', 'call-center', 'tier3', 'tier4', 'agent', 'ops'];
const TICKET_READERS: readonly Role[] = ['call-center', 'tier3', 'tier4', 'agent', 'ops'];

const code = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, `must be ${what} of letters, digits and dashes`);
const policyParams = z.object({ policyNo: policyNoSchema }).strict();
const ticketParams = z.object({ ticketId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{3,50}$/, 'must be letters, digits and dashes') }).strict();
/** Starts of one batch in flight at once: enough to hide the round trips, few enough to leave the frontend to the others. */
const BATCH_STARTS_IN_FLIGHT = 16;
const attemptParams = z.object({ policyNo: policyNoSchema, attemptId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'must be an attempt id such as P2026…-1') }).strict();

export function buildApi(opts: ApiOptions): FastifyInstance {
  const { huifang } = opts;
  const maxBatch = opts.maxBatchSize ?? 1000;
  const jsonLimit = opts.jsonBodyLimitBytes ?? 64 * 1024;
  const app = Fastify({
    bodyLimit: jsonLimit,
    logger: opts.logger ?? false,
    // A URL Fastify cannot even decode (/v1/callbacks/P%ZZ) is answered in our shape too.
    frameworkErrors: (err, req, reply) => sendError(reply, err, req),
    // A client that sends its request slowly, or never finishes it, is cut off instead of holding a socket.
    requestTimeout: opts.requestTimeoutMs ?? 60_000,
    // A request id of our own on every answer (x-request-id) and in the log line of a 5xx; a caller's is not trusted.
    genReqId: () => randomUUID(),
    requestIdHeader: false,
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  registerSecurityHeaders(app);
  // JSON or a scanned document, nothing else: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const routes = new ApiRoutes(app, jsonLimit);
  registerApiMetrics(app, routes);
  const evidence = opts.compliance?.evidence;
  const scope = new OrgScope(huifang, evidence);
  /** A ticket's state: the record's, else (not recorded yet, or no record) the workflow's. */
  const ticketState = async (ticketId: string) => (await evidence?.ticketState(ticketId)) ?? huifang.getTicketState(ticketId);
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  /** A ticket as the pages show it: its reasons and what the call found, in words (the order says the same). */
  const inWords = (ticket: TicketState) => ({ ...ticket, reasonsInWords: reasonText(ticket.reasons, opts.reasonLabels), findingInWords: findingText(ticket, opts.reasonLabels, timeZone) });
  const now = opts.now ?? (() => new Date());
  const intakeRules = (): IntakeRules => ({ today: localDateOf(now(), timeZone), callingHours: opts.callingHours ?? DEFAULT_CALLING_HOURS });
  /** A policy posted again with other values is a 409 naming the fields (not their values): a correction is not a repeat. */
  const refuseChangedRepost = async (contract: Contract): Promise<void> => {
    const refusal = repostRefusal(await evidence?.storedContract(contract.policyNo), contract);
    if (refusal) throw new HttpError(409, refusal);
  };

  app.setErrorHandler((err, req, reply) => sendError(reply, err, req));
  app.setNotFoundHandler((req, reply) => sendError(reply, new HttpError(404, `no route ${req.method} ${req.url.split('?')[0]}`)));
  registerAuthHook(app, opts.auth);

  routes.add({
    method: 'GET',
    url: '/healthz',
    tag: 'ops',
    summary: 'Liveness, and what ops must act on: status degraded when the working-day calendar ends soon or callbacks wait for next year\'s file',
    roles: 'public',
    response: {
      description: 'The API is up (ok); status and problems say what needs ops (e.g. the calendar file to add)',
      schema: z.object({
        ok: z.literal(true),
        status: z.enum(['ok', 'degraded']).optional(),
        problems: z.array(z.string()).optional(),
        calendar: z.looseObject({ missingYear: z.number().int(), lastDay: z.string(), daysLeft: z.number().int(), file: z.string() }).optional(),
        awaitingCalendar: z.number().int().optional(),
        awaitingCalendarUnknown: z.string().optional(),
      }),
    },
    handler: async () => ({ ok: true as const, ...(await opts.health?.()) }),
  });
  registerOpenApiRoutes(routes);
  registerAuthRoutes(routes, opts.auth);
  if (opts.codec) registerCodecRoutes(app, opts.codec);
  if (opts.compliance) registerComplianceRoutes(routes, opts.compliance);
  registerCallCenterRoutes(routes, huifang, scope, { timeZone, now, evidence, personalDataReadsPerHour: opts.personalDataReadsPerHour });
  registerWaiverQueueRoutes(routes, scope, { evidence, documents: opts.documents });
  if (opts.eCallback && evidence && opts.documents) registerECallbackRoutes(routes, huifang, { ...opts.eCallback, evidence, documents: opts.documents });
  if (opts.recordings) registerRecordingUploadRoute(app, routes, huifang, scope, { recordings: opts.recordings, limitBytes: opts.recordingLimitBytes });
  if (opts.webDir) registerWebPages(app, opts.webDir);

  routes.add({
    method: 'POST',
    url: '/v1/contracts',
    tag: 'intake',
    summary: 'Start the callback of a contract, or of each contract of a batch (an array, answered row by row)',
    description:
      `Posting the same policy again answers the same run. A batch holds at most ${maxBatch} contracts; a bad row is named and the others still start. ` +
      "Besides the schema, intake refuses a receiptSignedOn after today (the insurer's time zone) and a callPreference wholly outside calling hours unless callPreference.customerRequested is true.",
    roles: ['issuance', 'ops'],
    body: z.union([contractSchema, z.array(contractSchema).min(1).max(maxBatch)]),
    bodyCheckedByHandler: true,
    bodyLimit: opts.bodyLimitBytes ?? 5 * 1024 * 1024,
    response: { description: 'The started (or existing) run; for a batch, one result per row', schema: z.union([answers.startedCallback, answers.batchAnswer]) },
    errors: [409, 413],
    async handler({ body }) {
      const rules = intakeRules();
      if (!Array.isArray(body)) {
        const contract = parseRequest(contractSchema, body);
        const refused = intakeRejections(contract, rules);
        if (refused.length > 0) throw invalidRequest(refused);
        await refuseChangedRepost(contract);
        return huifang.startCallback(contract);
      }
      if (body.length === 0) throw new HttpError(400, 'the batch is empty', [{ field: '(body)', message: 'an empty array: send at least one contract' }]);
      if (body.length > maxBatch) throw new HttpError(413, `a batch holds at most ${maxBatch} contracts, got ${body.length}`);
      // Rows start side by side (a few at a time, in the answer's row order): a batch takes about as
      // long as its slowest few starts, not the sum of them all.
      const starts = new Semaphore(BATCH_STARTS_IN_FLIGHT);
      const firstRowOf = new Map<string, number>();
      const results = await Promise.all(
        body.map(async (item, row) => {
          const parsed = contractSchema.safeParse(item);
          if (!parsed.success) return { row, ok: false as const, fields: toFieldErrors(parsed.error) };
          const refused = intakeRejections(parsed.data, rules);
          if (refused.length > 0) return { row, ok: false as const, fields: refused };
          // Two rows of one policy would share one run and the second's data would be dropped: as the import, the first wins.
          const first = firstRowOf.get(parsed.data.policyNo);
          if (first !== undefined) return { row, ok: false as const, fields: [{ field: 'policyNo', message: `repeats the policy of row ${first}` }] };
          firstRowOf.set(parsed.data.policyNo, row);
          return starts.runExclusive(async () => {
            try {
              await refuseChangedRepost(parsed.data);
              return { row, ok: true as const, ...(await huifang.startCallback(parsed.data)) };
            } catch (err) {
              return { row, ok: false as const, error: (err as Error).message };
            }
          });
        }),
      );
      const accepted = results.filter((r) => r.ok).length;
      return { accepted, rejected: results.length - accepted, results };
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/callbacks/:policyNo',
    tag: 'callbacks',
    summary: "A policy's callback: decision and reason, cooling-off period, stage, plan, attempts, problems, and how its run stands",
    description:
      'Read from the system of record; `evidence` is the policy\'s whole story as kept there (attempts, answers, recordings, tickets and their steps…), ' +
      'complete after Temporal has deleted the workflow\'s history. ' +
      '`run.status` says whether the workflow run is still RUNNING, COMPLETED (the callback ended in its closing stage), or was ended from outside ' +
      '(TERMINATED, FAILED, TIMED_OUT, CANCELLED: `run.closedAt`, `run.reason`). A run ended from outside did not finish the callback: ' +
      '`stage` is only the last stage it reached, and nothing further is planned (`plan` empty, no `nextAttemptAt`). ' +
      'UNKNOWN: open on record, but Temporal does not know its workflow or did not answer (`run.reason` says which); the state is the one last recorded (`run.stateRecordedAt`).',
    roles: POLICY_READERS,
    params: policyParams,
    response: { description: 'The callback state and its run', schema: answers.callbackView },
    errors: [404],
    async handler({ params, principal }) {
      await scope.assertPolicy(principal, params.policyNo);
      return evidence ? huifang.recordedCallbackView(evidence, params.policyNo) : huifang.callbackView(params.policyNo);
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/callbacks',
    tag: 'callbacks',
    summary: "Callbacks from the system of record, by stage, run status and org; narrowed to the caller's own (a branch finds its UNRESOLVED cases with ?stage=UNRESOLVED)",
    description:
      "A call center sees its branch's callbacks, a tier-3 handler its central sub-branch's, tier-4 staff their office's, an agent its own; a filter naming someone else's is a 403. " +
      '`stage` is the last one recorded; `run` is COMPLETED for a callback closed on record, else RUNNING. Only Temporal knows a run ended from outside ' +
      '(terminated, failed, timed out, cancelled): without `run`, or with run=RUNNING, its visibility is asked briefly for them and they are left out ' +
      '(they are in no stage any more); run=TERMINATED (FAILED, TIMED_OUT, CANCELLED) lists them from its visibility.',
    roles: POLICY_READERS,
    query: z
      .object({
        stage: z.enum(CALLBACK_STAGES).optional(),
        run: z.enum(RUN_STATUSES).optional(),
        branch: code('a branch code').optional(),
        centralSubBranch: code('a central sub-branch code').optional(),
        tier4Office: code('a tier-4 office code').optional(),
        agentCode: code('an agent code').optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    response: { description: 'The callbacks, most recently started first', schema: answers.callbackList },
    async handler({ query: { limit, ...filter }, principal }) {
      const { run, ...narrowed } = narrowFilter(principal, filter);
      if (!evidence || (run !== undefined && run !== 'RUNNING' && run !== 'COMPLETED')) {
        const callbacks = await huifang.listCallbacks({ ...narrowed, run }, limit);
        return { count: callbacks.length, callbacks };
      }
      const rows = await evidence.callbackRows({ ...narrowed, open: run === undefined ? undefined : run === 'RUNNING' }, limit);
      // Open on record but ended from outside (only Temporal knows, asked briefly): in no stage any more, left out as before.
      const ended = rows.some((r) => !r.closedAt) ? await huifang.runsEndedFromOutside(narrowed) : new Map();
      const callbacks = rows.filter((r) => !ended.has(r.policyNo)).map((r) => ({ ...r, run: r.closedAt ? ('COMPLETED' as const) : ('RUNNING' as const) }));
      return { count: callbacks.length, callbacks };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/callbacks/:policyNo/attempts/:attemptId/outcome',
    tag: 'callbacks',
    summary: 'Record the outcome of a call attempt (the branch call center)',
    roles: ['call-center'],
    params: attemptParams,
    body: outcomeBody,
    response: { description: 'Recorded', schema: answers.outcomeAck },
    errors: [404, 409],
    async handler({ params, body, principal }) {
      await scope.assertPolicy(principal, params.policyNo);
      const report = parseRequest(callOutcomeSchema, { ...body, attemptId: params.attemptId, operator: actingId(principal, body.operator, 'operator') });
      return huifang.recordCallOutcome(params.policyNo, report);
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/callbacks/:policyNo/recording',
    tag: 'callbacks',
    summary: 'The recording is in storage: verified before the callback closes (the branch call center)',
    roles: ['call-center'],
    params: policyParams,
    body: recordingBody,
    response: { description: 'The callback state after the check', schema: answers.callbackState },
    errors: [404, 409],
    async handler({ params, body, principal }) {
      await scope.assertPolicy(principal, params.policyNo);
      const { deliveryId, ...sent } = body;
      const upload = parseRequest(recordingUploadSchema, { ...sent, uploadedBy: actingId(principal, body.uploadedBy, 'uploadedBy') });
      return huifang.uploadRecording(params.policyNo, upload, deliveryId);
    },
  });

  /** A report on a policy by one of its people, acting as themselves: the body's actor is the caller. */
  const actOnPolicy = <S extends z.ZodType<{ actor: Actor }>>(spec: {
    url: string;
    tag?: string;
    summary: string;
    description?: string;
    roles: readonly Role[];
    body: z.ZodObject<{ actor: z.ZodOptional<typeof actorSchema> }>;
    domain: S;
    act: (policyNo: string, report: z.output<S>) => Promise<unknown>;
  }) =>
    routes.add({
      method: 'POST',
      url: spec.url,
      tag: spec.tag ?? 'waivers',
      summary: spec.summary,
      description: spec.description,
      roles: spec.roles,
      params: policyParams,
      body: spec.body,
      response: { description: 'The callback state', schema: answers.callbackState },
      errors: [404, 409],
      async handler({ params, body, principal }) {
        await scope.assertPolicy(principal, params.policyNo);
        return spec.act(params.policyNo, parseRequest(spec.domain, { ...body, actor: actingActor(principal, body.actor) }));
      },
    });
  actOnPolicy({
    url: '/v1/callbacks/:policyNo/waiver',
    summary: "Report the policyholder's signed waiver (the tier-4 office or the agent)",
    roles: ['tier4', 'agent'],
    body: waiverReportBody,
    domain: waiverReportSchema,
    act: async (policyNo, report) => {
      await assertCitedDocument('statementRef', 'statements', policyNo, report.statementRef);
      return huifang.reportWaiver(policyNo, report);
    },
  });
  actOnPolicy({
    url: '/v1/callbacks/:policyNo/waiver/decision',
    summary: 'Accept or reject a reported waiver (the tier-3 handler); a rejection gives a reason',
    roles: ['tier3'],
    body: waiverDecisionBody,
    domain: waiverDecisionSchema,
    act: (policyNo, decision) => huifang.decideWaiver(policyNo, decision),
  });
  actOnPolicy({
    url: '/v1/callbacks/:policyNo/fallback-receipt',
    summary: 'Enter the signed receipt of a letter (branch) or on-site (tier-4 office) callback, with the questionnaire answers ticked on it',
    description:
      '`answers` (required) holds every question of the policy\'s questionnaire as ticked on the receipt; `reportedProblems` (optional) what the policyholder wrote in beyond it. ' +
      'A "no" or a reported problem opens the transfer tickets it calls for, as on the phone. Unknown or missing questions are turned down by the workflow (409).',
    roles: ['call-center', 'tier4'],
    body: fallbackReceiptBody,
    domain: fallbackReceiptSchema,
    act: async (policyNo, receipt) => {
      await assertCitedDocument('receiptRef', 'receipts', policyNo, receipt.receiptRef);
      return huifang.recordFallbackReceipt(policyNo, receipt);
    },
  });
  actOnPolicy({
    url: '/v1/callbacks/:policyNo/branch-decision',
    tag: 'callbacks',
    summary: "Close an unresolved case with the branch's decision (the call center of the policy's own branch)",
    description:
      "Only a callback in stage UNRESOLVED (gone up to the branch: see `escalation`) is closed this way; it ends as CLOSED_BY_BRANCH with `branchDecision` " +
      "(reason, who, when). The branch acts through its call center's staff: a call-center token of the policy's branch. Another branch's policy is a 404; " +
      'a callback in any other stage a 409 with the workflow\'s reason.',
    roles: ['call-center'],
    body: branchDecisionBody,
    domain: branchDecisionSchema,
    act: (policyNo, decision) => huifang.closeUnresolved(policyNo, decision),
  });

  routes.add({
    method: 'GET',
    url: '/v1/fallback-quota/:office/:month',
    tag: 'waivers',
    summary: "A tier-4 office's letter/on-site count against the monthly cap",
    roles: ['tier4', 'ops'],
    params: z.object({ office: code('a tier-4 office code'), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM') }).strict(),
    response: { description: 'The count and share', schema: answers.quotaAnswer },
    async handler({ params: { office, month }, principal }) {
      if (principal.role === 'tier4' && principal.office !== office) throw new HttpError(403, `office: a tier4 token of ${principal.office} sees its own quota only, not ${office}'s`);
      const snapshot = await huifang.fallbackQuota(office, month);
      if (!snapshot) {
        const note = 'no letter or on-site callback requested this month';
        // No quota run yet: the denominator straight from the evidence, as the run would count it.
        const { compliance } = opts;
        if (!compliance) return { office, month, fallbacks: 0, granted: [], note };
        const { callbacks } = await countOfficeMonth(compliance.evidence, office, month, compliance.timeZone);
        return { office, month, callbacks, fallbacks: 0, maxShare: compliance.maxShare, granted: [], share: 0, note };
      }
      const share = snapshot.callbacks ? snapshot.fallbacks / snapshot.callbacks : 0;
      return { ...snapshot, share };
    },
  });

  const documents = opts.documents;
  if (documents) {
    const contentTypes = ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'];
    app.addContentTypeParser(contentTypes, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    /** Who files which kind: statements come from the tier-4 office or the agent, receipts from the branch or the tier-4 office. */
    const filers: Record<'statements' | 'receipts', readonly Role[]> = { statements: ['tier4', 'agent'], receipts: ['call-center', 'tier4'] };
    routes.add({
      method: 'PUT',
      url: '/v1/documents/:kind/:policyNo/:name',
      tag: 'waivers',
      summary: 'Upload a scanned waiver statement or signed receipt as the raw body; answers the reference to give in the waiver or receipt',
      roles: ['call-center', 'tier4', 'agent'],
      params: documentParams,
      rawBody: { contentTypes },
      bodyLimit: opts.documentLimitBytes ?? 10 * 1024 * 1024,
      response: { status: 201, description: 'Stored', schema: answers.documentUploaded },
      errors: [404, 409, 413, 415],
      async handler({ params: { kind, policyNo, name }, principal, req }) {
        if (!filers[kind].includes(principal.role)) throw new HttpError(403, `kind: ${kind} are filed by ${filers[kind].join(' or ')}, not ${principal.role}`);
        await scope.assertPolicy(principal, policyNo);
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new HttpError(415, `send the scanned document as the raw body (${contentTypes.slice(0, 3).join(', ')})`);
        }
        const content = req.body;
        // By content, not by the name or the sender's Content-Type: HTML named .png is not a scan.
        const wrong = contentRejection(name, content);
        if (wrong) throw new HttpError(415, `(body): ${wrong}`);
        const folder = scannedDocumentPath(kind, policyNo, '').replace(/\/$/, '');
        const held = await documents.list(folder);
        const over = quotaRejection(held, content.length, opts.scannedDocumentLimits ?? DEFAULT_SCANNED_DOCUMENT_LIMITS);
        if (over) throw new HttpError(413, `${kind} of policy ${policyNo}: ${over}`);
        // Never over an earlier upload: a waiver or receipt may already cite it. The next free version instead.
        const taken = new Set(held.map((f) => f.name));
        for (let version = 1; version <= held.length + 1; version++) {
          const stored = versionName(name, version);
          if (taken.has(stored)) continue;
          const reference = scannedDocumentPath(kind, policyNo, stored);
          if (await documents.saveNew(reference, content)) return { reference, version, sizeBytes: content.length };
        }
        throw new HttpError(409, `name: another upload of ${name} for policy ${policyNo} came at the same moment; send it again`);
      },
    });
  }

  /** Before a waiver or receipt goes to the workflow: the cited file is the policy's own, there, and a real scan (a definite 4xx at once). */
  const assertCitedDocument = async (field: 'statementRef' | 'receiptRef', kind: ScannedKind, policyNo: string, ref: unknown): Promise<void> => {
    if (typeof ref !== 'string') return; // the body's own check names it
    const fail = (message: string, status = 409): never => {
      throw new HttpError(status, status === 400 ? `invalid request: ${field}` : `${field}: ${message}`, [{ field, message }]);
    };
    const notOwn = scannedRefRejection(kind, policyNo, ref);
    if (notOwn) fail(notOwn, 400);
    if (!opts.documents) return; // no store on this API: the workflow's check decides
    const content = await readCitedDocument(opts.documents, ref).catch((err: unknown) => {
      if (err instanceof DocumentPathRejected) fail(err.message);
      throw err;
    });
    const wrong = contentRejection(ref, content);
    if (wrong) fail(wrong);
  };

  routes.add({
    method: 'GET',
    url: '/v1/tickets',
    tag: 'tickets',
    summary: "Tickets from the system of record, by office, agent, stage, type, overdue; narrowed to the caller's own, most recently opened first",
    description: "A call center sees its branch's tickets, a tier-3 handler its central sub-branch's, tier-4 staff their office's, an agent its own; a filter naming someone else's is a 403.",
    roles: TICKET_READERS,
    query: z
      .object({
        branch: code('a branch code').optional(),
        centralSubBranch: code('a central sub-branch code').optional(),
        tier4Office: code('a tier-4 office code').optional(),
        agentCode: code('an agent code').optional(),
        stage: z.enum(TICKET_STAGES).optional(),
        type: z.enum(TICKET_TYPES).optional(),
        overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    response: { description: 'The tickets', schema: answers.ticketList },
    async handler({ query: { limit, ...filter }, principal }) {
      const narrowed = narrowFilter(principal, filter);
      const tickets = evidence ? await evidence.ticketRows(narrowed, limit) : await huifang.listTickets(narrowed, limit);
      const rows = tickets.map((t) => (t.reasons ? { ...t, reasonsInWords: reasonText(t.reasons, opts.reasonLabels) } : t));
      return { count: rows.length, tickets: rows };
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/tickets/:ticketId',
    tag: 'tickets',
    summary: "A ticket's state: every step with who and when, due time, reminders, escalations",
    roles: TICKET_READERS,
    params: ticketParams,
    response: { description: 'The ticket', schema: answers.ticketState },
    errors: [404],
    async handler({ params, principal }) {
      await scope.assertTicket(principal, params.ticketId);
      return inWords(await ticketState(params.ticketId));
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/tickets/:ticketId/steps',
    tag: 'tickets',
    summary: 'Take one routing step: dispatch (tier-3), hand-to-agent (tier-4), sign-receipt and reply (agent), collect (tier-4), archive (tier-3)',
    roles: ['tier3', 'tier4', 'agent'],
    params: ticketParams,
    body: ticketStepBody,
    response: { description: 'The ticket after the step', schema: answers.ticketState },
    errors: [404, 409],
    async handler({ params, body, principal }) {
      await scope.assertTicket(principal, params.ticketId);
      const step = parseRequest(ticketStepSchema, { ...body, actor: actingActor(principal, body.actor) });
      return inWords(await huifang.advanceTicket(params.ticketId, step));
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/tickets/:ticketId/order.html',
    tag: 'tickets',
    summary: 'The printable transfer order (转办单), A4 HTML in Chinese',
    roles: TICKET_READERS,
    params: ticketParams,
    response: { description: 'The order', contentType: 'text/html' },
    errors: [404],
    async handler({ params, principal, reply }) {
      await scope.assertTicket(principal, params.ticketId);
      const ticket = await ticketState(params.ticketId);
      return reply.type('text/html; charset=utf-8').send(renderTransferOrderHtml(ticket, { labels: opts.reasonLabels }));
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/registers/:centralSubBranch/:date',
    tag: 'tickets',
    summary: 'The agent transfer register (业务人员转办单明细簿) of a central sub-branch for a day, as .xlsx',
    roles: ['tier3', 'ops'],
    params: z
      .object({
        centralSubBranch: code('a central sub-branch code'),
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}(\.xlsx)?$/, 'must be a date written YYYY-MM-DD').refine((d) => isValidLocalDate(d.slice(0, 10)), 'must be a calendar date'),
      })
      .strict(),
    response: { description: 'The register', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    async handler({ params: { centralSubBranch, date }, principal, reply }) {
      if (principal.role === 'tier3' && principal.office !== centralSubBranch) {
        throw new HttpError(403, `centralSubBranch: a tier3 token of ${principal.office} downloads its own register only, not ${centralSubBranch}'s`);
      }
      const day = date.replace(/\.xlsx$/, '');
      // From the record: one ticket whose workflow is gone (or whose worker is) cannot hold the register up.
      const openedOrDispatched = { from: instantAt(day, '00:00', timeZone).toISOString(), to: instantAt(addCalendarDays(day, 1), '00:00', timeZone).toISOString() };
      const tickets = evidence ? await evidence.ticketStates({ centralSubBranch, openedOrDispatched }) : await Promise.all((await huifang.listTickets({ centralSubBranch }, 5000)).map((t) => huifang.getTicketState(t.ticketId)));
      const xlsx = await buildTransferRegister(tickets, { centralSubBranch, date: day, labels: opts.reasonLabels, timeZone });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="transfer-register-${centralSubBranch}-${day}.xlsx"`)
        .send(xlsx);
    },
  });

  return app;
}
