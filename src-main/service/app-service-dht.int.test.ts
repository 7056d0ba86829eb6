// The app's DHT settings and flags over the real engine on 127.0.0.1: the status bar's
// node count comes from a DHT joined through a local node named by the override (as
// `--dht-bootstrap` sets it), `--no-dht` shows no count, and a bootstrap change is saved
// and said to need a restart.
import path from 'node:path';
import { Client as DhtClient } from 'bittorrent-dht';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { AppService } from './app-service.ts';
import { realServiceDeps } from './real-deps.ts';
import type { HostOverrides } from './service-types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(overrides: HostOverrides): Promise<AppService> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  const service = await AppService.open(
    {
      host: 'daemon',
      version: 'test',
      dataDir: t.dir,
      defaultDownloadDir: path.join(t.dir, 'downloads'),
      overrides: { bindHost: '127.0.0.1', peerPort: 0, embeddedTracker: 'off', ...overrides },
      log: () => undefined,
    },
    realServiceDeps(),
  );
  cleanups.push(() => service.close());
  return service;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('AppService DHT', () => {
  it('the status carries the node count of a DHT joined through the --dht-bootstrap node', async () => {
    const node = new DhtClient({ bootstrap: false });
    await new Promise<void>((resolve) => node.listen(0, resolve));
    cleanups.push(() => new Promise<void>((resolve) => node.destroy(resolve)));
    const port = (node as unknown as { address(): { port: number } }).address().port;
    const service = await open({ dhtBootstrap: [`127.0.0.1:${port}`] });
    expect(service.appInfo().overridden).toContain('dht');
    await until(() => (service.status().dhtNodes ?? 0) > 0, 'a node in the routing table');
  });

  it('--no-dht: the status has no node count', async () => {
    const service = await open({ dhtEnabled: false });
    expect(service.status().dhtNodes).toBeNull();
  });

  it('a new bootstrap list is saved and needs a restart', async () => {
    const service = await open({});
    const r = await service.updateSettings({ dhtBootstrap: ['127.0.0.1:1'] });
    expect(r.settings.dhtBootstrap).toEqual(['127.0.0.1:1']);
    expect(r.restartRequired).toEqual(['dhtBootstrap']);
  });
});
