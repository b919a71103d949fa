/** Serves the OpenAPI document (GET /v1/openapi.json) and a plain page listing the routes (GET /v1/docs). */
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi';
import type { ApiRoutes } from './route';

const INFO = { title: 'huifang (回访) API', version: '1' };

export function registerOpenApiRoutes(routes: ApiRoutes): void {
  let document: Record<string, unknown> | undefined;
  // Built on first request, once every route (a colleague's plugin's included) is registered.
  const doc = () => (document ??= buildOpenApiDocument(routes.documented, routes.served, INFO));
  routes.add({
    method: 'GET',
    url: '/v1/openapi.json',
    tag: 'docs',
    summary: 'This document (OpenAPI 3.1), generated from the schemas the routes check requests with',
    roles: 'public',
    response: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string() }) },
    handler: async () => doc(),
  });
  routes.add({
    method: 'GET',
    url: '/v1/docs',
    tag: 'docs',
    summary: 'A page listing every route with its roles',
    roles: 'public',
    response: { description: 'HTML', contentType: 'text/html' },
    handler: async ({ reply }) => reply.type('text/html; charset=utf-8').send(docsPage(doc())),
  });
}

function docsPage(document: Record<string, unknown>): string {
  const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(document.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const roles = (op['x-roles'] as string[]).length ? (op['x-roles'] as string[]).join(', ') : 'public';
      rows.push(`<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary)}</td><td>${esc(roles)}</td></tr>`);
    }
  }
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>huifang API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}</style>
<h1>huifang (回访) API</h1>
<p>Schemas, parameters and error bodies: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1). Send <code>Authorization: Bearer &lt;token&gt;</code>; get a token from <code>POST /v1/auth/sign-in</code>.</p>
<table><tr><th>method</th><th>path</th><th>what</th><th>roles</th></tr>
${rows.join('\n')}
</table></html>`;
}
