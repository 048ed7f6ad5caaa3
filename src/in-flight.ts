import { MercadoPagoNotificationError } from './errors.js';
import type { EventName } from './event-names.js';

/** What became of a delivery; `dedup` says which layer, if any, recognised it. */
export type Outcome =
  | {
      readonly ok: true;
      readonly dedup: 'new' | 'duplicate' | 'duplicate-event' | 'joined';
      readonly events: readonly EventName[];
    }
  | { readonly ok: false; readonly error: MercadoPagoNotificationError };

/** A promise with its resolver; resolving twice keeps the first value. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A timer as a promise; `cancel` stops it (the promise then never settles). */
export function timeout(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}

export function listenerTimeoutError(handlerTimeoutMs: number): MercadoPagoNotificationError {
  return new MercadoPagoNotificationError(
    'LISTENER_TIMEOUT',
    `listeners were still running after handlerTimeoutMs (${handlerTimeoutMs} ms); their result is recorded when they finish`,
  );
}

/** Deliveries and events being processed in this process, by claim key, so that copies can wait for them. */
export interface InFlight {
  /** Registers the final outcome of the work holding `keys`. */
  track(keys: readonly string[], final: Promise<Outcome>): void;
  /**
   * Waits, at most handlerTimeoutMs, for the work holding `key` here and answers as it did. A claim held by
   * another instance cannot be waited for: DELIVERY_IN_PROGRESS, and Mercado Pago retries.
   */
  join(key: string): Promise<Outcome>;
}

export function createInFlight(handlerTimeoutMs: number): InFlight {
  const byKey = new Map<string, Promise<Outcome>>();
  return {
    track(keys, final) {
      for (const key of keys) byKey.set(key, final);
      void final.then(() => {
        for (const key of keys) if (byKey.get(key) === final) byKey.delete(key);
      });
    },
    async join(key) {
      const pending = byKey.get(key);
      if (pending === undefined) {
        const error = new MercadoPagoNotificationError(
          'DELIVERY_IN_PROGRESS',
          'another copy of this delivery is being processed; Mercado Pago will retry',
        );
        return { ok: false, error };
      }
      const limit = timeout(handlerTimeoutMs);
      const outcome = await Promise.race([pending, limit.promise]);
      limit.cancel();
      if (outcome === 'timeout') return { ok: false, error: listenerTimeoutError(handlerTimeoutMs) };
      return outcome.ok ? { ok: true, dedup: 'joined', events: [] } : outcome;
    },
  };
}
