// Dependency rules (architecture.md §1): protocol <- core <- store <- services <- http <- cli;
// artifacts <- services; models <- cli; client -> protocol only; ui -> client, protocol.
// `core` does no I/O; only cli and test/ import concrete backends.
//
// Workspace packages are imported by name (@mlflow-ts/protocol) and resolved through the
// node_modules symlinks to packages/*/src (preserveSymlinks: false), so every rule matches on
// resolved paths. Each rule also matches the unresolved node_modules/@mlflow-ts/<pkg> form, in case a
// link is missing. Run: npm run deps

/** Matches a workspace package by its resolved folder, its node_modules link, or its bare name (unresolvable). */
const pkg = (name) => `^(packages/${name}/|(node_modules/)?@mlflow-ts/${name}(/|$))`;
const WORKSPACE = '^(packages/|(node_modules/)?@mlflow-ts/)';
const server = (layer) => `^packages/server/src/${layer}/`;
/** An npm package (or its @types), resolved under node_modules. */
const npm = (names) => `(^|/)node_modules/(@types/)?(${names.join('|')})(/|$)`;
const TEST_FILE = '[.](test|spec)[.][cm]?[jt]sx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular dependency: break it with an interface in the lower layer or by moving code.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-is-a-leaf',
      severity: 'error',
      comment: 'packages/protocol is the wire contract: browser-safe, depends on no other workspace package.',
      from: { path: pkg('protocol') },
      to: { path: WORKSPACE, pathNot: pkg('protocol') },
    },
    {
      name: 'client-only-protocol',
      severity: 'error',
      comment: 'packages/client may import only @mlflow-ts/protocol (and node builtins, its own files).',
      from: { path: pkg('client') },
      to: { path: WORKSPACE, pathNot: [pkg('client'), pkg('protocol')] },
    },
    {
      name: 'models-not-server-cli-ui',
      severity: 'error',
      comment: 'packages/models is used by client and cli; it must not reach into server, cli or ui.',
      from: { path: pkg('models') },
      to: { path: [pkg('server'), pkg('cli'), pkg('ui')] },
    },
    {
      name: 'models-only-client-protocol',
      severity: 'error',
      comment: 'packages/models imports only client and protocol among workspace packages.',
      from: { path: pkg('models') },
      to: { path: WORKSPACE, pathNot: [pkg('models'), pkg('client'), pkg('protocol')] },
    },
    {
      name: 'ui-only-client-protocol',
      severity: 'error',
      comment: 'packages/ui talks to the server through client only.',
      from: { path: pkg('ui') },
      to: { path: WORKSPACE, pathNot: [pkg('ui'), pkg('client'), pkg('protocol')] },
    },
    {
      name: 'core-no-upper-layers',
      severity: 'error',
      comment: 'server/src/core holds domain rules: it must not import store, artifacts, services or http.',
      from: { path: server('core') },
      to: { path: server('(store|artifacts|services|http)') },
    },
    {
      name: 'core-no-io',
      severity: 'error',
      comment: 'server/src/core does no I/O: no file system, network, processes or database drivers.',
      from: { path: server('core') },
      to: {
        path: [
          '^(node:)?(fs|net|http|https|http2|child_process|dgram|dns|tls|cluster|worker_threads)(/|$)',
          npm(['pg', 'pg-[^/]+', 'better-sqlite3', 'kysely', 'fastify', 'undici', '@aws-sdk']),
        ],
      },
    },
    {
      name: 'store-not-services-http',
      severity: 'error',
      comment: 'server/src/store sits below services and http.',
      from: { path: server('store') },
      to: { path: server('(services|http)') },
    },
    {
      name: 'artifacts-not-services-http',
      severity: 'error',
      comment: 'server/src/artifacts sits below services and http.',
      from: { path: server('artifacts') },
      to: { path: server('(services|http)') },
    },
    {
      name: 'services-not-http',
      severity: 'error',
      comment: 'server/src/services has the business rules and knows nothing of HTTP.',
      from: { path: server('services') },
      to: { path: server('http') },
    },
    {
      name: 'no-concrete-store-above-store',
      severity: 'error',
      comment:
        'services and http use the store interfaces; only cli (the composition root) and test/ pick ' +
        'the SQL implementation and database drivers. Dialect differences live in store/sql.',
      from: { path: server('(services|http)'), pathNot: TEST_FILE },
      to: { path: [server('store/sql'), npm(['pg', 'pg-[^/]+', 'better-sqlite3', 'kysely'])] },
    },
    {
      name: 'server-not-cli',
      severity: 'error',
      comment: 'server is below cli.',
      from: { path: pkg('server') },
      to: { path: pkg('cli') },
    },
    {
      name: 'only-cli-imports-cli',
      severity: 'error',
      comment: 'packages/cli is the composition root: no other package imports it.',
      from: { path: '^packages/', pathNot: pkg('cli') },
      to: { path: pkg('cli') },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'Shipped code (packages/*/src, not tests) must not import devDependencies: declare the package ' +
        "in that workspace's dependencies.",
      from: { path: '^packages/[^/]+/src/', pathNot: TEST_FILE },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only'],
        pathNot: 'node_modules/@types/',
      },
    },
    {
      name: 'not-to-undeclared',
      severity: 'error',
      comment:
        "Shipped code imports an npm package that neither its workspace's package.json nor the root one " +
        'declares (it works only by hoisting).',
      from: { path: '^packages/[^/]+/src/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Import of a module that does not exist on disk.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Shipped code must not import test files.',
      from: { pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output and fixtures; not node_modules (rules must see imports of npm packages).
    exclude: { path: ['^packages/[^/]+/dist/', '^test/fixtures/'] },
    moduleSystems: ['es6', 'cjs'],
    preserveSymlinks: false,
    // Workspace manifests plus the root one: a package may use what the root declares.
    combinedDependencies: true,
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
