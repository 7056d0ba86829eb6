import { describe, expect, it } from 'vitest';
import type { Settings } from '../../../src-shared/types/settings.ts';
import { fromForm, toForm } from './settings-form.ts';

const base: Settings = {
  downloadDir: '/home/u/Downloads',
  peerPort: 6881,
  trackers: ['udp://10.0.0.2:6969'],
  embeddedTracker: { enabled: true, port: 6969, advertiseHost: 'auto' },
  rateLimits: { downloadBps: 0, uploadBps: 512 * 1024 },
  theme: 'dark',
  notifyOnComplete: true,
  keepSharingWhenClosed: true,
  encryption: 'prefer',
  dhtEnabled: true,
  dhtBootstrap: ['dht.example.org:6881', '[2001:db8::1]:6881'],
  lan: {
    lsd: true,
    nearby: true,
    listShares: false,
    interfaceAddress: 'auto',
    lsdIpv4Group: '239.192.152.143',
    lsdIpv6Group: 'ff15::efc0:988f',
    lsdPort: 6771,
    nearbyPort: 6772,
  },
  portMapping: { enabled: true, gateway: '' },
  utp: true,
  preferUtp: false,
};

describe('settings form', () => {
  it('round-trips settings through the form', () => {
    const f = toForm(base);
    expect(f.downloadKiBps).toBe('');
    expect(f.uploadKiBps).toBe('512');
    expect(fromForm(f)).toEqual({ settings: base, errors: {} });
  });

  it('reads trackers one per line, dropping blanks and duplicates', () => {
    const r = fromForm({ ...toForm(base), trackers: 'udp://a:1\n\n  udp://a:1\nhttp://b/announce' });
    expect(r.settings?.trackers).toEqual(['udp://a:1', 'http://b/announce']);
  });

  it('reads DHT bootstrap nodes one per line and refuses one without a port', () => {
    const r = fromForm({ ...toForm(base), dhtBootstrap: 'a.example:1\n\n a.example:1\n127.0.0.1:6881' });
    expect(r.settings?.dhtBootstrap).toEqual(['a.example:1', '127.0.0.1:6881']);
    const bad = fromForm({ ...toForm(base), dhtBootstrap: 'dht.example.org' });
    expect(bad.settings).toBeNull();
    expect(bad.errors.dhtBootstrap).toContain('dht.example.org');
    expect(fromForm({ ...toForm(base), dhtBootstrap: 'h:70000' }).errors.dhtBootstrap).toBeDefined();
  });

  it('names the field that is wrong, in words', () => {
    const r = fromForm({
      ...toForm(base),
      peerPort: '70000',
      trackers: 'tracker.example',
      downloadKiBps: 'fast',
      downloadDir: ' ',
    });
    expect(r.settings).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['downloadDir', 'downloadKiBps', 'peerPort', 'trackers']);
    expect(r.errors.trackers).toContain('tracker.example');
  });

  it('reads the advertised host: empty is auto, a host is kept, a URL is refused', () => {
    expect(toForm(base).embeddedAdvertiseHost).toBe('');
    expect(
      fromForm({ ...toForm(base), embeddedAdvertiseHost: ' 192.168.1.20 ' }).settings?.embeddedTracker
        .advertiseHost,
    ).toBe('192.168.1.20');
    expect(
      fromForm({ ...toForm(base), embeddedAdvertiseHost: '' }).settings?.embeddedTracker.advertiseHost,
    ).toBe('auto');
    const bad = fromForm({ ...toForm(base), embeddedAdvertiseHost: 'udp://192.168.1.20:6969' });
    expect(bad.settings).toBeNull();
    expect(Object.keys(bad.errors)).toEqual(['embeddedAdvertiseHost']);
  });

  it('converts KiB/s to bytes per second', () => {
    expect(fromForm({ ...toForm(base), downloadKiBps: '1.5' }).settings?.rateLimits.downloadBps).toBe(1536);
  });
});
