/**
 * Session tokens for staff who sign in: `hfs_<claims>.<HMAC-SHA256>`, the claims being the username
 * and an expiry. Signed rather than random-and-stored so that any API process holding the key can
 * check them with no shared session store (intake scales by adding API processes), and they survive
 * a restart. The claims carry no role: each request looks the user up again, so a user removed from
 * the users file or given another role takes effect on their next request, not at expiry.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_PREFIX = 'hfs_';

export interface SessionClaims {
  username: string;
  expiresAt: Date;
  /** When it was issued (its user's sessions may have been revoked since). */
  issuedAt: Date;
}

export class SessionTokens {
  private readonly key: Buffer;

  constructor(
    secretBase64: string,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = Buffer.from(secretBase64, 'base64');
  }

  issue(username: string): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.now().getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    const expiresAt = new Date(exp * 1000);
    const claims = Buffer.from(JSON.stringify({ sub: username, iat, exp })).toString('base64url');
    return { token: `${SESSION_PREFIX}${claims}.${this.mac(claims)}`, expiresAt };
  }

  /** The claims of a genuine, unexpired token; otherwise why not, in words. */
  verify(token: string): SessionClaims | { rejected: string } {
    // Exactly claims.mac, both base64url: anything appended or inserted is not this token.
    const parts = token.slice(SESSION_PREFIX.length).split('.');
    if (parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return { rejected: 'malformed token' };
    const [claims, mac] = parts;
    const expected = Buffer.from(this.mac(claims));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { rejected: 'invalid token' };
    const { sub, iat, exp } = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub: string; iat?: number; exp: number };
    const expiresAt = new Date(exp * 1000);
    if (expiresAt <= this.now()) return { rejected: `token expired at ${expiresAt.toISOString()}` };
    // Tokens of earlier releases carry no iat: issued a full lifetime before they expire.
    return { username: sub, expiresAt, issuedAt: new Date((iat ?? exp - this.ttlSeconds) * 1000) };
  }

  private mac(claims: string): string {
    return createHmac('sha256', this.key).update(claims).digest('base64url');
  }
}
