#!/usr/bin/env node
// Runs the bundled CLI built by `npm ci` (prepare) or `npm start`; from a source tree without a build it
// falls back to running the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.mjs', import.meta.url);
let main;
if (existsSync(bundle)) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../packages/cli/src/main.ts'));
}
await main(process.argv.slice(2));
