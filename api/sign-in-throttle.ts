/**
 * Guessing passwords is slowed before any password is hashed: an attempt is counted (as a failure,
 * until it proves right) the moment it arrives, so 100 guesses sent at once meet the limit together,
 * not one by one after their hashes.
 *
 * Limits, each over a sliding window since the first failure (`windowMs`, 15 minutes):
 *   - per username *and address* (`perUserAddress`, 5): guessing one account. Per pair, so an attacker
 *     at one address locks the account for that address only: its owner, elsewhere, still signs in;
 *   - per address (`perAddress`, 20): spraying one password over many usernames;
 *   - overall (`overall`, 200): many addresses at once. Past it only addresses with a failure of
 *     their own in the window are refused; one with none (a person signing in normally) still passes;
 *   - at most `maxHashing` (8) password checks in flight: scrypt is the costly part; beyond it a quick
 *     429 "busy" (retry in a second).
 * Nothing is locked for longer than the window since its first counted failure, and ops can lift a
 * username's locks at once (`unlock`). The counts are in memory, per API process: several processes
 * each count their own (a shared store would be the next step; see README "Security").
 */
import { HttpError } from './errors';

export interface SignInLimits {
  perUserAddress: number;
  perAddress: number;
  overall: number;
  windowMs: number;
  maxHashing: number;
  /** Entries kept at most (oldest dropped first), so made-up usernames cannot fill memory. */
  maxTracked: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perUserAddress: 5, perAddress: 20, overall: 200, windowMs: 15 * 60_000, maxHashing: 8, maxTracked: 10_000 };

interface Count {
  count: number;
  since: number;
}

/** An attempt let through: say how it ended. */
export interface SignInAttempt {
  succeeded(): void;
  failed(): void;
}

export class SignInThrottle {
  private readonly pairs = new Map<string, Count>();
  private readonly addresses = new Map<string, Count>();
  private overall: Count = { count: 0, since: 0 };
  private hashing = 0;
  readonly limits: SignInLimits;

  constructor(
    private readonly now: () => Date,
    limits: Partial<SignInLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits };
  }

  /** Counts the attempt now, before its password is checked; a 429 when a limit is reached. */
  begin(username: string, address: string): SignInAttempt {
    const t = this.now().getTime();
    const pairKey = `${username}\u0000${address}`;
    const pair = this.live(this.pairs, pairKey, t);
    const byAddress = this.live(this.addresses, address, t);
    if (this.overall.since + this.limits.windowMs <= t) this.overall = { count: 0, since: t };

    const refuse = (why: string, since: number): never => {
      const wait = Math.max(1, Math.ceil((since + this.limits.windowMs - t) / 1000));
      throw new HttpError(429, `${why}: try again in ${wait} s`, undefined, { 'retry-after': String(wait) });
    };
    if (pair && pair.count >= this.limits.perUserAddress) refuse(`too many wrong passwords for ${username} from this address`, pair.since);
    if (byAddress && byAddress.count >= this.limits.perAddress) refuse('too many wrong passwords from this address', byAddress.since);
    if (byAddress && this.overall.count >= this.limits.overall) refuse('too many wrong passwords overall; addresses with recent failures must wait', this.overall.since);
    if (this.hashing >= this.limits.maxHashing) throw new HttpError(429, 'sign-in is busy: try again in 1 s', undefined, { 'retry-after': '1' });

    // Counted as failed until the password proves right.
    this.bump(this.pairs, pairKey, t);
    this.bump(this.addresses, address, t);
    this.overall.count++;
    this.hashing++;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('a sign-in attempt settled twice');
      settled = true;
      this.hashing--;
    };
    return {
      failed: settle,
      succeeded: () => {
        settle();
        this.pairs.delete(pairKey);
        const a = this.addresses.get(address);
        if (a && --a.count <= 0) this.addresses.delete(address);
        this.overall.count = Math.max(0, this.overall.count - 1);
      },
    };
  }

  /** Lifts every lock on `username` (ops, after checking with the person); how many addresses it held. */
  unlock(username: string): number {
    let lifted = 0;
    for (const key of [...this.pairs.keys()]) {
      if (key.startsWith(`${username}\u0000`)) {
        this.pairs.delete(key);
        lifted++;
      }
    }
    return lifted;
  }

  private live(map: Map<string, Count>, key: string, t: number): Count | undefined {
    const entry = map.get(key);
    if (entry && entry.since + this.limits.windowMs <= t) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  private bump(map: Map<string, Count>, key: string, t: number): void {
    const entry = map.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    if (map.size >= this.limits.maxTracked) map.delete(map.keys().next().value!);
    map.set(key, { count: 1, since: t });
  }
}
