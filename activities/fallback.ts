/**
 * The I/O of letter and on-site callbacks: whether the region allows them, the office's monthly cap
 * (through the office's quota workflow, so two policies can never both take the last place), the
 * letter or visit task, and the register rebuilt from the projection.
 */
import type { Settings } from '../config/settings';
import type { FallbackKind } from '../domain/callback-record';
import type { Contract } from '../domain/contract';
import { fallbackPermission, type FallbackPermission, type QuotaDecision } from '../domain/fallback';
import { instantAt, localDateOf } from '../domain/local-time';
import type { DocumentStore } from './documents';
import { buildFallbackRegister, renderFallbackDocumentHtml } from './documents/fallback-documents';
import type { ProjectionStore } from './projection';

export interface ReserveFallbackRequest {
  office: string;
  /** YYYY-MM (local): the month the callback started in. */
  month: string;
  policyNo: string;
  kind: FallbackKind;
  maxShare: number;
}

/** Reserves one place under an office's monthly cap; the same policy asking again gets the same answer. */
export interface FallbackQuotaGateway {
  reserve(request: ReserveFallbackRequest): Promise<QuotaDecision>;
}

export interface FallbackPlan extends FallbackPermission {
  month: string;
  maxShare: number;
  receiptWaitDays: number;
}

export interface OfficeMonthCount {
  callbacks: number;
  /** Policies of the office-month already granted a fallback (from the projection). */
  granted: string[];
  /** When the office-month's quota stops taking requests: the start of the month after next. */
  closesAt: string;
}

export interface FallbackActivityDeps {
  settings: Settings;
  projection: ProjectionStore;
  documents: DocumentStore;
  quota: FallbackQuotaGateway;
}

export function monthOf(iso: string, timeZone: string): string {
  return localDateOf(new Date(iso), timeZone).slice(0, 7);
}

export function fallbackDocumentPath(kind: FallbackKind, policyNo: string): string {
  return `${kind === 'letter' ? 'letters' : 'visits'}/${policyNo}.html`;
}

export function fallbackRegisterPath(tier4Office: string, month: string, kind: FallbackKind): string {
  return `registers/${kind}/${tier4Office}/${month}.xlsx`;
}

/** The cap's denominator, live: callbacks needing a call that started in the office-month (also read by the API). */
export async function countOfficeMonth(projection: ProjectionStore, office: string, month: string, tz: string): Promise<OfficeMonthCount> {
  const records = (await projection.listCallbacks({ tier4Office: office })).filter((r) => monthOf(r.startedAt, tz) === month);
  const [y, m] = month.split('-').map(Number);
  const after = new Date(Date.UTC(y, m + 1, 1)).toISOString().slice(0, 10);
  return {
    callbacks: records.filter((r) => r.required).length,
    granted: records.filter((r) => r.fallback?.granted).map((r) => r.policyNo),
    closesAt: instantAt(after, '00:00', tz).toISOString(),
  };
}

export function createFallbackActivities({ settings, projection, documents, quota }: FallbackActivityDeps) {
  const tz = settings.timeZone;
  return {
    async planFallback({ regionCode, startedAt }: { regionCode: string; startedAt: string }): Promise<FallbackPlan> {
      const config = settings.fallback;
      return {
        ...fallbackPermission(regionCode, config),
        month: monthOf(startedAt, tz),
        maxShare: config.maxShare,
        receiptWaitDays: config.receiptWaitDays,
      };
    },

    async reserveFallback(request: ReserveFallbackRequest): Promise<QuotaDecision> {
      return quota.reserve(request);
    },

    async countOfficeMonth({ office, month }: { office: string; month: string }): Promise<OfficeMonthCount> {
      return countOfficeMonth(projection, office, month, tz);
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

    /** Rebuilds the office's register for the month of the request from the projection (every case, never a partial append). */
    async writeFallbackRegister({ tier4Office, requestedAt, kind }: { tier4Office: string; requestedAt: string; kind: FallbackKind }): Promise<{ path: string }> {
      const month = monthOf(requestedAt, tz);
      const records = await projection.listCallbacks({ tier4Office });
      const content = await buildFallbackRegister(records, { tier4Office, month, kind, timeZone: tz });
      const path = fallbackRegisterPath(tier4Office, month, kind);
      await documents.save(path, content);
      return { path };
    },
  };
}
