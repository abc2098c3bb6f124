// Bundles the CLI (and the workspace packages it imports) into dist/cli.mjs so the server starts in a
// fraction of a second; third-party packages stay external and load from node_modules.
// Runs in `prepare` (after `npm ci`) and before `npm start`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const externalThirdParty = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@mlflow-ts/') ? undefined : { path: args.path, external: true },
    );
  },
};

await build({
  entryPoints: ['packages/cli/src/main.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  define: { __MLFLOW_TS_VERSION__: JSON.stringify(version) },
  plugins: [externalThirdParty],
  logLevel: 'warning',
});
