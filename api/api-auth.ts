/**
 * Who is calling: the bearer token of a request resolved to its user and principal. Two kinds of
 * token, told apart by their prefix: long-lived machine tokens (`hfm_`, the issuance system), found
 * by digest in the users file, and session tokens (`hfs_`) handed out at sign-in.
 */
import { DECOY_PASSWORD_HASH, tokenDigest, verifyPassword } from './credential-hashes';
import { HttpError } from './errors';
import type { Principal } from './roles';
import { SESSION_PREFIX, SessionTokens } from './session-tokens';
import { statSync } from 'node:fs';
import { SignInThrottle, type SignInLimits } from './sign-in-throttle';
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
  signInLimits?: Partial<SignInLimits>;
}

/** How often a users file is looked at for changes (a revoked user or token takes effect within this). */
const RELOAD_CHECK_MS = 1_000;

export class ApiAuth {
  private byUsername = new Map<string, ApiUser>();
  private byTokenDigest = new Map<string, ApiUser>();
  private readonly sessions: SessionTokens;
  readonly throttle: SignInThrottle;
  private readonly now: () => Date;
  private watched?: { path: string; mtimeMs: number; checkedAt: number };

  constructor(file: UsersFile, options: ApiAuthOptions = {}) {
    this.load(file);
    this.now = options.now ?? (() => new Date());
    this.sessions = new SessionTokens(file.sessionSecret, options.sessionTtlSeconds ?? 8 * 3600, this.now);
    this.throttle = new SignInThrottle(this.now, options.signInLimits);
  }

  /** From the users file, read again whenever it changes: removing a user or revoking their tokens and sessions needs no restart. */
  static fromFile(path: string, options?: ApiAuthOptions): ApiAuth {
    const auth = new ApiAuth(readUsersFile(path), options);
    auth.watched = { path, mtimeMs: statSync(path).mtimeMs, checkedAt: Date.now() };
    return auth;
  }

  private load(file: UsersFile): void {
    const byUsername = new Map<string, ApiUser>();
    const byTokenDigest = new Map<string, ApiUser>();
    for (const user of file.users) {
      byUsername.set(user.username, user);
      for (const digest of user.tokenDigests ?? []) byTokenDigest.set(digest, user);
    }
    this.byUsername = byUsername;
    this.byTokenDigest = byTokenDigest;
  }

  /** Reads the users file again if it changed (looked at once a second at most); a bad edit keeps the users as they were, and says so. */
  private refresh(): void {
    const w = this.watched;
    if (!w || Date.now() - w.checkedAt < RELOAD_CHECK_MS) return;
    w.checkedAt = Date.now();
    try {
      const mtimeMs = statSync(w.path).mtimeMs;
      if (mtimeMs === w.mtimeMs) return;
      this.load(readUsersFile(w.path));
      w.mtimeMs = mtimeMs;
    } catch (err) {
      console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', message: 'users file not reloaded; the users stay as they were', error: (err as Error).message }));
    }
  }

  /**
   * A session for a username and password; undefined for a wrong pair, whichever half was wrong;
   * a 429 when the attempts from `address` reach a limit (sign-in-throttle.ts), counted before hashing.
   */
  async signIn(username: string, password: string, address = 'unknown'): Promise<(Authenticated & { token: string; expiresAt: Date }) | undefined> {
    this.refresh();
    const attempt = this.throttle.begin(username, address);
    const user = this.byUsername.get(username);
    let ok = false;
    try {
      // Hash the password even for an unknown user, so the answer's timing does not tell users apart.
      ok = await verifyPassword(password, user?.passwordHash ?? DECOY_PASSWORD_HASH);
    } finally {
      if (ok && user?.passwordHash) attempt.succeeded();
      else attempt.failed();
    }
    if (!user || !user.passwordHash || !ok) return undefined;
    const { token, expiresAt } = this.sessions.issue(user.username);
    return { token, expiresAt, username: user.username, principal: principalOf(user) };
  }

  /** The caller of a request, from its Authorization header; a 401 saying why otherwise. */
  authenticate(authorization: string | undefined): Authenticated {
    const match = /^Bearer ([A-Za-z0-9_.\-~+/]+=*)$/i.exec(authorization ?? '');
    if (!match) throw unauthorized(authorization ? 'the Authorization header must be "Bearer <token>"' : 'this route needs an Authorization: Bearer <token> header');
    const token = match[1];
    this.refresh();
    if (token.startsWith(SESSION_PREFIX)) {
      const claims = this.sessions.verify(token);
      if ('rejected' in claims) throw unauthorized(claims.rejected);
      const user = this.byUsername.get(claims.username);
      if (!user) throw unauthorized(`user ${claims.username} no longer exists`);
      if (user.sessionsNotBefore && claims.issuedAt < new Date(user.sessionsNotBefore)) {
        throw unauthorized(`the sessions of ${user.username} were revoked at ${user.sessionsNotBefore}: sign in again`);
      }
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
