// Which module may import which: `npm run lint` runs this with dependency-cruiser
// (`depcruise --config .dependency-cruiser.mjs src-main src-shared src-renderer test harness bench scripts`).
//
// Imports point one way:
//
//   src-main/app | daemon | cli   (hosts: Electron main, the web daemon, the terminal)
//        ↓
//   src-main/service              (the one contract; where hosts open the engine)
//        ↓
//   src-main/engine | tracker     (the engine may use the tracker *client*)
//        ↓
//   src-main/protocol             (pure codecs)
//        ↓
//   src-shared                    (types, contract, utilities; also used by the renderer)
//
// Hosts go through the service: the CLI's headless session is service/headless-session.ts.
// The CLI may run the tracker server (`swarmdrop tracker`), query a catalog and print a
// magnet, so hosts may also use src-main/tracker and src-main/protocol; never the engine.
// `swarmdrop daemon` is a CLI sub-command, so cli → daemon is allowed, not the reverse.
//
// Outside the product: test/ and bench/ share harness/, and do not import each other.
// No file takes part in an import cycle (type-only imports count: a cycle of types is
// still two modules that cannot be read one without the other).
const layer = (name) => `^src-main/${name}/`;
const hosts = '^src-main/(app|daemon|cli)/';
const notTests = '\\.test\\.tsx?$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a circle: cut the loop (an interface, a shared module).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shared-imports-nothing-above',
      comment: 'src-shared is used by the renderer too: it imports neither src-main nor src-renderer.',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: { path: '^(src-main|src-renderer)/' },
    },
    {
      name: 'renderer-only-through-contract',
      comment: 'The renderer talks to src-main only through src-shared/contract.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^src-main/' },
    },
    {
      name: 'protocol-is-the-bottom',
      comment: 'src-main/protocol holds pure codecs: it imports only itself and src-shared.',
      severity: 'error',
      from: { path: layer('protocol') },
      to: { path: '^src-main/(net|engine|tracker|service|app|daemon|cli)/' },
    },
    {
      name: 'net-below-tracker-and-engine',
      comment:
        'src-main/net holds the sockets the tracker server and the engine share: it imports only protocol, src-shared and itself.',
      severity: 'error',
      from: { path: layer('net') },
      to: { path: '^src-main/(engine|tracker|service|app|daemon|cli)/' },
    },
    {
      name: 'tracker-below-engine-and-service',
      comment:
        'The tracker (server and clients) imports protocol and src-shared, never the engine or anything above.',
      severity: 'error',
      from: { path: layer('tracker') },
      to: { path: '^src-main/(engine|service|app|daemon|cli)/' },
    },
    {
      name: 'engine-below-service',
      comment: 'The engine never imports the service or a host.',
      severity: 'error',
      from: { path: layer('engine') },
      to: { path: '^src-main/(service|app|daemon|cli)/' },
    },
    {
      name: 'engine-uses-tracker-clients-only',
      comment: 'The engine announces through the tracker clients; the tracker server is run by hosts.',
      severity: 'error',
      from: { path: layer('engine'), pathNot: notTests },
      to: { path: '^src-main/tracker/', pathNot: '^src-main/tracker/client/' },
    },
    {
      name: 'service-below-hosts',
      comment: 'The service never imports a host (app, daemon, cli).',
      severity: 'error',
      from: { path: layer('service') },
      to: { path: hosts },
    },
    {
      name: 'hosts-open-the-engine-through-the-service',
      comment: 'Hosts use the engine through src-main/service (the CLI through service/headless-session.ts).',
      severity: 'error',
      from: { path: hosts, pathNot: notTests },
      to: { path: layer('engine') },
    },
    {
      name: 'app-is-its-own-host',
      comment: 'The Electron app shares code with the daemon and the CLI only through the service.',
      severity: 'error',
      from: { path: '^src-main/app/' },
      to: { path: '^src-main/(daemon|cli)/' },
    },
    {
      name: 'daemon-does-not-import-cli-or-app',
      comment: 'The CLI runs the daemon (cli → daemon); the daemon never imports back.',
      severity: 'error',
      from: { path: '^src-main/daemon/' },
      to: { path: '^src-main/(app|cli)/' },
    },
    {
      name: 'cli-does-not-import-app',
      comment: 'Only src-main/app imports electron and its modules.',
      severity: 'error',
      from: { path: '^src-main/cli/' },
      to: { path: '^src-main/app/' },
    },
    {
      name: 'product-never-imports-tests-or-bench',
      comment:
        'Shipped code never imports test/, harness/ or bench/ (tests beside the code may use test/support).',
      severity: 'error',
      from: { path: '^(src-main|src-shared|src-renderer)/', pathNot: notTests },
      to: { path: '^(test|harness|bench)/' },
    },
    {
      name: 'tests-do-not-import-bench',
      comment: 'Put what both need in harness/.',
      severity: 'error',
      from: { path: '^(test|e2e)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-does-not-import-tests',
      comment: 'Put what both need in harness/.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^(test|e2e)/' },
    },
    {
      name: 'harness-stands-alone',
      comment: 'harness/ serves test/ and bench/ and imports neither.',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^(test|e2e|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|release|node_modules|coverage)/' },
    // Type-only imports are edges too: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    skipAnalysisNotInRules: true,
  },
};
