import { createMemoryStore } from '../../src/store/memory.js';
import type { DeliveryStore } from '../../src/store/types.js';

const TTL_MS = 60_000;
const LEASE_MS = 5_000;
/** The injected clock starts at a realistic epoch time, as Date.now would. */
const START_MS = 1_766_237_532_000;

let time = START_MS;
const now = (): number => time;

function store(max = 100): DeliveryStore {
  return createMemoryStore({ max, ttlMs: TTL_MS, leaseMs: LEASE_MS, now });
}

beforeEach(() => {
  time = START_MS;
});

describe('memory store claim, complete, release and has', () => {
  it('exposes the ttlMs it keeps processed keys for', () => {
    expect(store().ttlMs).toBe(TTL_MS);
  });

  it('claims keys nobody holds', async () => {
    await expect(store().claim(['a', 'b'])).resolves.toEqual({ status: 'claimed' });
  });

  it('answers "processing" with the key for a key claimed and not yet completed', async () => {
    const s = store();
    await s.claim(['a']);
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'processing', key: 'a' });
  });

  it('does not report a claimed key as processed', async () => {
    const s = store();
    await s.claim(['a']);
    await expect(s.has('a')).resolves.toBe(false);
  });

  it('answers "done" with the key once the claim is completed', async () => {
    const s = store();
    await s.claim(['a']);
    await s.complete(['a']);
    await expect(s.has('a')).resolves.toBe(true);
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'done', key: 'a' });
  });

  it('lets a released key be claimed again', async () => {
    const s = store();
    await s.claim(['a']);
    await s.release(['a']);
    await expect(s.has('a')).resolves.toBe(false);
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'claimed' });
  });

  it('keeps a completed key when it is released afterwards', async () => {
    const s = store();
    await s.claim(['a']);
    await s.complete(['a']);
    await s.release(['a']);
    await expect(s.has('a')).resolves.toBe(true);
  });

  it('records keys completed without a claim', async () => {
    const s = store();
    await s.complete(['x']);
    await expect(s.has('x')).resolves.toBe(true);
  });

  it('answers false from has for a key never seen', async () => {
    await expect(store().has('nope')).resolves.toBe(false);
  });

  it('runs exactly one of many concurrent claims of the same key', async () => {
    const s = store();
    const results = await Promise.all(Array.from({ length: 20 }, () => s.claim(['k'])));
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'processing')).toHaveLength(19);
  });
});

describe('memory store claims several keys all or nothing', () => {
  it('claims none of the keys when one is being processed', async () => {
    const s = store();
    await s.claim(['b']);
    await expect(s.claim(['a', 'b', 'c'])).resolves.toEqual({ status: 'processing', key: 'b' });
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'claimed' });
    await expect(s.claim(['c'])).resolves.toEqual({ status: 'claimed' });
  });

  it('claims none of the keys when one is done, and names it', async () => {
    const s = store();
    await s.complete(['c']);
    await expect(s.claim(['a', 'b', 'c'])).resolves.toEqual({ status: 'done', key: 'c' });
    await expect(s.claim(['a', 'b'])).resolves.toEqual({ status: 'claimed' });
  });

  it('claims every key when all are free', async () => {
    const s = store();
    await s.claim(['a', 'b']);
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'processing', key: 'a' });
    await expect(s.claim(['b'])).resolves.toEqual({ status: 'processing', key: 'b' });
  });

  it('completes and releases every key given', async () => {
    const s = store();
    await s.claim(['a', 'b', 'c', 'd']);
    await s.complete(['a', 'b']);
    await s.release(['c', 'd']);
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((k) => s.has(k)))).toEqual([true, true, false, false]);
    await expect(s.claim(['c', 'd'])).resolves.toEqual({ status: 'claimed' });
  });
});

describe('memory store expiry with the injected clock', () => {
  it('keeps a claim for the lease and lets it be claimed again after it', async () => {
    const s = store();
    await s.claim(['a']);
    time = START_MS + LEASE_MS - 1;
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'processing', key: 'a' });
    time = START_MS + LEASE_MS + 1;
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'claimed' });
  });

  it('keeps a completed key for ttlMs and forgets it after', async () => {
    const s = store();
    await s.claim(['a']);
    await s.complete(['a']);
    time = START_MS + TTL_MS - 1;
    await expect(s.has('a')).resolves.toBe(true);
    time = START_MS + TTL_MS + 1;
    await expect(s.has('a')).resolves.toBe(false);
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'claimed' });
  });

  it('counts ttlMs from completion, not from the claim', async () => {
    const s = store();
    await s.claim(['a']);
    time = START_MS + 4_000;
    await s.complete(['a']);
    time = START_MS + 4_000 + TTL_MS - 1;
    await expect(s.has('a')).resolves.toBe(true);
  });

  it('keeps a completed key past the lease', async () => {
    const s = store();
    await s.claim(['a']);
    await s.complete(['a']);
    time = START_MS + LEASE_MS * 2;
    await expect(s.claim(['a'])).resolves.toEqual({ status: 'done', key: 'a' });
  });

  it('sees the clock move between two back-to-back calls', async () => {
    const s = store();
    await s.complete(['a']);
    await expect(s.has('a')).resolves.toBe(true);
    time = START_MS + TTL_MS + 1;
    await expect(s.has('a')).resolves.toBe(false);
  });
});

describe('memory store max bound', () => {
  it('evicts the least recently used key beyond max', async () => {
    const s = store(2);
    await s.complete(['a']);
    await s.complete(['b']);
    await s.complete(['c']);
    expect(await Promise.all(['a', 'b', 'c'].map((k) => s.has(k)))).toEqual([false, true, true]);
  });

  it('never holds more than max keys', async () => {
    const s = store(3);
    for (let i = 0; i < 50; i++) await s.complete([`k${i}`]);
    const kept = await Promise.all(Array.from({ length: 50 }, (_, i) => s.has(`k${i}`)));
    expect(kept.filter(Boolean)).toHaveLength(3);
    expect(kept.slice(-3)).toEqual([true, true, true]);
  });
});
