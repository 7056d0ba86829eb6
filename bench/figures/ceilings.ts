// Ceilings measured in the same run as everything else, so the table says how close each
// client gets to what this machine can do: loopback TCP through node `net` with 1 MiB
// writes (receiver in its own process), and SHA-1 on one core through node `crypto`.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Figure } from '../lib/figure.ts';
import { measurement } from '../lib/result.ts';

const CHUNK_BYTES = 1024 * 1024;

// The receiving side: counts bytes, answers one byte once it has them all.
const SINK = `
const net = require('node:net');
const total = Number(process.argv[1]);
const server = net.createServer((s) => {
  let got = 0;
  s.on('data', (d) => { got += d.length; if (got >= total) { s.end(Buffer.from([1])); server.close(); } });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export const ceilings: Figure = {
  id: 'ceilings',
  title: 'Ceilings of this machine',
  async run(ctx) {
    const tcpBytes = (ctx.options.quick ? 256 : 2048) * CHUNK_BYTES;
    const shaBytes = (ctx.options.quick ? 128 : 1024) * CHUNK_BYTES;
    const tcp = measurement('ceilings', 'loopback-tcp', 'mbps', {
      label: 'loopback TCP, node net, 1 MiB writes',
      unit: 'MB/s',
      better: 'higher',
    });
    const sha = measurement('ceilings', 'sha1-one-core', 'sha1-mbps', {
      label: 'SHA-1, node crypto, one core',
      unit: 'MB/s',
      better: 'higher',
    });
    for (let run = 1; run <= ctx.options.runs; run++) {
      try {
        tcp.samples.push(await loopbackTcp(tcpBytes));
      } catch (err) {
        tcp.failures.push(`run ${run}: ${(err as Error).message}`);
      }
      sha.samples.push(sha1OneCore(shaBytes));
      ctx.log(
        `  run ${run}: TCP ${tcp.samples.at(-1)?.toFixed(0) ?? '-'} MB/s, SHA-1 ${sha.samples.at(-1)!.toFixed(0)} MB/s`,
      );
    }
    return { measurements: [tcp, sha], notes: [] };
  },
};

export function sha1OneCore(totalBytes: number): number {
  const block = randomBytes(CHUNK_BYTES);
  const start = performance.now();
  for (let done = 0; done < totalBytes; done += CHUNK_BYTES) createHash('sha1').update(block).digest();
  return totalBytes / 1e6 / ((performance.now() - start) / 1000);
}

async function loopbackTcp(totalBytes: number): Promise<number> {
  const sink = spawn(process.execPath, ['-e', SINK, String(totalBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      sink.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      sink.once('exit', () => reject(new Error('TCP sink exited')));
    });
    const block = randomBytes(CHUNK_BYTES);
    return await new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let start = 0;
      let sent = 0;
      const pump = (): void => {
        while (sent < totalBytes) {
          sent += CHUNK_BYTES;
          if (!socket.write(block)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      socket.once('connect', () => {
        start = performance.now();
        pump();
      });
      socket.once('data', () => {
        const seconds = (performance.now() - start) / 1000;
        socket.destroy();
        resolve(totalBytes / 1e6 / seconds);
      });
      socket.once('error', reject);
    });
  } finally {
    sink.kill();
  }
}
