import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './public-address.ts';

describe('isPublicAddress', () => {
  it.each([
    ['20.0.0.2', true],
    ['8.8.4.4', true],
    ['2001:4860::1', true],
    ['::ffff:20.0.0.2', true],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.9', false],
    ['100.64.0.1', false],
    ['127.0.0.1', false],
    ['169.254.3.4', false],
    ['::1', false],
    ['fd00::5', false],
    ['fe80::1', false],
    ['::ffff:192.168.0.2', false],
    ['not an address', false],
    ['', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
