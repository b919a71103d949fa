/**
 * What the regulator may ask to see, from the projection:
 *   GET /v1/compliance/:office?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=json|csv|xlsx]   figures (domain/compliance.ts)
 *   GET /v1/fallback-registers/:tier4Office/:month/:kind                             the letter / on-site register (.xlsx)
 * Each route names the roles allowed to read it in its config (read by the auth hook).
 */
import type { FastifyInstance } from 'fastify';
import { complianceFromProjection } from '../activities/compliance';
import {
  COMPLIANCE_CONTENT_TYPES,
  complianceCsv,
  complianceFileName,
  complianceXlsx,
} from '../activities/documents/compliance-report';
import { buildFallbackRegister } from '../activities/documents/fallback-documents';
import type { ProjectionStore } from '../activities/projection';
import { complianceQuerySchema } from '../domain/compliance';
import { FALLBACK_KINDS } from '../domain/fallback';
import { z } from 'zod';
import { toFieldErrors } from '../domain/validation';
import { HttpError } from './errors';

export interface ComplianceRouteOptions {
  projection: ProjectionStore;
  timeZone: string;
  maxShare: number;
}

const FORMATS = ['json', 'csv', 'xlsx'] as const;

const registerParams = z.object({
  tier4Office: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be a tier-4 office code'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM'),
  kind: z.enum(FALLBACK_KINDS),
});

export function registerComplianceRoutes(app: FastifyInstance, opts: ComplianceRouteOptions): void {
  app.get<{ Params: { office: string }; Querystring: Record<string, string> }>(
    '/v1/compliance/:office',
    { config: { roles: ['tier3', 'branch', 'ops'] } },
    async (req, reply) => {
      const { format = 'json', ...rest } = req.query ?? {};
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new HttpError(400, 'invalid compliance request: format', [{ field: 'format', message: `must be one of ${FORMATS.join(', ')}` }]);
      }
      const query = parse(complianceQuerySchema, { ...rest, office: req.params.office }, 'invalid compliance request');
      const figures = await complianceFromProjection(opts.projection, query, { timeZone: opts.timeZone, maxShare: opts.maxShare });
      if (format === 'json') return figures;
      const body = format === 'csv' ? complianceCsv(figures) : await complianceXlsx(figures, opts.timeZone);
      return reply
        .type(COMPLIANCE_CONTENT_TYPES[format as 'csv' | 'xlsx'])
        .header('content-disposition', `attachment; filename="${complianceFileName(figures, format as 'csv' | 'xlsx')}"`)
        .send(body);
    },
  );

  /** Every letter (kind=letter) or on-site (kind=onsite) callback of a tier-4 office in a month, as it stands now. */
  app.get<{ Params: Record<string, string> }>(
    '/v1/fallback-registers/:tier4Office/:month/:kind',
    { config: { roles: ['tier3', 'tier4', 'branch', 'ops'] } },
    async (req, reply) => {
      const { tier4Office, month, kind } = parse(registerParams, { ...req.params, kind: req.params.kind.replace(/\.xlsx$/, '') }, 'invalid register request');
      const records = await opts.projection.listCallbacks({ tier4Office });
      const xlsx = await buildFallbackRegister(records, { tier4Office, month, kind, timeZone: opts.timeZone });
      return reply.type(COMPLIANCE_CONTENT_TYPES.xlsx).header('content-disposition', `attachment; filename="${kind}-register-${tier4Office}-${month}.xlsx"`).send(xlsx);
    },
  );
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = toFieldErrors(parsed.error);
  throw new HttpError(400, `${what}: ${fields.map((f) => f.field).join(', ')}`, fields);
}
