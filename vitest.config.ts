import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (x.test.ts); socket tests are *.int.test.ts or live in test/.
// Integration tests spawn real processes (transmission, opentracker, our CLI), so they get
// generous time-outs; speed is measured in `npm run bench`, never asserted here.
export default defineConfig({
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-shared/**/*.test.ts',
      'src-renderer/**/*.test.{ts,tsx}',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most integration tests wait on sockets and child processes rather than compute, so
    // three workers overlap that waiting even on two cores (the default there is one).
    // No test asserts a speed, and none builds dist/ (npm test builds once before).
    maxWorkers: 3,
    // No test may reach the public DHT routers of the settings' defaults: every CLI, daemon
    // and service a test starts (children inherit this) joins no DHT node unless the test
    // names its own local ones with --dht-bootstrap. Nor does any test talk to this
    // machine's router: port mapping is off, except where a test turns it on against its own
    // miniupnpd in a network namespace.
    // LAN discovery multicasts on loopback only (a test with its own namespaces clears it).
    env: { SWARMDROP_DHT_BOOTSTRAP: '', SWARMDROP_PORT_MAPPING: 'off', SWARMDROP_LAN_INTERFACE: '127.0.0.1' },
    reporters: ['default'],
  },
});
