/**
 * The call center's daily work (the staff pages' call list):
 *   GET /v1/calls/due                        today's calls of the caller's branch, most urgent first (visibility)
 *   GET /v1/callbacks/:policyNo/policyholder  who to call: the policyholder's name and number, decrypted (from the system of record)
 * The list holds business keys only; the personal data is decrypted one policy at a time, for the
 * call center of the policy's own branch, when its operator opens the call.
 */
import { z } from 'zod';
import { callbackContract } from '../client/callback-contract';
import type { HuifangClient } from '../client/huifang-client';
import type { EvidenceStore } from '../stores/evidence-store';
import { listDueCalls } from '../client/due-calls';
import { policyNoSchema } from '../domain/contract';
import { addCalendarDays, instantAt, localDateOf } from '../domain/local-time';
import { HttpError } from './errors';
import { DEFAULT_READS_PER_HOUR, personalDataRefusal } from '../domain/personal-data-access';
import { PersonalDataReads, type ReadOutcome } from '../stores/personal-data-reads';
import type { OrgScope } from './org-scope';
import type { ApiRoutes } from './route';

const dueCalls = z
  .object({
    count: z.number().int(),
    calls: z.array(
      z.object({
        policyNo: z.string(),
        stage: z.enum(['CALLING', 'AWAITING_CALL', 'AWAITING_RECORDING']),
        coolingOffEnd: z.string().optional(),
        nextAttemptAt: z.string().optional(),
        attemptCount: z.number().int(),
        centralSubBranch: z.string(),
        tier4Office: z.string(),
        agentCode: z.string(),
      }),
    ),
  })
  .describe('Calls out now, calls planned before the end of the local day, and calls waiting for their recording, most urgent first (cooling-off end, attempts made, planned time)')
  .meta({ id: 'DueCalls' });

const policyholder = z
  .object({
    policyNo: z.string(),
    name: z.string(),
    phone: z.string(),
    phoneSource: z.string().describe("'contract', or the ticket whose reply gave the number now dialled"),
    productCode: z.string(),
    agent: z.object({ code: z.string(), name: z.string() }),
  })
  .describe('Who to call: personal data, decrypted for the call center of the policy’s branch only')
  .meta({ id: 'Policyholder' });

export function registerCallCenterRoutes(
  routes: ApiRoutes,
  huifang: HuifangClient,
  scope: OrgScope,
  opts: { timeZone: string; now: () => Date; evidence?: EvidenceStore; personalDataReadsPerHour?: number },
): void {
  const clock = opts;
  const readsPerHour = opts.personalDataReadsPerHour ?? DEFAULT_READS_PER_HOUR;
  routes.add({
    method: 'GET',
    url: '/v1/calls/due',
    tag: 'callbacks',
    summary: "Today's calls of the caller's branch: out now, planned before the end of the day, or waiting for their recording; most urgent first",
    description: 'A call center sees its own branch; ops may name one with ?branch= (a call center naming another is a 403).',
    roles: ['call-center', 'ops'],
    query: z
      .object({
        branch: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be a branch code').optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    response: { description: 'The calls', schema: dueCalls },
    async handler({ query, principal }) {
      if (principal.role === 'call-center' && query.branch && query.branch !== principal.office) {
        throw new HttpError(403, `branch: a call-center token of ${principal.office} sees its own calls only, not ${query.branch}'s`);
      }
      const branch = principal.role === 'call-center' ? principal.office : query.branch;
      const endOfDay = instantAt(addCalendarDays(localDateOf(clock.now(), clock.timeZone), 1), '00:00', clock.timeZone);
      const calls = await listDueCalls(huifang.temporal, branch, endOfDay, query.limit ?? 200);
      return { count: calls.length, calls };
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/callbacks/:policyNo/policyholder',
    tag: 'callbacks',
    summary: "The policyholder's name and number for the call (the call center of the policy's branch)",
    roles: ['call-center'],
    params: z.object({ policyNo: policyNoSchema }).strict(),
    response: { description: 'Who to call', schema: policyholder },
    errors: [404],
    async handler({ params: { policyNo }, principal, req }) {
      await scope.assertPolicy(principal, policyNo);
      const { evidence } = opts;
      const reads = evidence && new PersonalDataReads(evidence.db);
      const entry = { username: req.authenticated!.username, role: principal.role, office: principal.office, policyNo, fields: SHOWN_FIELDS, route: 'GET /v1/callbacks/:policyNo/policyholder', requestId: req.id };
      /** The log first, always: a read that cannot be logged (or counted) is not served (503). */
      const withLog = async <T>(work: () => Promise<T>): Promise<T> => {
        try {
          return await work();
        } catch (err) {
          throw new HttpError(503, `the read could not be logged (${(err as Error).message}): personal data is not shown unlogged; try again`, undefined, { 'retry-after': '5' });
        }
      };
      const logged = async (outcome: ReadOutcome, reason?: string) => {
        if (reads) await withLog(() => reads.log({ ...entry, outcome, reason }));
      };
      const refuse = async (status: 403 | 429, reason: string, headers?: Record<string, string>): Promise<never> => {
        await logged('refused', reason);
        throw new HttpError(status, reason, undefined, headers);
      };
      if (reads) {
        const hourAgo = new Date(clock.now().getTime() - 3_600_000);
        const served = await withLog(() => reads.servedSince(entry.username, hourAgo));
        if (served >= readsPerHour) await refuse(429, `${entry.username} was shown ${served} policyholders in the last hour, the most one person may be: try again later or ask ops`, { 'retry-after': '600' });
      }
      if (evidence) {
        // The personal data and the policy's codes from the record; the number dialled now from the view (a reply may have corrected it).
        const [person, view] = await Promise.all([evidence.personalData(policyNo), huifang.recordedCallbackView(evidence, policyNo)]);
        const closedStage = personalDataRefusal(policyNo, view.stage);
        if (closedStage) await refuse(403, closedStage);
        const story = view.evidence;
        if (person?.holderName && person.holderPhone && story) {
          await logged('served');
          return {
            policyNo,
            name: person.holderName,
            phone: person.holderPhone,
            phoneSource: view.phoneSource,
            productCode: story.productCode ?? '',
            agent: { code: story.org.agentCode, name: person.agentName ?? '' },
          };
        }
      }
      // Not recorded yet (or a contract without a number): the contract the workflow was started with.
      const [contract, state] = await Promise.all([callbackContract(huifang.temporal, policyNo), huifang.getCallbackState(policyNo)]);
      const closedStage = personalDataRefusal(policyNo, state.stage);
      if (closedStage) await refuse(403, closedStage);
      await logged('served');
      return {
        policyNo,
        name: contract.policyholder.name,
        phone: contract.policyholder.phone,
        phoneSource: state.phoneSource,
        productCode: contract.productCode,
        agent: { code: contract.agent.code, name: contract.agent.name },
      };
    },
  });

  if (opts.evidence) {
    const reads = new PersonalDataReads(opts.evidence.db);
    routes.add({
      method: 'GET',
      url: '/v1/audit/personal-data-reads',
      tag: 'callbacks',
      summary: "Who was shown a policyholder's personal data, or refused it, and when (ops: the compliance officer's audit)",
      roles: ['ops'],
      query: z
        .object({
          policyNo: policyNoSchema.optional(),
          username: z.string().min(1).max(64).optional(),
          since: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(5000).optional(),
        })
        .strict(),
      response: { description: 'The reads, newest first', schema: personalDataReadLog },
      async handler({ query }) {
        const rows = await reads.list(query);
        return { count: rows.length, reads: rows };
      },
    });
  }
}

/** What the policyholder route shows: the read log names these. */
const SHOWN_FIELDS = ['policyholder.name', 'policyholder.phone', 'agent.name'];

const personalDataReadLog = z
  .object({
    count: z.number().int(),
    reads: z.array(
      z.object({
        at: z.string(),
        username: z.string(),
        role: z.string(),
        office: z.string().optional(),
        policyNo: z.string(),
        fields: z.array(z.string()),
        route: z.string(),
        requestId: z.string().optional(),
        outcome: z.enum(['served', 'refused']),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'PersonalDataReadLog' });
