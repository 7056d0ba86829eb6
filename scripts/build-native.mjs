// Builds the native UDP socket (native/udp-port/udp-port.c) into `outDir`/udp-port.node
// with the system's C compiler and the headers of the Node that runs this script. It is
// an N-API module, so the same file loads in Electron's main process.
//
// Optional by design: on a system without Linux's recvmmsg, a C compiler or Node's
// headers, it writes udp-port.skipped.json with the reason instead, prints one line, and
// uTP and the tracker use Node's dgram (src-main/net/datagram-port.ts). Nothing is
// downloaded: the headers are those installed with Node (<prefix>/include/node), or
// under $npm_config_nodedir.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const NATIVE_UDP_SOURCE = 'native/udp-port/udp-port.c';

/** Returns null when built, else the reason it was not. */
export function buildNativeUdp(root, outDir) {
  mkdirSync(outDir, { recursive: true });
  const reason = compile(root, outDir);
  if (reason) {
    writeFileSync(path.join(outDir, 'udp-port.skipped.json'), `${JSON.stringify({ reason })}\n`);
    console.log(`native UDP socket not built (${reason}): uTP and the tracker use Node's dgram`);
  }
  return reason;
}

function compile(root, outDir) {
  if (process.platform !== 'linux') return `recvmmsg is Linux's; this is ${process.platform}`;
  const headers = headerFolder();
  if (!headers) return "Node's headers (node_api.h, uv.h) are not installed with this Node";
  const cc = process.env.CC || 'cc';
  const args = [
    '-O2',
    '-std=gnu11',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-shared',
    '-fPIC',
    '-fvisibility=hidden',
    `-I${headers}`,
    '-o',
    path.join(outDir, 'udp-port.node'),
    path.join(root, NATIVE_UDP_SOURCE),
  ];
  const result = spawnSync(cc, args, { encoding: 'utf8' });
  if (result.error) return `no C compiler (${cc}: ${result.error.message})`;
  if (result.status !== 0)
    return `${cc} failed: ${(result.stderr || '').trim().split('\n').slice(0, 3).join(' / ')}`;
  return null;
}

function headerFolder() {
  const prefixes = [process.env.npm_config_nodedir, path.join(path.dirname(process.execPath), '..')].filter(
    Boolean,
  );
  for (const prefix of prefixes) {
    const folder = path.join(prefix, 'include', 'node');
    if (existsSync(path.join(folder, 'node_api.h')) && existsSync(path.join(folder, 'uv.h'))) return folder;
  }
  return null;
}
