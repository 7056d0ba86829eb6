import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from './event-hub.ts';

afterEach(() => vi.restoreAllMocks());

describe('EventHub', () => {
  it('a listener that throws is reported and the next listener still runs', () => {
    const stderr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const hub = new EventHub();
    const seen: string[] = [];
    hub.on('torrent-removed', () => {
      throw new Error('faulty subscriber');
    });
    hub.on('torrent-removed', (id) => seen.push(id));
    expect(() => hub.emit('torrent-removed', 'abc')).not.toThrow();
    expect(seen).toEqual(['abc']);
    expect(stderr).toHaveBeenCalledOnce();
    expect(String(stderr.mock.calls[0]?.[0])).toContain("'torrent-removed' listener threw");
  });

  it('stops calling a listener once unsubscribed, and every listener after close', () => {
    const hub = new EventHub();
    const seen: string[] = [];
    const off = hub.on('torrent-removed', (id) => seen.push(`a:${id}`));
    hub.on('torrent-removed', (id) => seen.push(`b:${id}`));
    hub.emit('torrent-removed', '1');
    off();
    hub.emit('torrent-removed', '2');
    hub.close();
    hub.emit('torrent-removed', '3');
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
  });
});
