/**
 * The OpenAPI 3.1 document, built from the very zod schemas the routes check requests with (see
 * route.ts), so it cannot drift from what the API enforces. Routes added straight on Fastify are
 * listed too, with their roles, and flagged `x-undocumented`.
 */
import { z } from 'zod';
import type { DocumentedRoute, ServedRoute } from './route';
import { errorBody, fieldErrorsBody } from './response-schemas';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request: each offending field named',
  401: 'No token, or a bad or expired one',
  403: "The caller's role may not do this, or the body names another actor or office",
  404: "Not found, or outside the caller's part of the organisation",
  409: 'Turned down by the workflow (wrong stage, wrong actor, stale attempt); nothing changed',
  413: 'The body (or the batch) is larger than this route accepts',
  415: 'Wrong content-type',
  429: 'Too many wrong passwords for this username: wait for retry-after seconds',
  503: 'Temporal is out of reach or too slow: retry after retry-after seconds (retrying is safe)',
};

export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
}

export function buildOpenApiDocument(documented: readonly DocumentedRoute[], served: readonly ServedRoute[], info: { title: string; version: string }): Json {
  const components: Json = {};
  const schemaOf = (schema: z.ZodType): Json => toSchema(schema, components);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of served) {
    const doc = documented.find((d) => d.method === route.method && d.url === route.url);
    const path = (paths[openApiPath(route.url)] ??= {});
    path[route.method.toLowerCase()] = doc ? operation(doc, schemaOf) : undocumented(route);
  }
  // The error bodies every operation refers to.
  schemaOf(fieldErrorsBody);
  schemaOf(errorBody);
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'The huifang (回访) API. Every /v1 route except sign-in and this document needs `Authorization: Bearer <token>`: ' +
        'a machine token from the users file, or the token `POST /v1/auth/sign-in` answers. `x-roles` on each operation lists who may call it.',
      license: { name: 'Proprietary: the insurer running it', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the document is served by the API it describes, wherever that listens.
    servers: [{ url: '/', description: 'this huifang API' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'hfm_… (machine) or hfs_… (session, from sign-in)' } },
      schemas: components,
    },
  };
}

function operation(route: DocumentedRoute, schemaOf: (s: z.ZodType) => Json): Json {
  const parameters = [...parametersOf(route.params, 'path', schemaOf), ...parametersOf(route.query, 'query', schemaOf)];
  const hasBody = Boolean(route.body || route.rawBody);
  const status = String(route.response.status ?? 200);
  const success: Json = { description: route.response.description };
  if (route.response.schema) success.content = { 'application/json': { schema: schemaOf(route.response.schema) } };
  else if (route.response.contentType) success.content = { [route.response.contentType]: { schema: { type: 'string', format: 'binary' } } };
  const reachesTemporal = route.roles !== 'public' && route.tag !== 'auth';
  const errors = new Set<number>([400, ...(route.roles === 'public' ? [] : [401, 403]), ...(hasBody ? [413, 415] : []), ...(reachesTemporal ? [503] : []), ...route.errors]);
  const responses: Json = { [status]: success };
  for (const code of [...errors].sort()) {
    responses[String(code)] = { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: { $ref: code === 400 ? '#/components/schemas/FieldErrors' : '#/components/schemas/Error' } } } };
  }
  const op: Json = {
    operationId: operationIdOf(route),
    summary: route.summary,
    description: [route.description, `Roles: ${route.roles === 'public' ? 'public (no token)' : route.roles.join(', ')}.`, hasBody ? `Body limit: ${route.bodyLimit} bytes.` : undefined].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    security: route.roles === 'public' ? [] : [{ bearer: [] }],
    'x-roles': route.roles === 'public' ? [] : route.roles,
    parameters,
    responses,
  };
  if (route.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } };
  if (route.rawBody) op.requestBody = { required: true, content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
  return op;
}

/** `getV1CallbacksPolicyNo`: from the method and path, so every route has one, those added later too. */
function operationIdOf(route: { method: string; url: string }): string {
  return `${route.method.toLowerCase()}${openApiPath(route.url).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
}

function undocumented(route: ServedRoute): Json {
  return {
    operationId: operationIdOf(route),
    summary: `${route.method} ${route.url}`,
    'x-undocumented': true,
    security: route.roles === 'public' ? [] : [{ bearer: [] }],
    'x-roles': route.roles === 'public' ? [] : route.roles,
    responses: {
      ...(route.roles === 'public' ? { '4XX': { description: 'the request was refused' } } : { 401: { description: STATUS_TEXT[401] }, 403: { description: STATUS_TEXT[403] } }),
      default: { description: 'not described: this route was registered without its schemas' },
    },
  };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', schemaOf: (s: z.ZodType) => Json): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

/** A request or response schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect); named schemas go to components. */
function toSchema(schema: z.ZodType, components: Json): Json {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  // zod names its shared definitions under $defs; in OpenAPI they live under components.schemas.
  const json = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json & { $defs?: Record<string, Json> };
  const { $schema: _dialect, $defs, ...rest } = json;
  Object.assign(components, $defs ?? {});
  return rest;
}
