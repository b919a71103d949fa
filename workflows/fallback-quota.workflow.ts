/**
 * An office's letter/on-site quota for one month (`fallback-quota-<office>-<YYYY-MM>`): the one place
 * where places under the cap are handed out, so concurrent requests are decided one after the other
 * and the cap holds exactly. The denominator (callbacks needing a call) is counted live from the
 * projection at each request; the granted places are kept here and, on a (re)start, recovered from
 * the projection too. It stays open until the month after next so late cases still count.
 */
import { ApplicationFailure, continueAsNew, proxyLocalActivities, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { FallbackKind } from '../domain/callback-record';
import { decideQuota, FALLBACK_KINDS, type QuotaDecision } from '../domain/fallback-quota';
import { nowIso, isoIn } from './clock';
import { waitUntil } from './waits';
import { getFallbackQuota, openFallbackQuota, reserveFallbackPlace, type QuotaSnapshot } from './fallback-quota-messages';

const { countOfficeMonth } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface FallbackQuotaInput {
  office: string;
  month: string;
  maxShare: number;
  /** Carried over a continue-as-new. */
  granted?: QuotaSnapshot['granted'];
}

export async function fallbackQuotaWorkflow(input: FallbackQuotaInput): Promise<QuotaSnapshot> {
  const granted = new Map<string, FallbackKind | undefined>((input.granted ?? []).map((g) => [g.policyNo, g.kind]));
  const snapshot = (): QuotaSnapshot => ({
    office: input.office,
    month: input.month,
    maxShare: input.maxShare,
    callbacks,
    fallbacks: granted.size,
    granted: [...granted].map(([policyNo, kind]) => ({ policyNo, kind })),
    countedAt,
  });
  let callbacks = 0;
  let countedAt: string | undefined;
  // Requests wait for the first count (and the granted places it recovers).
  let opened = false;

  const count = async () => {
    const counted = await countOfficeMonth({ office: input.office, month: input.month });
    callbacks = counted.callbacks;
    countedAt = nowIso();
    for (const policyNo of counted.granted) if (!granted.has(policyNo)) granted.set(policyNo, undefined);
    return counted;
  };

  setHandler(openFallbackQuota, () => undefined);
  setHandler(getFallbackQuota, snapshot);
  setHandler(reserveFallbackPlace, async ({ policyNo, kind }): Promise<QuotaDecision> => {
    // The first count is a local activity: if it cannot finish within a minute, the request fails and
    // the callback's reserveFallback activity asks again on its retry policy.
    if (!(await waitUntil('quota-counted', () => opened, isoIn(60_000)))) {
      throw ApplicationFailure.create({ type: 'QuotaNotCounted', message: `the ${input.office} ${input.month} callbacks are not counted yet; ask again` });
    }
    const again = (): QuotaDecision | undefined =>
      granted.has(policyNo) ? { office: input.office, month: input.month, maxShare: input.maxShare, callbacks, fallbacks: granted.size, granted: true } : undefined;
    const known = again();
    if (known) return known;
    await count();
    // Decided synchronously after the count: no other request can slip in between.
    const repeated = again();
    if (repeated) return repeated;
    const decision = decideQuota({ office: input.office, month: input.month, maxShare: input.maxShare, callbacks, fallbacks: granted.size });
    if (decision.granted) granted.set(policyNo, kind);
    return decision;
  }, {
    validator: ({ policyNo, kind }) => {
      if (typeof policyNo !== 'string' || !policyNo) throw new Error('a place is reserved for a policy number');
      if (!(FALLBACK_KINDS as readonly string[]).includes(kind)) throw new Error(`'${kind}' is not a letter or on-site callback`);
    },
  });

  const { closesAt } = await count();
  opened = true;
  await waitUntil('month-closed', () => workflowInfo().continueAsNewSuggested, closesAt);
  await waitUntil('quota-handlers-finished', allHandlersFinished, isoIn(60_000));
  if (Date.parse(closesAt) > Date.now()) await continueAsNew<typeof fallbackQuotaWorkflow>({ ...input, granted: snapshot().granted });
  return snapshot();
}
