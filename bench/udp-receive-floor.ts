/**
 * Hand-run micro-benchmark (no assertions; `npm run bench` owns tracked figures): what
 * Node's `dgram` costs per received datagram before any uTP work, the floor under the
 * `utp-loopback` figure (docs/PERFORMANCE.md, "uTP: the cost is per datagram"). A child
 * process sends COUNT datagrams of 1420 bytes (the size of a libtorrent uTP packet with its
 * header) to 127.0.0.1 in bursts of 64; this process receives them with a 'message'
 * handler that does nothing, and prints its own CPU per datagram.
 *
 *   npx esbuild bench/udp-receive-floor.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/udp-receive-floor.mjs && node /tmp/udp-receive-floor.mjs [COUNT]
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

const count = Number(process.argv[2] ?? 200_000);
const DATAGRAM_BYTES = 1420;
/** The whole run ends this long after the last datagram arrived (losses are counted, not waited for). */
const QUIET_MS = 1000;

const SENDER = `
const dgram = require('node:dgram');
const [port, count, size] = process.argv.slice(1).map(Number);
const s = dgram.createSocket('udp4');
const buf = Buffer.alloc(size, 1);
let sent = 0;
const burst = () => {
  for (let i = 0; i < 64 && sent < count; i++, sent++) s.send(buf, port, '127.0.0.1');
  if (sent < count) setTimeout(burst, 0.3); else setTimeout(() => s.close(), 200);
};
burst();
`;

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
let received = 0;
let cpuAtFirst: NodeJS.CpuUsage | undefined;
let lastAt = 0;
socket.on('message', () => {
  if (received++ === 0) cpuAtFirst = process.cpuUsage();
  lastAt = performance.now();
});
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
const port = (socket.address() as AddressInfo).port;
const sender = spawn(process.execPath, ['-e', SENDER, String(port), String(count), String(DATAGRAM_BYTES)], {
  stdio: 'inherit',
});
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (received > 0 && performance.now() - lastAt > QUIET_MS) {
      clearInterval(timer);
      resolve();
    }
  }, 100);
});
const cpu = process.cpuUsage(cpuAtFirst);
socket.close();
sender.kill();
const perDatagram = (us: number): string => (us / received).toFixed(2);
console.log(
  `${received} of ${count} datagrams of ${DATAGRAM_BYTES} bytes: ` +
    `user ${perDatagram(cpu.user)} µs + system ${perDatagram(cpu.system)} µs per datagram ` +
    `(${(((cpu.user + cpu.system) / received / 1e6) * (2 ** 30 / (DATAGRAM_BYTES - 20))).toFixed(1)} s of CPU per GiB of payload)`,
);
