/**
 * Sampling for callbacks required "for at least N%" of policies (rule R3, raised by R4): systematic,
 * so the floor holds in every office and month, not only on average.
 *
 * Why not a hash of the policy number against the ratio: it selects about N% over many policies, but
 * an office-month is small; at ratio 0.5 a hash sample of a dozen policies falls below 50% in about
 * 40% of office-months, which the regulator reads as a breach.
 *
 * The draw: the eligible policies of one scope (rule, tier-4 office, callback month, ratio) are
 * numbered 1, 2, 3, … in the order they are assessed (a counter in the system of record), and the
 * n-th is selected exactly when ceil(n·ratio) > ceil((n−1)·ratio). After n draws ceil(n·ratio) are
 * selected, never fewer than n·ratio: at ratio 0.5 the 1st, 3rd, 5th … (3 of 5, 4 of 7, 4 of 8).
 * Each draw is stored with its position and reason (stores/sampling-draws.ts), so an auditor
 * recomputes every decision from the position and the ratio alone.
 */

/** Where a policy fell in its scope's draw. */
export interface SamplingDraw {
  /** "R3 SH-PD-01 2026-12" (the ratio is added when it is not the rule's own: one scope per ratio). */
  scope: string;
  /** 1 for the scope's first eligible policy. */
  position: number;
}

// n·ratio is computed in binary floating point (0.3 × 10 = 3.0000000000000004): a hair below the
// next integer is that integer, so the count is the exact ceil of the decimal product.
const EPSILON = 1e-9;

/** How many of the scope's first `position` policies the draw selects: ceil(position·ratio). */
export function selectedAfter(position: number, ratio: number): number {
  if (!Number.isInteger(position) || position < 0) throw new RangeError(`position must be a whole number ≥ 0, not ${position}`);
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`ratio must be between 0 and 1, not ${ratio}`);
  return Math.ceil(position * ratio - EPSILON);
}

/** Whether the policy at `position` (from 1) is selected: it raises the count the ratio demands. */
export function isDrawn(position: number, ratio: number): boolean {
  if (!Number.isInteger(position) || position < 1) throw new RangeError(`position must be a whole number ≥ 1, not ${position}`);
  return selectedAfter(position, ratio) > selectedAfter(position - 1, ratio);
}

/** The scope a policy is drawn in: its rule, its tier-4 office and its callback month (domain/callback-month.ts). */
export function samplingScope(ruleId: string, tier4Office: string, callbackMonth: string, ratio: number, ruleRatio: number): string {
  const scope = `${ruleId} ${tier4Office} ${callbackMonth}`;
  // A regional override gives another ratio: its draws are counted apart, so each ratio's floor holds.
  return ratio === ruleRatio ? scope : `${scope} @${ratio}`;
}

/** "draw 7 of R3 SH-PD-01 2026-12: selected (4 of 7 ≥ 0.5)", the words kept with the decision. */
export function drawText(draw: SamplingDraw, ratio: number): string {
  const { position, scope } = draw;
  const selected = selectedAfter(position, ratio);
  return isDrawn(position, ratio)
    ? `draw ${position} of ${scope}: selected (${selected} of ${position} ≥ ${ratio})`
    : `draw ${position} of ${scope}: not selected (${selected} of ${position} ≥ ${ratio} without it)`;
}
