/**
 * Who may call which route, in one place. Each route declares its callers in its Fastify config,
 * `config: { roles: ['tier3', 'ops'] }`, or `config: { public: true }`; this hook checks the bearer
 * token before the body is even read. A route that declares nothing is ops-only, so a route added
 * without thought is closed, not open.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiAuth, Authenticated } from './api-auth';
import { HttpError } from './errors';
import type { Principal, Role } from './roles';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles that may call the route (default: ops only). */
    roles?: readonly Role[];
    /** No token needed (health, the OpenAPI document, sign-in). */
    public?: boolean;
    /**
     * No token needed from this machine (the Web UI's codec: the browser of a local Web UI has no
     * huifang token); any other caller needs a token of the route's roles.
     */
    tokenlessFromLoopback?: boolean;
    /** A cookie that may carry the session token instead of the Authorization header (the Web UI's codec calls). */
    sessionCookie?: string;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public route. */
    principal?: Principal;
    /** The token's user and, for a session, its expiry. */
    authenticated?: Authenticated;
  }
}

export const DEFAULT_ROLES: readonly Role[] = ['ops'];

export function registerAuthHook(app: FastifyInstance, auth: ApiAuth): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authenticated', undefined);
  app.addHook('onRequest', async (req) => {
    // Unknown routes answer 404 whoever asks; the routes that exist decide for themselves.
    if (req.is404) return;
    const config = req.routeOptions.config;
    if (config.public) return;
    const authorization = req.headers.authorization ?? bearerFromCookie(req.headers.cookie, config.sessionCookie);
    if (config.tokenlessFromLoopback && !authorization && isLoopback(req.socket.remoteAddress)) return;
    req.authenticated = auth.authenticate(authorization);
    const principal = (req.principal = req.authenticated.principal);
    const roles = config.roles ?? DEFAULT_ROLES;
    if (!roles.includes(principal.role)) {
      throw new HttpError(403, `${req.method} ${req.routeOptions.url} is for ${roles.join(', ')}; this token is ${principal.role} ${principal.id}`);
    }
  });
}

/** The socket's own address, not a forwarded one: behind a proxy every caller looks local (see README). */
function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** `Bearer <token>` from the named cookie, when the route takes one and the request carries it. */
function bearerFromCookie(header: string | undefined, name: string | undefined): string | undefined {
  if (!header || !name) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name && value.length > 0) return `Bearer ${value.join('=')}`;
  }
  return undefined;
}
