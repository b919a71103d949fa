/** The compliance figures of an office and period, read from the projection (for the API and the CLI). */
import { computeCompliance, type ComplianceFigures, type ComplianceOptions, type ComplianceQuery } from '../domain/compliance';
import type { ProjectionStore } from './projection';

export async function complianceFromProjection(projection: ProjectionStore, query: ComplianceQuery, options: ComplianceOptions): Promise<ComplianceFigures> {
  // The office may be of any level: every record is read and the domain keeps the office's own.
  const [callbacks, tickets] = await Promise.all([projection.listCallbacks(), projection.listTickets()]);
  return computeCompliance(callbacks, tickets, query, options);
}
