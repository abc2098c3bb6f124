#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's loader, so `npm ci` is the only
// step needed before `npx mlflow-ts` (no separate build).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/cli/src/main.ts');
await main(process.argv.slice(2));
