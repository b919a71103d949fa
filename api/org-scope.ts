/**
 * Office isolation: each principal sees and acts on its own part of the organisation only: the call
 * center on its branch's policies, the tier-3 handler on its central sub-branch's, tier-4 staff on
 * their office's, an agent on its own; issuance and ops on all. A policy or ticket outside the
 * caller's part answers 404, the same as one that does not exist, so ids cannot be probed.
 *
 * The org of a policy or ticket is read from the system of record, else (not recorded yet, or no
 * record) from its workflow's search attributes (business keys, no personal data), and cached: it
 * never changes once the workflow has started.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { NotFoundError } from '../domain/errors';
import type { HuifangClient, OrgFilter } from '../client/huifang-client';
import type { EvidenceStore } from '../stores/evidence-store';
import * as sa from '../workflows/search-attributes';
import { ticketWorkflowId } from '../workflows/ticket-messages';
import { HttpError } from './errors';
import type { Principal } from './roles';

export interface Org {
  branch: string;
  centralSubBranch: string;
  tier4Office: string;
  agentCode: string;
}

/** The principal's own part of the org, as a ticket filter; undefined for those who see everything. */
export function scopeFilter(p: Principal): OrgFilter | undefined {
  switch (p.role) {
    case 'call-center':
      return { branch: p.office };
    case 'tier3':
      return { centralSubBranch: p.office };
    case 'tier4':
      return { tier4Office: p.office };
    case 'agent':
      return { agentCode: p.id };
    case 'issuance':
    case 'ops':
      return undefined;
  }
}

export function inScope(p: Principal, org: Org): boolean {
  const own = scopeFilter(p);
  return !own || Object.entries(own).every(([k, v]) => org[k as keyof Org] === v);
}

/**
 * A list filter (tickets, callbacks) narrowed to the caller's part: a filter field that names someone
 * else's office or agent code is a 403 naming the field (a silently empty list would look like "none").
 */
export function narrowFilter<F extends OrgFilter>(p: Principal, filter: F): F {
  const own = scopeFilter(p);
  if (!own) return filter;
  for (const [field, value] of Object.entries(own) as [keyof OrgFilter, string][]) {
    const asked = filter[field];
    if (asked !== undefined && asked !== value) throw new HttpError(403, `${field}=${String(asked)}: this ${p.role} token sees ${field} ${value} only`);
  }
  return { ...filter, ...own };
}

const CACHE_SIZE = 10_000;
/**
 * A 404 of the scope check answers no sooner than this after the check began: another office's
 * policy (its office found, often cached) and a policy that does not exist (the record and Temporal
 * both asked) then take as long, so timing does not tell which ids exist.
 */
export const DEFAULT_NOT_FOUND_FLOOR_MS = 150;

export class OrgScope {
  private readonly cache = new Map<string, Org>();

  constructor(
    private readonly huifang: HuifangClient,
    private readonly evidence?: EvidenceStore,
    private readonly notFoundFloorMs = DEFAULT_NOT_FOUND_FLOOR_MS,
  ) {}

  /** 404 unless the policy exists and lies in the caller's part. */
  async assertPolicy(p: Principal, policyNo: string): Promise<void> {
    if (!scopeFilter(p)) return;
    await this.evenly(async () => {
      const org = await this.orgOf(this.huifang.handle(policyNo), `no callback for policy ${policyNo}`, () => this.evidence?.orgOfPolicy(policyNo));
      if (!inScope(p, org)) throw new NotFoundError(`no callback for policy ${policyNo}`);
    });
  }

  async assertTicket(p: Principal, ticketId: string): Promise<void> {
    if (!scopeFilter(p)) return;
    await this.evenly(async () => {
      const org = await this.orgOf(this.huifang.temporal.workflow.getHandle(ticketWorkflowId(ticketId)), `no ticket ${ticketId}`, () => this.evidence?.orgOfTicket(ticketId));
      if (!inScope(p, org)) throw new NotFoundError(`no ticket ${ticketId}`);
    });
  }

  /** Runs the check; a "not found" (missing or out of scope alike) waits out the floor before it is thrown. */
  private async evenly(check: () => Promise<void>): Promise<void> {
    const started = performance.now();
    try {
      await check();
    } catch (err) {
      if (err instanceof NotFoundError) {
        const left = started + this.notFoundFloorMs - performance.now();
        if (left > 0) await new Promise((r) => setTimeout(r, left));
      }
      throw err;
    }
  }

  private async orgOf(handle: WorkflowHandle, notFound: string, recorded: () => Promise<Org | undefined> | undefined): Promise<Org> {
    const cached = this.cache.get(handle.workflowId);
    if (cached) return cached;
    const org = (await recorded()) ?? (await this.orgFromWorkflow(handle, notFound));
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(handle.workflowId, org);
    return org;
  }

  private async orgFromWorkflow(handle: WorkflowHandle, notFound: string): Promise<Org> {
    let attrs;
    try {
      attrs = (await handle.describe()).typedSearchAttributes;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(notFound);
      throw err;
    }
    return {
      branch: attrs.get(sa.Branch) ?? '',
      centralSubBranch: attrs.get(sa.CentralSubBranch) ?? '',
      tier4Office: attrs.get(sa.Tier4Office) ?? '',
      agentCode: attrs.get(sa.AgentCode) ?? '',
    };
  }
}
