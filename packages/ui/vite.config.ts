// Builds the web UI into dist/ui at the repository root, which the server serves (ui-static.ts):
// assets under /static-files/ (MLflow's UI prefix), index.html for every app path.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/static-files/',
  plugins: [react()],
  build: {
    outDir: here('../../dist/ui'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The budget is 500 kB gzipped for the first load (issue 5); warn well before it.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite packages/ui` during development: the API comes from a running `npm start`.
    proxy: { '/ajax-api': 'http://127.0.0.1:5000', '/get-artifact': 'http://127.0.0.1:5000' },
  },
});
