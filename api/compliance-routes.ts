/**
 * What the regulator may ask to see, from the evidence:
 *   GET /v1/compliance/:office?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=json|csv|xlsx]   figures (domain/compliance.ts)
 *   GET /v1/fallback-registers/:tier4Office/:month/:kind                             the letter / on-site register (.xlsx)
 * An office-bound caller reads only its own part of the organisation: its own office or one below it
 * (a tier-3 handler, one of its tier-4 offices); any other office is a 403 naming the field.
 */
import { z } from 'zod';
import { COMPLIANCE_CONTENT_TYPES, complianceCsv, complianceFileName, complianceXlsx } from '../documents/compliance-report';
import { buildFallbackRegister } from '../documents/fallback-documents';
import type { EvidenceStore } from '../stores/evidence-store';
import { complianceQuerySchema } from '../domain/compliance';
import { complianceFromEvidence, officeReachesOutside } from '../stores/evidence-queries';
import { FALLBACK_KINDS } from '../domain/fallback';
import { HttpError } from './errors';
import { parseRequest } from './field-errors';
import { scopeFilter } from './org-scope';
import type { Principal } from './roles';
import type { ApiRoutes } from './route';

export interface ComplianceRouteOptions {
  evidence: EvidenceStore;
  timeZone: string;
  maxShare: number;
}

const FORMATS = ['json', 'csv', 'xlsx'] as const;
const XLSX = COMPLIANCE_CONTENT_TYPES.xlsx;
const officeCode = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, `must be ${what}`);

export function registerComplianceRoutes(routes: ApiRoutes, opts: ComplianceRouteOptions): void {
  routes.add({
    method: 'GET',
    url: '/v1/compliance/:office',
    tag: 'compliance',
    summary: "An office's compliance figures for a period (policies by receipt date, tickets by opening date)",
    description: 'office: a branch, central sub-branch or tier-4 office code. format=csv or xlsx downloads the same figures as a file.',
    roles: ['call-center', 'tier3', 'tier4', 'ops'],
    params: z.object({ office: officeCode('an office code') }).strict(),
    query: z.object({ from: z.string(), to: z.string(), format: z.enum(FORMATS).optional() }).strict(),
    response: { description: 'The figures (JSON), or the CSV / .xlsx file' },
    async handler({ params, query: { format = 'json', ...period }, principal, reply }) {
      const query = parseRequest(complianceQuerySchema, { ...period, office: params.office });
      await assertOwnOffice(opts.evidence, principal, query.office);
      // Counted in SQL over the office's period only (stores/evidence-queries.ts).
      const figures = await complianceFromEvidence(opts.evidence, query, { timeZone: opts.timeZone, maxShare: opts.maxShare });
      if (format === 'json') return figures;
      const body = format === 'csv' ? complianceCsv(figures) : await complianceXlsx(figures, opts.timeZone);
      return reply
        .type(COMPLIANCE_CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="${complianceFileName(figures, format)}"`)
        .send(body);
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/fallback-registers/:tier4Office/:month/:kind',
    tag: 'compliance',
    summary: 'The letter (kind=letter) or on-site (kind=onsite) callback register of a tier-4 office for a month, as it stands now (.xlsx)',
    roles: ['call-center', 'tier3', 'tier4', 'ops'],
    params: z
      .object({
        tier4Office: officeCode('a tier-4 office code'),
        month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM'),
        kind: z.string().transform((k) => k.replace(/\.xlsx$/, '')).pipe(z.enum(FALLBACK_KINDS)),
      })
      .strict(),
    response: { description: 'The register', contentType: XLSX },
    async handler({ params: { tier4Office, month, kind }, principal, reply }) {
      if (principal.role === 'tier4' && principal.office !== tier4Office) {
        throw new HttpError(403, `tier4Office: a tier4 token of ${principal.office} downloads its own register only, not ${tier4Office}'s`);
      }
      const records = await opts.evidence.listCallbacks({ ...scopeFilter(principal), tier4Office });
      const xlsx = await buildFallbackRegister(records, { tier4Office, month, kind, timeZone: opts.timeZone });
      return reply.type(XLSX).header('content-disposition', `attachment; filename="${kind}-register-${tier4Office}-${month}.xlsx"`).send(xlsx);
    },
  });
}

/**
 * The office asked for must be the caller's own or lie inside it: every policy that names it (at any
 * level) must be in the caller's part. A partial or empty answer for someone else's office would read
 * as real figures.
 */
async function assertOwnOffice(evidence: EvidenceStore, principal: Principal, office: string): Promise<void> {
  const own = scopeFilter(principal);
  if (!own || office === principal.office) return;
  if (await officeReachesOutside(evidence, office, own)) {
    throw new HttpError(403, `office: a ${principal.role} token of ${principal.office} reads its own office's figures only, not ${office}'s`);
  }
}
