import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';
import { defaultSettings, migrateSettings, SETTINGS_VERSION, SettingsStore } from './settings-store.ts';

const defaults = defaultSettings('/downloads');
const temps: { remove(): Promise<void> }[] = [];
async function tempDir(): Promise<string> {
  const t = await makeTempDir();
  temps.push(t);
  return t.dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((t) => t.remove()));
});

describe('migrateSettings', () => {
  it('fills fields the file lacks with defaults and keeps the rest', () => {
    const s = migrateSettings({ version: 1, settings: { theme: 'dark', peerPort: 7000 } }, defaults);
    expect(s).toEqual({ ...defaults, theme: 'dark', peerPort: 7000 });
  });

  it('turns port mapping on for settings saved before it existed, keeping the rest', () => {
    const saved = { ...defaults, peerPort: 7000 } as Partial<typeof defaults>;
    delete saved.portMapping;
    const s = migrateSettings({ version: SETTINGS_VERSION, settings: saved }, defaults);
    expect(s.portMapping).toEqual({ enabled: true, gateway: '' });
    expect(s.peerPort).toBe(7000);
  });

  it('keeps a saved router and drops one that is not an address or URL', () => {
    const keep = migrateSettings(
      { version: SETTINGS_VERSION, settings: { portMapping: { enabled: false, gateway: '192.168.1.1' } } },
      defaults,
    );
    expect(keep.portMapping).toEqual({ enabled: false, gateway: '192.168.1.1' });
    const bad = migrateSettings(
      { version: SETTINGS_VERSION, settings: { portMapping: { enabled: false, gateway: 'my router' } } },
      defaults,
    );
    expect(bad.portMapping).toEqual(defaults.portMapping);
  });

  it('drops one invalid field without losing the valid ones', () => {
    const s = migrateSettings(
      { version: 1, settings: { theme: 'purple', peerPort: 7000, trackers: ['not a url'] } },
      defaults,
    );
    expect(s.theme).toBe('system');
    expect(s.trackers).toEqual([]);
    expect(s.peerPort).toBe(7000);
  });

  it('runs each migration step in order up to the current version', () => {
    const steps = {
      1: (o: Record<string, unknown>) => ({ ...o, peerPort: (o.port as number) + 1 }),
      2: (o: Record<string, unknown>) => ({ ...o, theme: o.dark ? 'dark' : 'light' }),
    };
    const s = migrateSettings({ version: 1, settings: { port: 6000, dark: true } }, defaults, steps, 3);
    expect(s.peerPort).toBe(6001);
    expect(s.theme).toBe('dark');
  });

  it.each([
    [
      'a v1 tracker keeps its port and on/off, advertised as auto',
      { enabled: false, port: 7070 },
      { enabled: false, port: 7070, advertiseHost: 'auto' },
    ],
    [
      'a v1 tracker object with a bad port falls back to the default',
      { enabled: false, port: 'x' },
      defaults.embeddedTracker,
    ],
    ['no tracker object: the default', undefined, defaults.embeddedTracker],
    ['not an object: the default', 'on', defaults.embeddedTracker],
  ])('v1 → v2: %s', (_label, embeddedTracker, expected) => {
    const s = migrateSettings(
      {
        version: 1,
        settings: { theme: 'dark', ...(embeddedTracker === undefined ? {} : { embeddedTracker }) },
      },
      defaults,
    );
    expect(s.embeddedTracker).toEqual(expected);
    expect(s.theme).toBe('dark');
  });

  it('v2 keeps an advertised host, and drops one that is not a host', () => {
    const tracker = (advertiseHost: string) => ({
      version: 2,
      settings: { embeddedTracker: { enabled: true, port: 6969, advertiseHost } },
    });
    expect(migrateSettings(tracker('192.168.1.20'), defaults).embeddedTracker.advertiseHost).toBe(
      '192.168.1.20',
    );
    expect(migrateSettings(tracker('box.lan'), defaults).embeddedTracker.advertiseHost).toBe('box.lan');
    expect(migrateSettings(tracker('2001:db8::5'), defaults).embeddedTracker.advertiseHost).toBe(
      '2001:db8::5',
    );
    expect(migrateSettings(tracker('udp://x:1/'), defaults).embeddedTracker.advertiseHost).toBe('auto');
  });

  it('a v2 file written before encryption existed gets prefer; a stored mode is kept, a bad one dropped', () => {
    expect(migrateSettings({ version: 2, settings: { theme: 'dark' } }, defaults).encryption).toBe('prefer');
    expect(migrateSettings({ version: 2, settings: { encryption: 'require' } }, defaults).encryption).toBe(
      'require',
    );
    expect(migrateSettings({ version: 1, settings: { encryption: 'off' } }, defaults).encryption).toBe('off');
    expect(migrateSettings({ version: 2, settings: { encryption: 'always' } }, defaults).encryption).toBe(
      'prefer',
    );
  });

  it('a file from before LAN discovery gets it on (BEP 14 group and port); a stored choice is kept, a bad one dropped', () => {
    const before = migrateSettings({ version: 2, settings: { theme: 'dark' } }, defaults).lan;
    expect(before).toEqual({
      lsd: true,
      nearby: true,
      listShares: true,
      interfaceAddress: 'auto',
      lsdIpv4Group: '239.192.152.143',
      lsdIpv6Group: 'ff15::efc0:988f',
      lsdPort: 6771,
      nearbyPort: 6772,
    });
    const off = { ...before, lsd: false, listShares: false, interfaceAddress: '192.0.2.7' };
    expect(migrateSettings({ version: 2, settings: { lan: off } }, defaults).lan).toEqual(off);
    const bad = { ...before, lsdIpv4Group: '10.0.0.1' };
    expect(migrateSettings({ version: 2, settings: { lan: bad } }, defaults).lan).toEqual(before);
  });

  it('a v2 file written before uTP existed gets uTP on; a stored off is kept, a bad value dropped', () => {
    expect(migrateSettings({ version: 2, settings: { theme: 'dark' } }, defaults).utp).toBe(true);
    expect(migrateSettings({ version: 2, settings: { utp: false } }, defaults).utp).toBe(false);
    expect(migrateSettings({ version: 2, settings: { utp: 'no' } }, defaults).utp).toBe(true);
  });

  it('a v2 file written before "prefer uTP" existed dials TCP first; a stored choice is kept', () => {
    expect(migrateSettings({ version: 2, settings: { utp: true } }, defaults).preferUtp).toBe(false);
    expect(migrateSettings({ version: 2, settings: { preferUtp: true } }, defaults).preferUtp).toBe(true);
    expect(migrateSettings({ version: 2, settings: { preferUtp: 1 } }, defaults).preferUtp).toBe(false);
  });

  it('refuses files from a newer version, without a version, or not an object', () => {
    expect(() => migrateSettings({ version: SETTINGS_VERSION + 1, settings: {} }, defaults)).toThrow(/newer/);
    expect(() => migrateSettings({ settings: {} }, defaults)).toThrow(/version/);
    expect(() => migrateSettings('x', defaults)).toThrow();
    expect(() => migrateSettings({ version: 1, settings: {} }, defaults, {}, 2)).toThrow(/no migration/);
  });
});

describe('SettingsStore', () => {
  it('returns defaults when there is no file, then round-trips a save', async () => {
    const dir = await tempDir();
    const store = new SettingsStore(dir, defaults);
    expect(await store.load()).toEqual({ settings: defaults, problem: null });
    const changed = { ...defaults, theme: 'light' as const, rateLimits: { downloadBps: 1024, uploadBps: 0 } };
    await store.save(changed);
    const onDisk = JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.version).toBe(SETTINGS_VERSION);
    expect((await new SettingsStore(dir, defaults).load()).settings).toEqual(changed);
  });

  it('sets a corrupt file aside and starts from defaults, saying why', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'settings.json'), '{ not json');
    const r = await new SettingsStore(dir, defaults).load();
    expect(r.settings).toEqual(defaults);
    expect(r.problem).toMatch(/could not be read/);
    expect((await readdir(dir)).some((f) => f.startsWith('settings.json.bak-'))).toBe(true);
  });

  it('serialises concurrent saves: the last one wins', async () => {
    const dir = await tempDir();
    const store = new SettingsStore(dir, defaults);
    await Promise.all([1, 2, 3, 4, 5].map((n) => store.save({ ...defaults, peerPort: 7000 + n })));
    expect((await store.load()).settings.peerPort).toBe(7005);
  });
});
