// Debian's opentracker, the reference tracker: whitelist build, so it serves only the
// info-hashes listed in the `-w` file (hex, one per line). It chroots to its working
// folder and drops privileges to `nobody`, so that folder and the list must be
// world-readable and the list is named relative to it.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bdecode, asDict, asInt, isDict } from '../../src-main/protocol/bencode.ts';
import { freeTcpPort, freeUdpPort, waitForTcp } from '../../harness/ports.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';

export interface RunningTracker {
  udpPort: number;
  tcpPort: number;
  announceUrl: string;
  child: TrackedChild;
  /** Seeders the tracker currently lists for an info-hash (HTTP scrape). */
  seeders(infoHashHex: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startOpentracker(
  binary: string,
  dir: string,
  infoHashesHex: string[],
): Promise<RunningTracker> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const list = path.join(dir, 'whitelist');
  await writeFile(list, infoHashesHex.map((h) => `${h}\n`).join(''));
  await chmod(list, 0o644);
  const tcpPort = await freeTcpPort();
  const udpPort = await freeUdpPort();
  // -i must precede the ports it applies to.
  const args = [
    '-i',
    '127.0.0.1',
    '-p',
    String(tcpPort),
    '-P',
    String(udpPort),
    '-d',
    '.',
    '-w',
    'whitelist',
  ];
  const child = new TrackedChild('opentracker', binary, args, { cwd: dir });
  await waitForTcp(tcpPort, 5000);
  const seeders = async (infoHashHex: string): Promise<number> => {
    const escaped = [...Buffer.from(infoHashHex, 'hex')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
    const res = await fetch(`http://127.0.0.1:${tcpPort}/scrape?info_hash=${escaped}`);
    const body = bdecode(new Uint8Array(await res.arrayBuffer()));
    const files = isDict(body) ? body.files : undefined;
    if (!files || !isDict(files)) return 0;
    const entry = Object.values(files)[0];
    return entry ? asInt(asDict(entry, 'scrape entry').complete ?? 0, 'complete') : 0;
  };
  return {
    udpPort,
    tcpPort,
    announceUrl: `udp://127.0.0.1:${udpPort}/announce`,
    child,
    seeders,
    stop: () => child.stop(),
  };
}
