/**
 * Compliance figures per office and period, from the projection (domain/compliance.ts):
 *   GET /v1/compliance/:office?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=json|csv|xlsx]
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
import type { ProjectionStore } from '../activities/projection';
import { complianceQuerySchema } from '../domain/compliance';
import { toFieldErrors } from '../domain/validation';
import { HttpError } from './errors';

export interface ComplianceRouteOptions {
  projection: ProjectionStore;
  timeZone: string;
  maxShare: number;
}

const FORMATS = ['json', 'csv', 'xlsx'] as const;

export function registerComplianceRoutes(app: FastifyInstance, opts: ComplianceRouteOptions): void {
  app.get<{ Params: { office: string }; Querystring: Record<string, string> }>(
    '/v1/compliance/:office',
    { config: { roles: ['tier3', 'branch', 'ops'] } },
    async (req, reply) => {
      const { format = 'json', ...rest } = req.query ?? {};
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new HttpError(400, 'invalid compliance request: format', [{ field: 'format', message: `must be one of ${FORMATS.join(', ')}` }]);
      }
      const parsed = complianceQuerySchema.safeParse({ ...rest, office: req.params.office });
      if (!parsed.success) {
        const fields = toFieldErrors(parsed.error);
        throw new HttpError(400, `invalid compliance request: ${fields.map((f) => f.field).join(', ')}`, fields);
      }
      const figures = await complianceFromProjection(opts.projection, parsed.data, { timeZone: opts.timeZone, maxShare: opts.maxShare });
      if (format === 'json') return figures;
      const body = format === 'csv' ? complianceCsv(figures) : await complianceXlsx(figures, opts.timeZone);
      return reply
        .type(COMPLIANCE_CONTENT_TYPES[format as 'csv' | 'xlsx'])
        .header('content-disposition', `attachment; filename="${complianceFileName(figures, format as 'csv' | 'xlsx')}"`)
        .send(body);
    },
  );
}
