/**
 * Guessing passwords is slowed per username: after `maxFailures` wrong passwords within the window,
 * that username is refused (429) until the window since the first failure has passed. Per username
 * rather than per address because staff share office NAT; it also bounds the scrypt work one account
 * can be made to cost. The table is capped, oldest dropped first, so made-up usernames cannot fill memory.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly now: () => Date,
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly maxTracked = 10_000,
  ) {}

  /** Seconds until the username may try again; undefined when it may now. */
  blockedFor(username: string): number | undefined {
    const entry = this.failures.get(username);
    if (!entry) return undefined;
    const left = entry.since + this.windowMs - this.now().getTime();
    if (left <= 0) {
      this.failures.delete(username);
      return undefined;
    }
    return entry.count >= this.maxFailures ? Math.ceil(left / 1000) : undefined;
  }

  failed(username: string): void {
    const entry = this.failures.get(username);
    if (entry) entry.count++;
    else {
      if (this.failures.size >= this.maxTracked) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(username, { count: 1, since: this.now().getTime() });
    }
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }
}
