/**
 * The staff pages (web/, built by Vite into web/dist): served by the API itself under /app/, so they
 * share its origin and the signed-in user's token never crosses origins. The files are public (they
 * hold no data); everything they show comes from the /v1 routes with the user's token.
 * Unknown paths under /app/ answer the page itself, so a reload on a page's address works.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

export const WEB_DIST_DIR = resolve(__dirname, '..', 'web', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

export function registerWebPages(app: FastifyInstance, dir: string): void {
  const root = resolve(dir);
  app.get('/', { config: { public: true } }, async (_req, reply) => reply.redirect('/app/'));
  app.get('/app/*', { config: { public: true } }, async (req, reply) => {
    const wanted = normalize((req.params as { '*': string })['*'] || 'index.html');
    const path = join(root, wanted);
    // No way out of the bundle's folder (../ in the path).
    const inside = path.startsWith(root + sep) && !wanted.startsWith('..');
    const file = inside ? await readFile(path).catch(() => undefined) : undefined;
    if (file && TYPES[extname(path)]) {
      // Hashed asset names change with their content: cache them; the page itself always fresh.
      reply.header('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.type(TYPES[extname(path)]).send(file);
    }
    const page = await readFile(join(root, 'index.html')).catch(() => undefined);
    if (!page) return reply.code(503).type('text/plain; charset=utf-8').send('the staff pages are not built: run npm run build:web');
    return reply.header('cache-control', 'no-cache').type(TYPES['.html']).send(page);
  });
}
