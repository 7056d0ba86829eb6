// What the service asks of the engine about port mapping: from the setting, the flags and
// the environment. The engine it opens is real but always without port mapping (the
// options it was asked for are recorded), so no router is ever contacted.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import type { PortMappingOptions } from '../engine/session-api.ts';
import { AppService } from './app-service.ts';
import { realServiceDeps } from './real-deps.ts';
import type { HostOverrides } from './service-types.ts';

const cleanups: (() => Promise<void>)[] = [];
const savedEnv = process.env.SWARMDROP_PORT_MAPPING;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  if (savedEnv === undefined) delete process.env.SWARMDROP_PORT_MAPPING;
  else process.env.SWARMDROP_PORT_MAPPING = savedEnv;
});

async function open(
  overrides: HostOverrides,
): Promise<{ service: AppService; asked: (PortMappingOptions | undefined)[] }> {
  const t = await makeTempDir();
  cleanups.push(() => t.remove());
  const real = realServiceDeps();
  const asked: (PortMappingOptions | undefined)[] = [];
  const service = await AppService.open(
    {
      host: 'daemon',
      version: 'test',
      dataDir: t.dir,
      defaultDownloadDir: path.join(t.dir, 'downloads'),
      overrides: { bindHost: '127.0.0.1', peerPort: 0, embeddedTracker: 'off', ...overrides },
      log: () => undefined,
    },
    {
      ...real,
      openSession: (options) => {
        asked.push(options.portMapping);
        return real.openSession({ ...options, portMapping: undefined });
      },
    },
  );
  cleanups.push(() => service.close());
  return { service, asked };
}

describe('port mapping: setting, flags and environment', () => {
  it('is asked for by default, on the discovered router', async () => {
    delete process.env.SWARMDROP_PORT_MAPPING;
    const { service, asked } = await open({});
    expect(asked).toEqual([{ gateway: '' }]);
    expect(service.appInfo().overridden).not.toContain('portMapping');
  });

  it('--nat-gateway names the router for this run and is shown as overriding the setting', async () => {
    delete process.env.SWARMDROP_PORT_MAPPING;
    const { service, asked } = await open({ natGateway: '192.168.1.1' });
    expect(asked).toEqual([{ gateway: '192.168.1.1' }]);
    expect(service.appInfo().overridden).toContain('portMapping');
  });

  it('--no-port-mapping and SWARMDROP_PORT_MAPPING=off each keep the engine from mapping', async () => {
    delete process.env.SWARMDROP_PORT_MAPPING;
    expect((await open({ portMapping: false })).asked).toEqual([undefined]);
    process.env.SWARMDROP_PORT_MAPPING = 'off';
    const { service, asked } = await open({});
    expect(asked).toEqual([undefined]);
    expect(service.status().portMapping).toMatchObject({ state: 'off', reachable: 'unknown' });
  });

  it('a changed setting is saved and reported as needing a restart', async () => {
    const { service } = await open({});
    const result = await service.updateSettings({ portMapping: { enabled: false, gateway: '10.0.0.1' } });
    expect(result.settings.portMapping).toEqual({ enabled: false, gateway: '10.0.0.1' });
    expect(result.restartRequired).toContain('portMapping');
  });
});
