import { describe, expect, it } from 'vitest';
import { lanInterfaceFor } from './lan-link.ts';

describe('lanInterfaceFor: where LAN discovery runs unless told', () => {
  it.each([
    ['every interface when peers are accepted everywhere', {}, '0.0.0.0', 'all'],
    ['every interface for ::', {}, '::', 'all'],
    ["the peer address's interface when it listens on one", {}, '10.0.0.5', '10.0.0.5'],
    ['nowhere when the peer server is on loopback', {}, '127.0.0.1', null],
    ['nowhere for ::1 and localhost', {}, '::1', null],
    ['nowhere for localhost', {}, 'localhost', null],
    [
      'the setting when given, loopback included',
      { interfaceAddress: '127.0.0.1' },
      '127.0.0.1',
      '127.0.0.1',
    ],
  ])('%s', (_what, options, peerHost, expected) => {
    expect(lanInterfaceFor(options, peerHost)).toBe(expected);
  });
});
