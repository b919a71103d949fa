/** Signing in (staff web pages) and asking who a token belongs to. */
import { z } from 'zod';
import type { ApiAuth } from './api-auth';
import { CODEC_COOKIE } from './codec-routes';
import { HttpError } from './errors';
import { ROLES } from './roles';
import { signedIn, unlocked, whoAmI } from './response-schemas';
import type { ApiRoutes } from './route';

const signInBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();

export function registerAuthRoutes(routes: ApiRoutes, auth: ApiAuth): void {
  routes.add({
    method: 'POST',
    url: '/v1/auth/sign-in',
    tag: 'auth',
    summary: 'Sign in with a username and password; answers a session token (8 hours)',
    roles: 'public',
    body: signInBody,
    bodyLimit: 4 * 1024,
    response: { description: 'The session token and who it is for', schema: signedIn },
    errors: [401, 429],
    async handler({ body, req, reply }) {
      const session = await auth.signIn(body.username, body.password, req.ip);
      if (!session) throw new HttpError(401, 'wrong username or password');
      // Ops may read decrypted payloads in the Temporal Web UI: the codec takes this session from a
      // cookie the browser keeps from script (HttpOnly) and sends only to /codec on this site.
      if (session.principal.role === 'ops') {
        const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
        reply.header('set-cookie', `${CODEC_COOKIE}=${session.token}; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`);
      }
      return { token: session.token, principal: session.principal, expiresAt: session.expiresAt.toISOString() };
    },
  });

  routes.add({
    method: 'POST',
    url: '/v1/auth/unlock',
    tag: 'auth',
    summary: "Lift the sign-in locks on a username (ops, once the person is known to be who they say); this API process's",
    roles: ['ops'],
    body: z.object({ username: signInBody.shape.username }).strict(),
    response: { description: 'How many addresses the username was locked for', schema: unlocked },
    async handler({ body }) {
      return { username: body.username, addresses: auth.throttle.unlock(body.username) };
    },
  });

  routes.add({
    method: 'GET',
    url: '/v1/auth/me',
    tag: 'auth',
    summary: 'Who the token belongs to',
    roles: ROLES,
    response: { description: 'The principal of the token', schema: whoAmI },
    async handler({ req, principal }) {
      const { username, expiresAt } = req.authenticated!;
      return { username, principal, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}) };
    },
  });
}
