import { LRUCache } from 'lru-cache';
import type { ClaimResult, DeliveryStore } from './types.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys kept; the least recently used go first. */
  readonly max: number;
  /** How long processed keys are kept, in ms. */
  readonly ttlMs: number;
  /** How long a claim lasts if it is neither completed nor released, in ms. */
  readonly leaseMs: number;
  /** Clock in ms. */
  readonly now: () => number;
}

type Entry = 'processing' | 'done';

/** The default store: one process, bounded by `max` and `ttlMs` (lru-cache). */
export function createMemoryStore({ max, ttlMs, leaseMs, now }: MemoryStoreOptions): DeliveryStore {
  const cache = new LRUCache<string, Entry>({ max, ttl: ttlMs, ttlResolution: 0, perf: { now } });
  return {
    ttlMs,
    async claim(keys): Promise<ClaimResult> {
      for (const key of keys) {
        const entry = cache.get(key);
        if (entry !== undefined) return { status: entry, key };
      }
      for (const key of keys) cache.set(key, 'processing', { ttl: leaseMs });
      return { status: 'claimed' };
    },
    async complete(keys) {
      for (const key of keys) cache.set(key, 'done');
    },
    async release(keys) {
      for (const key of keys) if (cache.get(key) === 'processing') cache.delete(key);
    },
    async has(key) {
      return cache.get(key) === 'done';
    },
  };
}
