/**
 * The systematic sampling draws (domain/sampling.ts) in the system of record: each scope's counter
 * (sampling_counters, one row per rule, tier-4 office and callback month) and each policy's draw
 * (sampling_draws, keyed by policy number, with its position and reason).
 *
 * A draw is one transaction: the counter row is locked by its increment, so concurrent assessments
 * of one scope get consecutive positions, never the same one. A policy is drawn once: a retried
 * assessment (or a replayed workflow's re-run activity) gets its stored draw back, and the counter
 * does not move.
 */
import type { SamplingDraw } from '../domain/sampling';
import type { EvidenceStore } from './evidence-store';

export interface DrawRequest {
  policyNo: string;
  scope: string;
  ratio: number;
  /** When the assessment drew it. */
  at: string;
}

/** The domain's verdict on a position: selected or not, and the words kept with the draw. */
export type JudgeDraw = (position: number) => { selected: boolean; reason: string };

/** The policy's draw: the stored one, or the scope's next position, stored with its verdict. */
export async function drawSample(evidence: EvidenceStore, request: DrawRequest, judge: JudgeDraw): Promise<SamplingDraw> {
  const known = await storedDraw(evidence, request.policyNo);
  if (known) return known;
  try {
    return await evidence.db.transaction().execute(async (trx) => {
      await trx.insertInto('sampling_counters').values({ scope: request.scope, drawn: 0, selected: 0 }).onConflict((oc) => oc.column('scope').doNothing()).execute();
      const { drawn } = await trx
        .updateTable('sampling_counters')
        .set((eb) => ({ drawn: eb('drawn', '+', 1) }))
        .where('scope', '=', request.scope)
        .returning('drawn')
        .executeTakeFirstOrThrow();
      const verdict = judge(drawn);
      if (verdict.selected) {
        await trx.updateTable('sampling_counters').set((eb) => ({ selected: eb('selected', '+', 1) })).where('scope', '=', request.scope).execute();
      }
      const stored = await trx
        .insertInto('sampling_draws')
        .values({ policy_no: request.policyNo, scope: request.scope, seq: drawn, ratio: request.ratio, selected: verdict.selected, reason: verdict.reason, drawn_at: request.at })
        .onConflict((oc) => oc.column('policy_no').doNothing())
        .returning('seq')
        .executeTakeFirst();
      // Drawn meanwhile by a concurrent attempt for the same policy: undo this increment, keep that draw.
      if (!stored) throw new AlreadyDrawn();
      return { scope: request.scope, position: drawn };
    });
  } catch (err) {
    if (!(err instanceof AlreadyDrawn)) throw err;
    const again = await storedDraw(evidence, request.policyNo);
    if (!again) throw new Error(`sampling draw of ${request.policyNo}: a concurrent draw was reported but none is stored`);
    return again;
  }
}

/** The policy's stored draw, if it was drawn. */
export async function storedDraw(evidence: EvidenceStore, policyNo: string): Promise<SamplingDraw | undefined> {
  const row = await evidence.db.selectFrom('sampling_draws').select(['scope', 'seq']).where('policy_no', '=', policyNo).executeTakeFirst();
  return row ? { scope: row.scope, position: row.seq } : undefined;
}

class AlreadyDrawn extends Error {}
