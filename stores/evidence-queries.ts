/**
 * Questions answered from the evidence (stores/evidence-store.ts), the same way for the
 * activities, the API and the CLI: an office's compliance figures for a period, and an office-month's
 * letter/on-site count.
 */
import { computeCompliance, type ComplianceFigures, type ComplianceOptions, type ComplianceQuery } from '../domain/compliance';
import { instantAt, localMonthOf } from '../domain/local-time';
import type { EvidenceStore } from './evidence-store';

export async function complianceFromEvidence(evidence: EvidenceStore, query: ComplianceQuery, options: ComplianceOptions): Promise<ComplianceFigures> {
  // The office may be of any level: every record is read and the domain keeps the office's own.
  const [callbacks, tickets] = await Promise.all([evidence.listCallbacks(), evidence.listTickets()]);
  return computeCompliance(callbacks, tickets, query, options);
}

export interface OfficeMonthCount {
  callbacks: number;
  /** Policies of the office-month already granted a fallback (from the evidence). */
  granted: string[];
  /** When the office-month's quota stops taking requests: the start of the month after next. */
  closesAt: string;
}

/** The cap's denominator, live: callbacks needing a call that started in the office-month (the `countOfficeMonth` activity, the API). */
export async function countOfficeMonth(evidence: EvidenceStore, office: string, month: string, tz: string): Promise<OfficeMonthCount> {
  const records = (await evidence.listCallbacks({ tier4Office: office })).filter((r) => localMonthOf(new Date(r.startedAt), tz) === month);
  const [y, m] = month.split('-').map(Number);
  const after = new Date(Date.UTC(y, m + 1, 1)).toISOString().slice(0, 10);
  return {
    callbacks: records.filter((r) => r.required).length,
    granted: records.filter((r) => r.fallback?.granted).map((r) => r.policyNo),
    closesAt: instantAt(after, '00:00', tz).toISOString(),
  };
}
