// The staff pages: React, built by Vite into web/dist (git-ignored), served by the API under /app/.
import { defineConfig } from 'vite';

export default defineConfig({
  root: __dirname,
  base: '/app/',
  // React's automatic JSX runtime through Vite's own esbuild: no plugin needed for a production build.
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 600 },
  logLevel: 'warn',
});
