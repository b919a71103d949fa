/**
 * The I/O of letter and on-site callbacks: whether the region allows them, the office's monthly cap
 * (through the office's quota workflow, so two policies can never both take the last place), the
 * letter or visit task, and the register rebuilt from the evidence.
 */
import type { Settings } from '../config/settings';
import { callbackMonthOf } from '../domain/callback-month';
import type { FallbackKind } from '../domain/callback-record';
import type { Contract } from '../domain/contract';
import { buildFallbackRegister, renderFallbackDocumentHtml } from '../documents/fallback-documents';
import { fallbackPermission, type FallbackPermission, type QuotaDecision } from '../domain/fallback';
import type { FallbackQuotaGateway, ReserveFallbackRequest } from '../domain/fallback-quota';
import { localMonthOf } from '../domain/local-time';
import { fallbackDocumentPath, fallbackRegisterPath } from '../stores/document-paths';
import type { DocumentStore } from '../stores/document-store';
import { countOfficeMonth, type OfficeMonthCount } from '../stores/evidence-queries';
import type { EvidenceStore } from '../stores/evidence-store';

export interface FallbackPlan extends FallbackPermission {
  month: string;
  maxShare: number;
  receiptWaitDays: number;
}

export interface FallbackActivityDeps {
  settings: Settings;
  evidence: EvidenceStore;
  documents: DocumentStore;
  quota: FallbackQuotaGateway;
}

export function createFallbackActivities({ settings, evidence, documents, quota }: FallbackActivityDeps) {
  const tz = settings.timeZone;
  return {
    /**
     * `month` is the office-month whose cap the request counts against: the policy's callback month
     * (domain/callback-month.ts, the receipt's signing month), the month the compliance report places
     * it in. Workflows before receiptSignedOn was passed here give only startedAt: its local month.
     */
    async planFallback({ regionCode, startedAt, receiptSignedOn }: { regionCode: string; startedAt: string; receiptSignedOn?: string }): Promise<FallbackPlan> {
      const config = settings.fallback;
      return {
        ...fallbackPermission(regionCode, config),
        month: callbackMonthOf({ receiptSignedOn, startedAt }, tz),
        maxShare: config.maxShare,
        receiptWaitDays: config.receiptWaitDays,
      };
    },

    async reserveFallback(request: ReserveFallbackRequest): Promise<QuotaDecision> {
      return quota.reserve(request);
    },

    async countOfficeMonth({ office, month }: { office: string; month: string }): Promise<OfficeMonthCount> {
      return countOfficeMonth(evidence, office, month, tz);
    },

    async writeFallbackDocument(input: {
      kind: FallbackKind;
      contract: Contract;
      questions: { id: string; text: string }[];
      coolingOffEndsAt: string;
    }): Promise<{ documentRef: string }> {
      const { kind, contract } = input;
      const html = renderFallbackDocumentHtml({
        kind,
        policyNo: contract.policyNo,
        policyholderName: contract.policyholder.name,
        tier4Office: contract.org.tier4Office,
        questions: input.questions,
        coolingOffEndsAt: input.coolingOffEndsAt,
        timeZone: tz,
      });
      const documentRef = fallbackDocumentPath(kind, contract.policyNo);
      await documents.save(documentRef, html);
      return { documentRef };
    },

    /** Rebuilds the office's register for the month of the request from the evidence (every case, never a partial append). */
    async writeFallbackRegister({ tier4Office, requestedAt, kind }: { tier4Office: string; requestedAt: string; kind: FallbackKind }): Promise<{ path: string }> {
      const month = localMonthOf(new Date(requestedAt), tz);
      const records = await evidence.listCallbacks({ tier4Office });
      const content = await buildFallbackRegister(records, { tier4Office, month, kind, timeZone: tz });
      const path = fallbackRegisterPath(tier4Office, month, kind);
      await documents.save(path, content);
      return { path };
    },
  };
}
