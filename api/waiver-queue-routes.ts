/**
 * The tier-3 handler's waivers to verify:
 *   GET /v1/waivers/pending                    reported waivers not yet decided, of the caller's central sub-branch (evidence)
 *   GET /v1/documents/:kind/:policyNo/:name     the scanned statement (or receipt) itself, to look at before deciding
 * The decision is POST /v1/callbacks/:policyNo/waiver/decision (api/server.ts).
 */
import { z } from 'zod';
import { scannedDocumentPath } from '../stores/document-paths';
import type { DocumentStore } from '../stores/document-store';
import type { EvidenceStore } from '../stores/evidence-store';
import { storedDocumentParams } from './document-params';
import { HttpError } from './errors';
import type { OrgScope } from './org-scope';
import type { ApiRoutes } from './route';

const pendingWaivers = z
  .object({
    count: z.number().int(),
    waivers: z.array(
      z.object({
        policyNo: z.string(),
        tier4Office: z.string(),
        agentCode: z.string(),
        stage: z.string(),
        coolingOffEndsAt: z.string().optional(),
        statementRef: z.string(),
        reportedBy: z.looseObject({ role: z.string(), id: z.string() }),
        reportedAt: z.string(),
        note: z.string().optional(),
      }),
    ),
  })
  .describe('Waivers reported and not yet decided, oldest first')
  .meta({ id: 'PendingWaivers' });

const TYPES: Record<string, string> = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };

export function registerWaiverQueueRoutes(routes: ApiRoutes, scope: OrgScope, opts: { evidence?: EvidenceStore; documents?: DocumentStore }): void {
  const { evidence, documents } = opts;
  if (evidence) {
    routes.add({
      method: 'GET',
      url: '/v1/waivers/pending',
      tag: 'waivers',
      summary: "Waivers to verify: reported, not yet accepted or rejected, of the caller's central sub-branch",
      roles: ['tier3', 'ops'],
      response: { description: 'The waivers', schema: pendingWaivers },
      async handler({ principal }) {
        const rows = await evidence.pendingWaivers(principal.role === 'tier3' ? principal.office : undefined);
        const waivers = rows
          .filter((r) => r.waiver && !r.waiver.decision && !r.closedAt && (principal.role !== 'tier3' || r.centralSubBranch === principal.office))
          .map((r) => ({ policyNo: r.policyNo, tier4Office: r.tier4Office, agentCode: r.agentCode, stage: r.stage, coolingOffEndsAt: r.coolingOffEndsAt, ...r.waiver! }))
          .map(({ decision: _, ...w }) => w)
          .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
        return { count: waivers.length, waivers };
      },
    });
  }
  if (documents) {
    routes.add({
      method: 'GET',
      url: '/v1/documents/:kind/:policyNo/:name',
      tag: 'waivers',
      summary: 'A scanned waiver statement or signed receipt, as uploaded (for the tier-3 handler to verify it)',
      roles: ['call-center', 'tier3', 'tier4'],
      params: storedDocumentParams,
      response: { description: 'The scanned document', contentType: 'application/pdf' },
      errors: [404],
      async handler({ params: { kind, policyNo, name }, principal, reply }) {
        await scope.assertPolicy(principal, policyNo);
        const file = await documents.read(scannedDocumentPath(kind, policyNo, name)).catch(() => undefined);
        if (!file) throw new HttpError(404, `no ${kind} document ${name} for policy ${policyNo}`);
        return reply.type(TYPES[name.split('.').pop()!.toLowerCase()]).send(file);
      },
    });
  }
}
