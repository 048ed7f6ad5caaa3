import { isLoopbackAddress } from '../../src/inspector/loopback.js';

describe('isLoopbackAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.3.4',
    '::1',
    '0:0:0:0:0:0:0:1',
    '0000:0000:0000:0000:0000:0000:0000:0001',
    '::ffff:127.0.0.1',
    '::FFFF:127.9.9.9',
  ])('is true for the loopback address %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([
    '10.0.0.1',
    '192.168.1.10',
    '203.0.113.7',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    '::11',
    '1::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:203.0.113.7',
    'localhost',
    '127.0.0.1.example.com',
    '',
  ])('is false for %p', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });

  it('is false when the socket reports no address (it was destroyed)', () => {
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});
