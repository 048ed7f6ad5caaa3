import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { mercadoPagoNotifications, redisStore } from '../../src/index.js';
import { LEASE_TOO_SHORT_WARNING } from '../../src/store/lease.js';

// Clients that are never connected: building a store must not open a connection, and validation needs none.
const nodeRedis = createClient({ url: 'redis://127.0.0.1:6379' });
const ioRedis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });

/** Lets the table hold values the public type forbids, as a JavaScript caller could pass them. */
const loose = (options: unknown) => options as Parameters<typeof redisStore>[0];

describe('redisStore rejects bad configuration with a TypeError', () => {
  const table: Array<[string, unknown, RegExp]> = [
    ['no options', undefined, /redisStore\(\) takes an options object with `client`, got undefined/],
    ['a URL instead of options', 'redis://127.0.0.1:6379', /options object .*got a string of 22 characters/],
    ['no client', {}, /needs `client`: a connected node-redis or ioredis client/],
    ['a URL as client', { client: 'redis://:hunter2@127.0.0.1' }, /`client` must be a node-redis client/],
    ['a plain object as client', { client: {} }, /`client` must be a node-redis client .*got an object$/],
    ['an empty prefix', { client: nodeRedis, prefix: '' }, /`prefix` must be a non-empty string/],
    ['a numeric prefix', { client: nodeRedis, prefix: 7 }, /`prefix` must be a non-empty string.*number 7/],
    ['a zero leaseMs', { client: nodeRedis, leaseMs: 0 }, /`leaseMs` must be a positive integer, got 0$/],
    ['a negative leaseMs', { client: nodeRedis, leaseMs: -1 }, /`leaseMs` must be a positive integer/],
    ['a fractional leaseMs', { client: nodeRedis, leaseMs: 1.5 }, /`leaseMs` must be a positive integer/],
    ['a string leaseMs', { client: nodeRedis, leaseMs: '30000' }, /`leaseMs` must be a positive integer/],
    ['a zero ttlMs', { client: nodeRedis, ttlMs: 0 }, /`ttlMs` must be a positive integer/],
    ['an infinite ttlMs', { client: nodeRedis, ttlMs: Infinity }, /`ttlMs` must be a positive integer/],
    ['a zero commandTimeoutMs', { client: nodeRedis, commandTimeoutMs: 0 }, /`commandTimeoutMs` must be/],
    [
      'a misspelled option',
      { client: nodeRedis, leasems: 1 },
      /unknown option `leasems`: did you mean `leaseMs`\?/,
    ],
  ];

  it.each(table)('throws when given %s', (_case, options, message) => {
    expect(() => redisStore(loose(options))).toThrow(TypeError);
    expect(() => redisStore(loose(options))).toThrow(message);
  });

  it('never echoes what a string client holds (a Redis URL may carry a password)', () => {
    expect(() => redisStore(loose({ client: 'redis://:hunter2@127.0.0.1' }))).not.toThrow(/hunter2/);
  });

  it.each([
    ['node-redis', nodeRedis],
    ['ioredis', ioRedis],
  ])('accepts a %s client and reports its ttlMs and leaseMs', (_name, client) => {
    expect(redisStore({ client, ttlMs: 60_000, leaseMs: 45_000 })).toMatchObject({
      ttlMs: 60_000,
      leaseMs: 45_000,
    });
    expect(redisStore({ client })).toMatchObject({ ttlMs: 48 * 3600_000, leaseMs: 30_000 });
  });
});

describe('the router warns when a store lease can expire while its delivery is processed', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  const router = (leaseMs: number | undefined, handlerTimeoutMs?: number) =>
    mercadoPagoNotifications({
      secret: 's',
      accessToken: 't', // without it the router also warns that IPN cannot be confirmed
      ...(handlerTimeoutMs === undefined ? {} : { handlerTimeoutMs }),
      store: redisStore({ client: nodeRedis, ...(leaseMs === undefined ? {} : { leaseMs }) }),
    });

  it('stays quiet with the defaults (lease 30 s above 10 s of listeners and two 5 s API reads)', () => {
    router(undefined);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    [
      'leaseMs is below handlerTimeoutMs',
      5_000,
      undefined,
      /leaseMs \(5000 ms\) is not above .*\(20000 ms\)/,
    ],
    [
      'handlerTimeoutMs was raised and leaseMs was not',
      undefined,
      25_000,
      /\(30000 ms\) is not above .*\(35000 ms\)/,
    ],
  ])('warns when %s', (_case, leaseMs, handlerTimeoutMs, message) => {
    router(leaseMs, handlerTimeoutMs);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(message), { code: LEASE_TOO_SHORT_WARNING });
  });
});
