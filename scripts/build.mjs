// Bundles the CLI (and the workspace packages it imports) into dist/cli.mjs so the server starts in a
// fraction of a second; third-party packages stay external and load from node_modules.
// Runs in `prepare` (after `npm ci`) and before `npm start`.
// Then builds the web UI (packages/ui) with Vite into dist/ui, which the server serves at `/`; skipped when
// dist/ui is newer than every UI, client and protocol source (the test command runs this script each time).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

/** Newest modification time of the files below dir (0 when it does not exist), skipping node_modules. */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const UI_INPUTS = ['packages/ui', 'packages/client/src', 'packages/protocol/src', 'package-lock.json'];
let builtAt = 0;
try {
  builtAt = statSync('dist/ui/index.html').mtimeMs;
} catch {}
const inputsAt = Math.max(
  ...UI_INPUTS.map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
);
if (inputsAt > builtAt) {
  const t0 = Date.now();
  // Imported only when needed: loading Vite costs ~0.3 s. A failed build throws, and this script exits non-zero.
  const vite = await import('vite');
  await vite.build({ configFile: 'packages/ui/vite.config.ts', logLevel: 'warn' });
  process.stdout.write(`[build] web UI built into dist/ui in ${Date.now() - t0} ms\n`);
}

// Threads run files of their own (new Worker needs one), found next to dist/cli.mjs: the scoring server's
// inference threads and the tracking server's read threads.
for (const [entry, outfile] of [
  ['packages/models/src/serving/inference-worker.ts', 'dist/inference-worker.mjs'],
  ['packages/server/src/read-pool/read-worker.ts', 'dist/read-worker.mjs'],
  ['packages/server/src/write-thread/write-worker.ts', 'dist/write-worker.mjs'],
]) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    plugins: [externalThirdParty],
    logLevel: 'warning',
  });
}
