/**
 * The HTTP API: how the policy-issuance system starts callbacks and how staff (and their tools)
 * record what happened. Every body is checked against the domain's zod schemas before anything
 * reaches Temporal, so a rejected request starts and changes nothing.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { NotFoundError, RequestRejectedError, type HuifangClient } from '../client/huifang-client';
import { callOutcomeSchema, recordingUploadSchema } from '../domain/call-outcome';
import { contractSchema, policyNoSchema } from '../domain/contract';
import { TICKET_STAGES, ticketStepSchema } from '../domain/ticket';
import { TICKET_TYPES } from '../domain/transfer-reasons';
import { toFieldErrors, type FieldError } from '../domain/validation';
import { isValidLocalDate } from '../domain/local-time';
import type { ReasonCode } from '../domain/transfer-reasons';
import { buildTransferRegister, renderTransferOrderHtml, type DocumentStore } from '../activities/documents';
import { fallbackReceiptSchema, waiverDecisionSchema, waiverReportSchema } from '../domain/waiver';
import type { PayloadCodec } from '@temporalio/common';
import { registerCodecRoutes } from './codec-routes';
import { registerComplianceRoutes, type ComplianceRouteOptions } from './compliance-routes';
import { HttpError } from './errors';

export interface ApiOptions {
  huifang: HuifangClient;
  /** Chinese labels of the transfer reasons, for documents (config/transfer-reasons.json). */
  reasonLabels: Record<ReasonCode, string>;
  /** When set, the remote codec endpoint for the Temporal Web UI is served at /codec. */
  codec?: { codec: PayloadCodec; allowedOrigins: readonly string[] };
  /** Where scanned waiver statements and receipts are uploaded (the worker's document store). */
  documents?: DocumentStore;
  /** When set, compliance figures are served from this projection (api/compliance-routes.ts). */
  compliance?: ComplianceRouteOptions;
  /** Largest request body accepted (a batch of contracts is the large case). */
  bodyLimitBytes?: number;
  maxBatchSize?: number;
  logger?: boolean;
}

export function buildApi(opts: ApiOptions): FastifyInstance {
  const { huifang } = opts;
  const maxBatch = opts.maxBatchSize ?? 1000;
  const app = Fastify({ bodyLimit: opts.bodyLimitBytes ?? 5 * 1024 * 1024, logger: opts.logger ?? false });

  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) => sendError(reply, new HttpError(404, `no route ${req.method} ${req.url}`)));

  app.get('/healthz', async () => ({ ok: true }));
  if (opts.codec) registerCodecRoutes(app, opts.codec.codec, opts.codec.allowedOrigins);
  if (opts.compliance) registerComplianceRoutes(app, opts.compliance);

  /** One contract (an object) or a batch (an array): a batch answers per row and never stops half-way. */
  app.post('/v1/contracts', async (req, reply) => {
    if (Array.isArray(req.body)) {
      if (req.body.length === 0) throw new HttpError(400, 'the batch is empty');
      if (req.body.length > maxBatch) throw new HttpError(413, `a batch holds at most ${maxBatch} contracts, got ${req.body.length}`);
      const results = [];
      for (const [row, item] of req.body.entries()) {
        const parsed = contractSchema.safeParse(item);
        if (!parsed.success) {
          results.push({ row, ok: false as const, fields: toFieldErrors(parsed.error) });
          continue;
        }
        try {
          results.push({ row, ok: true as const, ...(await huifang.startCallback(parsed.data)) });
        } catch (err) {
          results.push({ row, ok: false as const, error: (err as Error).message });
        }
      }
      const accepted = results.filter((r) => r.ok).length;
      return reply.code(200).send({ accepted, rejected: results.length - accepted, results });
    }
    const contract = parseBody(contractSchema, req.body, 'invalid contract');
    return reply.code(200).send(await huifang.startCallback(contract));
  });

  app.get<{ Params: { policyNo: string } }>('/v1/callbacks/:policyNo', async (req) => {
    return huifang.getCallbackState(parsePolicyNo(req.params.policyNo));
  });

  app.post<{ Params: { policyNo: string; attemptId: string } }>(
    '/v1/callbacks/:policyNo/attempts/:attemptId/outcome',
    async (req) => {
      const policyNo = parsePolicyNo(req.params.policyNo);
      const body = isObject(req.body) ? { ...req.body, attemptId: req.params.attemptId } : req.body;
      const report = parseBody(callOutcomeSchema, body, 'invalid call outcome');
      return huifang.recordCallOutcome(policyNo, report);
    },
  );

  app.post<{ Params: { policyNo: string } }>('/v1/callbacks/:policyNo/recording', async (req) => {
    const policyNo = parsePolicyNo(req.params.policyNo);
    const upload = parseBody(recordingUploadSchema, req.body, 'invalid recording upload');
    return huifang.uploadRecording(policyNo, upload);
  });

  /** A tier-4 office or the agent reports a waiver: { statementRef, actor, note }. */
  app.post<{ Params: { policyNo: string } }>('/v1/callbacks/:policyNo/waiver', async (req) => {
    const policyNo = parsePolicyNo(req.params.policyNo);
    return huifang.reportWaiver(policyNo, parseBody(waiverReportSchema, req.body, 'invalid waiver report'));
  });

  /** The tier-3 handler's decision: { accepted, actor, reason } (a reason is required to reject). */
  app.post<{ Params: { policyNo: string } }>('/v1/callbacks/:policyNo/waiver/decision', async (req) => {
    const policyNo = parsePolicyNo(req.params.policyNo);
    return huifang.decideWaiver(policyNo, parseBody(waiverDecisionSchema, req.body, 'invalid waiver decision'));
  });

  /** The signed receipt of a letter or on-site callback: { receiptRef, signedBy, signedAt, actor }. */
  app.post<{ Params: { policyNo: string } }>('/v1/callbacks/:policyNo/fallback-receipt', async (req) => {
    const policyNo = parsePolicyNo(req.params.policyNo);
    return huifang.recordFallbackReceipt(policyNo, parseBody(fallbackReceiptSchema, req.body, 'invalid receipt'));
  });

  /** An office's letter/on-site count against the cap for a month: /v1/fallback-quota/SH-PD-03/2026-11 */
  app.get<{ Params: { office: string; month: string } }>('/v1/fallback-quota/:office/:month', async (req) => {
    const { office, month } = parseBody(quotaParamsSchema, req.params, 'invalid quota request');
    const snapshot = await huifang.fallbackQuota(office, month);
    if (!snapshot) return { office, month, fallbacks: 0, granted: [], note: 'no letter or on-site callback requested this month' };
    const share = snapshot.callbacks ? snapshot.fallbacks / snapshot.callbacks : 0;
    return { ...snapshot, share };
  });

  /**
   * Uploads a scanned document (waiver statement, signed receipt) as the raw body; answers the
   * reference to give in the waiver or receipt. PUT /v1/documents/statements/P2026.../waiver.pdf
   */
  const documents = opts.documents;
  if (documents) {
    app.addContentTypeParser(['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.put<{ Params: { kind: string; policyNo: string; name: string } }>('/v1/documents/:kind/:policyNo/:name', async (req, reply) => {
      const { kind, policyNo, name } = parseBody(documentParamsSchema, req.params, 'invalid document path');
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new HttpError(415, 'send the scanned document as the raw body (application/pdf, image/jpeg, image/png)', [{ field: '(body)', message: 'required' }]);
      }
      const reference = `${kind}/${policyNo}/${name}`;
      await documents.save(reference, req.body);
      return reply.code(201).send({ reference, sizeBytes: req.body.length });
    });
  }

  const officeCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be an office or agent code');
  const ticketFilterSchema = z
    .object({
      branch: officeCode.optional(),
      centralSubBranch: officeCode.optional(),
      tier4Office: officeCode.optional(),
      agentCode: officeCode.optional(),
      stage: z.enum(TICKET_STAGES).optional(),
      type: z.enum(TICKET_TYPES).optional(),
      overdue: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    })
    .strict();

  /** e.g. /v1/tickets?centralSubBranch=SH-PD&type=level-1&overdue=true */
  app.get('/v1/tickets', async (req) => {
    const { limit, ...filter } = parseBody(ticketFilterSchema, req.query ?? {}, 'invalid ticket filter');
    const tickets = await huifang.listTickets(filter, limit);
    return { count: tickets.length, tickets };
  });

  app.get<{ Params: { ticketId: string } }>('/v1/tickets/:ticketId', async (req) => {
    return huifang.getTicketState(parseTicketId(req.params.ticketId));
  });

  /** One routing step: { step, actor: { role, id, office }, correctedPhone | actionTaken, note }. */
  app.post<{ Params: { ticketId: string } }>('/v1/tickets/:ticketId/steps', async (req) => {
    const step = parseBody(ticketStepSchema, req.body, 'invalid ticket step');
    return huifang.advanceTicket(parseTicketId(req.params.ticketId), step);
  });

  /** The printable transfer order (转办单), A4 HTML in Chinese. */
  app.get<{ Params: { ticketId: string } }>('/v1/tickets/:ticketId/order.html', async (req, reply) => {
    const ticket = await huifang.getTicketState(parseTicketId(req.params.ticketId));
    return reply.type('text/html; charset=utf-8').send(renderTransferOrderHtml(ticket, { labels: opts.reasonLabels }));
  });

  /** The agent transfer register (业务人员转办单明细簿) of one central sub-branch for one day, as .xlsx. */
  app.get<{ Params: { centralSubBranch: string; date: string } }>('/v1/registers/:centralSubBranch/:date', async (req, reply) => {
    const { centralSubBranch, date } = parseBody(registerParamsSchema, req.params, 'invalid register request');
    const day = date.replace(/\.xlsx$/, '');
    const summaries = await huifang.listTickets({ centralSubBranch }, 5000);
    const tickets = await Promise.all(summaries.map((t) => huifang.getTicketState(t.ticketId)));
    const xlsx = await buildTransferRegister(tickets, { centralSubBranch, date: day, labels: opts.reasonLabels });
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="transfer-register-${centralSubBranch}-${day}.xlsx"`)
      .send(xlsx);
  });

  return app;
}

const registerParamsSchema = z.object({
  centralSubBranch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be a central sub-branch code'),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}(\.xlsx)?$/, 'must be a date written YYYY-MM-DD').refine((d) => isValidLocalDate(d.slice(0, 10)), 'must be a calendar date'),
});

const quotaParamsSchema = z.object({
  office: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be a tier-4 office code'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM'),
});

const documentParamsSchema = z.object({
  kind: z.enum(['statements', 'receipts']),
  policyNo: policyNoSchema,
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.(pdf|jpg|jpeg|png)$/, 'must be a file name ending .pdf, .jpg or .png'),
});

function parseTicketId(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{3,50}$/.test(raw)) {
    throw new HttpError(400, 'invalid ticket id', [{ field: 'ticketId', message: 'must be letters, digits and dashes' }]);
  }
  return raw;
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> {
  if (body === undefined || body === null) throw new HttpError(400, `${what}: the request has no JSON body`, [{ field: '(body)', message: 'required' }]);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = toFieldErrors(parsed.error);
    throw new HttpError(400, `${what}: ${fields.map((f) => f.field).join(', ')}`, fields);
  }
  return parsed.data;
}

function parsePolicyNo(raw: string): string {
  const parsed = policyNoSchema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, 'invalid policy number', [{ field: 'policyNo', message: parsed.error.issues[0].message }]);
  return parsed.data;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof HttpError) return reply.code(err.statusCode).send(err.body());
  if (err instanceof NotFoundError) return reply.code(404).send({ error: err.message });
  if (err instanceof RequestRejectedError) return reply.code(409).send({ error: err.message });
  const e = err as { statusCode?: number; message?: string; code?: string };
  // Fastify's own 4xx (malformed JSON, body too large, wrong content type) keep their status, in our shape.
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const fields: FieldError[] | undefined = e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? [{ field: '(body)', message: e.message ?? 'not JSON' }] : undefined;
    return reply.code(e.statusCode).send(fields ? { error: e.message, fields } : { error: e.message });
  }
  reply.log.error(err);
  return reply.code(500).send({ error: 'internal error; the request may be retried' });
}
