import { toNotificationError } from '../errors.js';
import type { DeliveryStore } from './types.js';

/** The store with every failure turned into STORE_UNAVAILABLE, so callers can tell it from other failures. */
export function guardStore(store: DeliveryStore): DeliveryStore {
  const guard =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw toNotificationError(error, 'STORE_UNAVAILABLE', `store.${name}()`);
      }
    };
  return {
    ttlMs: store.ttlMs,
    claim: guard('claim', (keys: readonly string[]) => store.claim(keys)),
    complete: guard('complete', (keys: readonly string[]) => store.complete(keys)),
    release: guard('release', (keys: readonly string[]) => store.release(keys)),
    has: guard('has', (key: string) => store.has(key)),
  };
}
