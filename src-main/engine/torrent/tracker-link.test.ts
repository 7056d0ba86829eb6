import { describe, expect, it } from 'vitest';
import { aliasTiers } from './tracker-link.ts';

const ADVERTISED = 'udp://192.0.2.7:6969';
const LOOPBACK = 'udp://127.0.0.1:6969';
const alias = (url: string) => (url === ADVERTISED ? LOOPBACK : url);

describe('aliasTiers', () => {
  it.each([
    [
      'no alias applies: unchanged',
      [['udp://a:1', 'udp://b:1'], ['http://c/announce']],
      [['udp://a:1', 'udp://b:1'], ['http://c/announce']],
      {},
    ],
    [
      'the advertised URL is contacted on loopback',
      [[ADVERTISED], ['udp://a:1']],
      [[LOOPBACK], ['udp://a:1']],
      { [LOOPBACK]: ADVERTISED },
    ],
    [
      'advertised and loopback both listed: announced once, first listing wins',
      [[ADVERTISED], [LOOPBACK, 'udp://a:1']],
      [[LOOPBACK], ['udp://a:1']],
      { [LOOPBACK]: ADVERTISED },
    ],
    ['a tier left empty is dropped', [[LOOPBACK], [ADVERTISED]], [[LOOPBACK]], { [LOOPBACK]: LOOPBACK }],
    ['no trackers', [], [], {}],
  ])('%s', (_label, list, tiers, aliased) => {
    const r = aliasTiers(list, alias);
    expect(r.tiers).toEqual(tiers);
    for (const [target, listed] of Object.entries(aliased)) expect(r.listedAs.get(target)).toBe(listed);
    expect(new Set(r.listedAs.values())).toEqual(new Set(tiers.flat().map((t) => r.listedAs.get(t))));
  });
});
