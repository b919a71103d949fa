/**
 * The remote codec endpoint the Temporal Web UI calls (`--ui-codec-endpoint`), so ops staff see
 * decrypted inputs, results and queries in their browser while the server stores only ciphertext.
 * Protocol: POST {endpoint}/decode (and /encode) with `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`.
 * It answers only the origins given (the UI's), and decodes with the same keyring as the worker.
 *
 * It decrypts personal data, so it is not public: an ops credential, sent as a Bearer token or as the
 * `huifang_codec` cookie that an ops sign-in sets (HttpOnly, SameSite=Strict, path /codec: the Web UI
 * on the same host name sends it with "include cross-origin credentials"); a tokenless call from this
 * machine only when `tokenlessFromLoopback` is explicitly on. The Host must be one of this API's names
 * (loopback, or those configured), so a page that rebinds its own domain name to 127.0.0.1 gets
 * nothing; an Origin, when sent, must be one of the Web UI's.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { HttpError } from './errors';
import { parseRequest } from './field-errors';

// Loose objects: the Web UI's own fields pass through untouched; only what we read is checked.
const codecBody = z.looseObject({
  payloads: z.array(z.looseObject({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});
type JsonPayload = z.infer<typeof codecBody>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data !== undefined ? Buffer.from(p.data, 'base64') : undefined,
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** The Web UI's origins, granted CORS. */
  allowedOrigins: readonly string[];
  /** Let a caller on this machine decode without a credential (HUIFANG_CODEC_LOOPBACK=on; off by default). */
  tokenlessFromLoopback: boolean;
  /** Host names this API answers the codec under besides the loopback ones (HUIFANG_CODEC_HOSTS). */
  allowedHosts?: readonly string[];
}

/** The cookie an ops sign-in sets for the codec (api/auth-routes.ts). */
export const CODEC_COOKIE = 'huifang_codec';
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header (port dropped; an IPv6 literal kept in its brackets). */
function hostNameOf(host: string | undefined): string {
  if (!host) return '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

export function registerCodecRoutes(app: FastifyInstance, { codec, allowedOrigins, tokenlessFromLoopback, allowedHosts = [] }: CodecRouteOptions): void {
  const hosts = new Set([...LOOPBACK_HOSTS, ...allowedHosts].map((h) => h.toLowerCase()));
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/codec/')) return;
    const hostName = hostNameOf(req.headers.host).toLowerCase();
    if (!hosts.has(hostName)) throw new HttpError(421, `host: the codec does not answer for '${hostName}' (HUIFANG_CODEC_HOSTS lists the names it does)`);
    const origin = req.headers.origin;
    if (origin && !allowedOrigins.includes(origin)) throw new HttpError(403, `origin: ${origin} is not a Web UI this codec serves (HUIFANG_UI_ORIGINS)`);
    if (origin && allowedOrigins.includes(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
      reply.header('access-control-allow-credentials', 'true');
      reply.header('vary', 'origin');
    }
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });
  for (const op of ['decode', 'encode'] as const) {
    app.post(`/codec/${op}`, { config: { roles: ['ops'], tokenlessFromLoopback, sessionCookie: CODEC_COOKIE } }, async (req) => {
      const payloads = parseRequest(codecBody, req.body ?? { payloads: [] }).payloads.map(fromJson);
      try {
        return { payloads: (await codec[op](payloads)).map(toJson) };
      } catch (err) {
        // A payload that does not decrypt (unknown key, tampered) is the request's fault, not the server's.
        throw new HttpError(400, `payloads: ${(err as Error).message}`, [{ field: 'payloads', message: (err as Error).message }]);
      }
    });
    // The browser's CORS preflight carries no credentials, and says nothing back but the grant.
    app.options(`/codec/${op}`, { config: { public: true } }, async (_req, reply) => reply.code(204).send());
  }
}
