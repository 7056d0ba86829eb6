/**
 * Hand-run micro-benchmark (no assertions; `npm run bench` owns tracked figures): what a
 * UDP socket costs per received datagram before any uTP work, the floor under the
 * `utp-loopback` figure (docs/PERFORMANCE.md, "uTP: the cost is per datagram"). A child
 * process sends COUNT datagrams of SIZE bytes (default 1420, a libtorrent uTP packet with
 * its header; 32788 is one of our packets on loopback) to 127.0.0.1 in bursts of 64; this
 * process receives them with a handler that does nothing, through Node's `dgram`, or with
 * `--native` through our socket (net/datagram-port.ts, built into dist/native), and
 * prints its own CPU per datagram.
 *
 *   npx esbuild bench/udp-receive-floor.ts --bundle --platform=node --format=esm \
 *     --outfile=dist/bench/udp-receive-floor.mjs && node dist/bench/udp-receive-floor.mjs [COUNT] [SIZE] [--native]
 *
 * (Bundled into dist/bench so that the native socket is found beside it, in dist/native.)
 */
import { spawn } from 'node:child_process';
import { openDatagramPort } from '../src-main/net/datagram-port.ts';

const args = process.argv.slice(2).filter((a) => a !== '--native');
const io = process.argv.includes('--native') ? 'native' : 'dgram';
const count = Number(args[0] ?? 200_000);
const DATAGRAM_BYTES = Number(args[1] ?? 1420);
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

const socket = await openDatagramPort({
  host: '127.0.0.1',
  port: 0,
  recvBufferBytes: 4 * 1024 * 1024,
  sendBufferBytes: 4 * 1024 * 1024,
  io,
});
let received = 0;
let cpuAtFirst: NodeJS.CpuUsage | undefined;
let lastAt = 0;
socket.onDatagram = () => {
  if (received++ === 0) cpuAtFirst = process.cpuUsage();
  lastAt = performance.now();
};
const port = socket.localPort;
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
await socket.close();
sender.kill();
const perDatagram = (us: number): string => (us / received).toFixed(2);
console.log(
  `${io}: ${received} of ${count} datagrams of ${DATAGRAM_BYTES} bytes: ` +
    `user ${perDatagram(cpu.user)} µs + system ${perDatagram(cpu.system)} µs per datagram ` +
    `(${(((cpu.user + cpu.system) / received / 1e6) * (2 ** 30 / (DATAGRAM_BYTES - 20))).toFixed(1)} s of CPU per GiB of payload)`,
);
