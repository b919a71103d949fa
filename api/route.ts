/**
 * Every documented route is registered through `ApiRoutes.add`, which takes the route's zod schemas
 * (path params, query, body, response), checks each request against them before the handler runs,
 * and keeps them for the OpenAPI document: what is documented is what is enforced.
 *
 * Unknown query parameters and body fields are refused (strict schemas), each named in the 400.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { FieldError } from '../domain/validation';
import { invalidRequest, requestFieldErrors } from './field-errors';
import type { Principal, Role } from './roles';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The caller (throws on a public route, which has none). */
  principal: Principal;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteResponse {
  status?: number;
  description: string;
  /** The JSON answer; omit for a document download (give contentType). */
  schema?: z.ZodType;
  contentType?: string;
}

/** What a route is, for callers and for the OpenAPI document. */
interface RouteDescription {
  method: Method;
  /** Fastify syntax: /v1/callbacks/:policyNo */
  url: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it, or 'public' (no token). */
  roles: readonly Role[] | 'public';
  /** A non-JSON body (a scanned document), passed to the handler as a Buffer. */
  rawBody?: { contentTypes: readonly string[] };
  response: RouteResponse;
}

export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined> extends RouteDescription {
  params?: P;
  query?: Q;
  body?: B;
  /** Checked by the handler itself (a batch answers row by row); the schema is still documented. */
  bodyCheckedByHandler?: boolean;
  bodyLimit?: number;
  /** Error statuses the route can answer besides 400/401/403 (e.g. 404, 409, 413). */
  errors?: readonly number[];
  handler(ctx: RouteContext<Out<P>, Out<Q> extends undefined ? Record<string, never> : Out<Q>, Out<B>>): Promise<unknown>;
}

/** What the OpenAPI document is built from. */
export interface DocumentedRoute extends RouteDescription {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  bodyLimit: number;
  errors: readonly number[];
}

/** Any route the app serves, documented or not (a route added straight on Fastify is listed too). */
export interface ServedRoute {
  method: string;
  url: string;
  roles: readonly Role[] | 'public';
}

const NO_QUERY = z.object({}).strict();

export class ApiRoutes {
  readonly documented: DocumentedRoute[] = [];
  readonly served: ServedRoute[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly defaultBodyLimit: number,
  ) {
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        // HEAD is Fastify's automatic twin of each GET.
        if (method === 'HEAD') continue;
        const config = (route.config ?? {}) as { roles?: readonly Role[]; public?: boolean };
        this.served.push({ method, url: route.url, roles: config.public ? 'public' : (config.roles ?? ['ops']) });
      }
    });
  }

  add<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    const pathParams = [...spec.url.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]);
    if (pathParams.length > 0 && !spec.params) throw new Error(`${spec.method} ${spec.url}: declare a params schema for ${pathParams.join(', ')}`);
    const bodyLimit = spec.bodyLimit ?? this.defaultBodyLimit;
    this.documented.push({ ...spec, bodyLimit, errors: spec.errors ?? [] });
    const query = spec.query ?? NO_QUERY;
    this.app.route({
      method: spec.method,
      url: spec.url,
      bodyLimit,
      config: spec.roles === 'public' ? { public: true } : { roles: spec.roles },
      handler: async (req, reply) => {
        const fields: FieldError[] = [];
        const params = check(spec.params, req.params, fields);
        const q = check(query, req.query ?? {}, fields);
        let body: unknown = req.body;
        if (spec.body && !spec.bodyCheckedByHandler) {
          if (body === undefined || body === null) fields.push({ field: '(body)', message: 'required: send a JSON body (content-type: application/json)' });
          else body = check(spec.body, body, fields);
        }
        if (fields.length > 0) throw invalidRequest(fields);
        const ctx = {
          params,
          query: q,
          body,
          req,
          reply,
          get principal(): Principal {
            if (!req.principal) throw new Error(`${spec.url} is public: it has no principal`);
            return req.principal;
          },
        };
        const result = await spec.handler(ctx as never);
        if (spec.response.status && !reply.sent) reply.code(spec.response.status);
        return result;
      },
    });
  }
}

function check(schema: z.ZodType | undefined, value: unknown, fields: FieldError[]): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  fields.push(...requestFieldErrors(parsed.error));
  return undefined;
}
