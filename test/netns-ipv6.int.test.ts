// The whole flow over an IPv6-only link: a network namespace joined to ours by a veth pair
// that carries unique local addresses only (test/support/netns.ts, createNetnsLink6). The
// tracker and `swarmdrop share` listen on our end's fd00:… address; `swarmdrop get` runs
// inside the namespace, where no IPv4 address exists but loopback, on its default listen
// address. The tracker must list both peers by their IPv6 addresses and the bytes must
// arrive identical.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackedChild } from '../harness/tracked-child.ts';
import { expectSamePayload, makeSingleFilePayload } from './support/interop-payload.ts';
import { startLocalTracker, type LocalTracker } from './support/local-tracker.ts';
import { createNetnsLink6, netnsUnavailable, type NetnsLink } from './support/netns.ts';
import { buildCliFor, exitOrTimeout, startShare } from './support/swarmdrop-cli.ts';
import { makeTempDir } from './support/temp-dir.ts';

const MIB = 1024 * 1024;
const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);
const cli = await buildCliFor(!noNetns, 'share', 'get');

describe.skipIf(!cli)(
  'IPv6 only: tracker, seed and get across a namespace link with fd00::/8 addresses',
  () => {
    let link: NetnsLink;
    let tracker: LocalTracker;
    let temp: { dir: string; remove(): Promise<void> };
    const running: { stop(): Promise<void> }[] = [];

    beforeAll(async () => {
      link = createNetnsLink6('v6p');
      tracker = await startLocalTracker(2, link.outsideIp);
      temp = await makeTempDir('swarmdrop-v6p-netns-');
    });
    afterAll(async () => {
      await Promise.allSettled(running.splice(0).map((p) => p.stop()));
      await tracker?.close();
      link?.remove();
      await cli?.remove();
      await temp?.remove();
    });

    it('`swarmdrop get` inside the namespace downloads from `swarmdrop share` on our end, over IPv6 only', async () => {
      const payload = await makeSingleFilePayload(path.join(temp.dir, 'src'), 'over-v6.bin', 3 * MIB + 21);
      const share = await startShare(cli!, [payload.root], {
        tracker: tracker.announceUrl,
        dataDir: path.join(temp.dir, 'share-data'),
        host: link.outsideIp,
      });
      running.push(share);
      // Checked now, not after the download: this tracker forgets a peer a few seconds after its
      // last announce, and the CLI announces less often than that.
      await tracker.waitForPeers(
        share.infoHashHex,
        (p) => p.some((x) => x.seeder && x.ip === link.outsideIp),
        15_000,
        'the seeder at its IPv6 address',
      );
      const out = path.join(temp.dir, 'out');
      const { command, args } = link.wrap(process.execPath, [
        cli!.script,
        'get',
        share.magnet,
        '--out',
        out,
        '--no-seed',
        '--port',
        '0',
        '--data-dir',
        path.join(temp.dir, 'get-data'),
      ]);
      const get = new TrackedChild('swarmdrop get (namespace)', command, args);
      running.push(get);
      // The leecher announces from inside: the tracker sees it at the namespace's address.
      await tracker.waitForPeers(
        share.infoHashHex,
        (p) => p.some((x) => x.ip === link.insideIp),
        30_000,
        'the leecher at its IPv6 address',
      );
      const outcome = await exitOrTimeout(get, 60_000);
      if (outcome === 'timeout') throw new Error(`get did not finish: ${get.stderr()}`);
      expect(outcome.code, get.stderr()).toBe(0);
      await expectSamePayload(payload, out);
    }, 120_000);
  },
);
