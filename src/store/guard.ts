import { toNotificationError } from '../errors.js';
import type { DeliveryStore } from './types.js';

/** The store with every failure turned into STORE_UNAVAILABLE, so callers can tell it from other failures. */
export function guardStore(store: DeliveryStore): DeliveryStore {
  const guard =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const unavailable = (error: unknown): never => {
        throw toNotificationError(error, 'STORE_UNAVAILABLE', `store.${name}()`);
      };
      try {
        // No async wrapper: one promise turn less per store call on the path of every delivery.
        return Promise.resolve(call(...args)).catch(unavailable);
      } catch (error) {
        return Promise.reject(error).catch(unavailable); // a store method that throws instead of rejecting
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
