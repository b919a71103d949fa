/**
 * Who is calling: the bearer token of a request resolved to its user and principal. Two kinds of
 * token, told apart by their prefix: long-lived machine tokens (`hfm_`, the issuance system), found
 * by digest in the users file, and session tokens (`hfs_`) handed out at sign-in.
 */
import { DECOY_PASSWORD_HASH, tokenDigest, verifyPassword } from './credential-hashes';
import { HttpError } from './errors';
import type { Principal } from './roles';
import { SESSION_PREFIX, SessionTokens } from './session-tokens';
import { SignInThrottle } from './sign-in-throttle';
import { readUsersFile, type ApiUser, type UsersFile } from './users-file';

export interface Authenticated {
  username: string;
  principal: Principal;
  /** When a session token stops working; absent for machine tokens. */
  expiresAt?: Date;
}

export interface ApiAuthOptions {
  /** How long a signed-in session lasts (default 8 hours: a working day). */
  sessionTtlSeconds?: number;
  now?: () => Date;
}

export class ApiAuth {
  private readonly byUsername = new Map<string, ApiUser>();
  private readonly byTokenDigest = new Map<string, ApiUser>();
  private readonly sessions: SessionTokens;
  private readonly throttle: SignInThrottle;

  constructor(file: UsersFile, options: ApiAuthOptions = {}) {
    for (const user of file.users) {
      this.byUsername.set(user.username, user);
      for (const digest of user.tokenDigests ?? []) this.byTokenDigest.set(digest, user);
    }
    const now = options.now ?? (() => new Date());
    this.sessions = new SessionTokens(file.sessionSecret, options.sessionTtlSeconds ?? 8 * 3600, now);
    this.throttle = new SignInThrottle(now);
  }

  static fromFile(path: string, options?: ApiAuthOptions): ApiAuth {
    return new ApiAuth(readUsersFile(path), options);
  }

  /**
   * A session for a username and password; undefined for a wrong pair, whichever half was wrong;
   * a 429 after repeated wrong passwords (sign-in-throttle.ts).
   */
  async signIn(username: string, password: string): Promise<(Authenticated & { token: string; expiresAt: Date }) | undefined> {
    const wait = this.throttle.blockedFor(username);
    if (wait !== undefined) throw new HttpError(429, `too many wrong passwords for ${username}: try again in ${wait} s`, undefined, { 'retry-after': String(wait) });
    const user = this.byUsername.get(username);
    // Hash the password even for an unknown user, so the answer's timing does not tell users apart.
    const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_PASSWORD_HASH);
    if (!user || !user.passwordHash || !ok) {
      this.throttle.failed(username);
      return undefined;
    }
    this.throttle.succeeded(username);
    const { token, expiresAt } = this.sessions.issue(user.username);
    return { token, expiresAt, username: user.username, principal: principalOf(user) };
  }

  /** The caller of a request, from its Authorization header; a 401 saying why otherwise. */
  authenticate(authorization: string | undefined): Authenticated {
    const match = /^Bearer ([A-Za-z0-9_.\-~+/]+=*)$/i.exec(authorization ?? '');
    if (!match) throw unauthorized(authorization ? 'the Authorization header must be "Bearer <token>"' : 'this route needs an Authorization: Bearer <token> header');
    const token = match[1];
    if (token.startsWith(SESSION_PREFIX)) {
      const claims = this.sessions.verify(token);
      if ('rejected' in claims) throw unauthorized(claims.rejected);
      const user = this.byUsername.get(claims.username);
      if (!user) throw unauthorized(`user ${claims.username} no longer exists`);
      return { username: user.username, principal: principalOf(user), expiresAt: claims.expiresAt };
    }
    const user = this.byTokenDigest.get(tokenDigest(token));
    if (!user) throw unauthorized('invalid token');
    return { username: user.username, principal: principalOf(user) };
  }
}

function principalOf(user: ApiUser): Principal {
  return user.office ? { role: user.role, id: user.id, office: user.office } : { role: user.role, id: user.id };
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message);
}
