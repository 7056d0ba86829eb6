// One PortMapper over the real library, as a process of its own, so a test can run it
// inside a network namespace (test/port-mapping-miniupnpd.int.test.ts). argv[2] is the
// JSON of its options plus `port`; it prints every status change as a JSON line
// ({"event":"status",…}); SIGTERM closes it (removing the mappings), prints
// {"event":"closed"} and exits.
import { libraryGatewayFinder } from '../../src-main/engine/portmap/nat-library.ts';
import { PortMapper, type PortMapperOptions } from '../../src-main/engine/portmap/port-mapper.ts';

const { port, ...options } = JSON.parse(process.argv[2] ?? '{}') as Omit<PortMapperOptions, 'finder'> & {
  port: number;
};
const mapper = new PortMapper({
  ...options,
  finder: libraryGatewayFinder(),
  onChange: (status) => console.log(JSON.stringify({ event: 'status', ...status })),
});
mapper.start(port);
// Keeps the process alive: the mapper's timers are unref'd.
const alive = setInterval(() => undefined, 60_000);
process.once('SIGTERM', () => {
  void mapper.close().then(() => {
    clearInterval(alive);
    console.log(JSON.stringify({ event: 'closed' }));
  });
});
