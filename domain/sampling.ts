/**
 * Deterministic, auditable sampling for callbacks required "for at least N%" of policies (rule R3).
 *
 * Why a hash and not Math.random(): the decision must come out the same on every re-run (a workflow
 * replay, a retried activity, a re-import of the same contracts), and an auditor or regulator must be
 * able to recompute it from the policy number and the configured salt alone, with any SHA-256 tool:
 *
 *   printf '%s' "<salt>:<policyNo>" | sha256sum   → first 13 hex digits (52 bits) / 2^52
 *
 * SHA-256 spreads policy numbers evenly over [0,1), so `value < ratio` selects about `ratio` of them,
 * and no one can steer a policy into or out of the sample without changing its number or the salt.
 * Changing the salt re-draws the whole sample; do it only at a period boundary and record when.
 *
 * Uses node:crypto, so it runs in activities, the API or the CLI, never inside Temporal workflow code.
 */
import { createHash } from 'node:crypto';

/** A number in [0,1) fixed by the policy number and salt: the first 52 bits of SHA-256("salt:policyNo") / 2^52. */
export function sampleValue(policyNo: string, salt: string): number {
  const digest = createHash('sha256').update(`${salt}:${policyNo}`, 'utf8').digest();
  // 52 bits fit a double's mantissa exactly, so the value is exact and identical on every platform.
  const high48 = digest.readUIntBE(0, 6);
  const next4 = digest[6] >>> 4;
  return (high48 * 16 + next4) / 2 ** 52;
}

/** In the sample when the value falls below the ratio: ratio 1 takes everyone, ratio 0 no one. */
export function isSampled(value: number, ratio: number): boolean {
  return value < ratio;
}
