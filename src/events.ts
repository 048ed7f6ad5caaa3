import createDebug from 'debug';
import { isEventName, isEventTopic } from './event-names.js';
import { MercadoPagoNotificationError } from './errors.js';
import type { Redactor } from './redact.js';
import type { AnyMercadoPagoEvent, ErrorHandler, EventHandler, NotificationEmitter } from './types.js';

const debug = createDebug('mercadopago-notifications:events');

type AnyHandler = EventHandler<AnyMercadoPagoEvent>;

/** The listener registry behind `on`, `off`, `onAny` and `onError`. Framework-free. */
export interface EventRegistry extends NotificationEmitter {
  /** Runs every listener of the event concurrently; resolves with the failures (empty when all succeeded). */
  emit(event: AnyMercadoPagoEvent): Promise<MercadoPagoNotificationError[]>;
  /** Hands an error to every onError handler; a handler that throws or rejects is ignored. */
  reportError(error: MercadoPagoNotificationError, event?: AnyMercadoPagoEvent): void;
  /** How many listeners `emit(event)` runs. */
  listenerCount(event: AnyMercadoPagoEvent): number;
}

function assertHandler(method: string, handler: unknown): void {
  if (typeof handler !== 'function') {
    throw new TypeError(
      `[mercadopago-notifications] ${method}: the handler must be a function, got ${typeof handler}`,
    );
  }
}

function assertListenableName(name: unknown): asserts name is string {
  if (name === '*') {
    throw new TypeError('[mercadopago-notifications] on("*") is not supported: use onAny(handler)');
  }
  if (typeof name !== 'string' || !(isEventName(name) || isEventTopic(name))) {
    throw new TypeError(
      `[mercadopago-notifications] unknown event name ${JSON.stringify(name)}: use a name such as ` +
        `'payment.approved' or a topic such as 'payment' (see the README events table)`,
    );
  }
}

function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return `non-Error value ${String(value)}`;
  } catch {
    return 'a value that cannot be printed';
  }
}

/** Why a listener failed: what it threw or rejected with. */
interface Failure {
  readonly reason: unknown;
}

/**
 * Calls one listener: undefined when it returned, its failure when it threw, and a promise of either when it
 * returned a promise (as an async wrapper would, without one for listeners that return at once).
 */
function runListener(
  handler: AnyHandler,
  event: AnyMercadoPagoEvent,
): Failure | undefined | Promise<Failure | undefined> {
  try {
    const result: unknown = handler(event);
    if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') return undefined;
    return Promise.resolve(result).then(
      () => undefined,
      (reason: unknown) => ({ reason }),
    );
  } catch (reason) {
    return { reason };
  }
}

/**
 * Creates an empty listener registry. `redact` masks secrets and tokens in every message it writes: a listener's
 * error text is quoted in LISTENER_FAILED and in debug lines, while the listener's own error stays untouched as
 * the `cause`.
 */
export function createEventRegistry(redact: Redactor): EventRegistry {
  const byName = new Map<string, Set<AnyHandler>>();
  const anyHandlers = new Set<AnyHandler>();
  const errorHandlers = new Set<ErrorHandler>();

  const reportError = (error: MercadoPagoNotificationError, event?: AnyMercadoPagoEvent): void => {
    debug('error %s: %s', error.code, redact(error.message));
    for (const handler of errorHandlers) {
      try {
        Promise.resolve(handler(error, event)).catch((thrown: unknown) => {
          debug('onError handler rejected: %s', redact(describeThrown(thrown)));
        });
      } catch (thrown) {
        debug('onError handler threw: %s', redact(describeThrown(thrown)));
      }
    }
  };

  /** Listeners of the event; one registered under several keys is there once. */
  const handlersFor = (event: AnyMercadoPagoEvent): Set<AnyHandler> => {
    const handlers = new Set<AnyHandler>(byName.get(event.name));
    for (const handler of byName.get(event.topic) ?? []) handlers.add(handler);
    for (const handler of anyHandlers) handlers.add(handler);
    return handlers;
  };

  return {
    on(name, handler) {
      assertListenableName(name);
      assertHandler('on', handler);
      const set = byName.get(name) ?? new Set();
      set.add(handler as AnyHandler);
      byName.set(name, set);
    },
    off(name, handler) {
      byName.get(name)?.delete(handler as AnyHandler);
    },
    onAny(handler) {
      assertHandler('onAny', handler);
      anyHandlers.add(handler);
    },
    onError(handler) {
      assertHandler('onError', handler);
      errorHandlers.add(handler);
    },
    reportError,
    listenerCount: (event) => handlersFor(event).size,
    async emit(event) {
      // Every delivery comes through here: build no more arrays and promises than the listeners need.
      const results: Array<Failure | undefined | Promise<Failure | undefined>> = [];
      for (const handler of handlersFor(event)) results.push(runListener(handler, event));
      const settled = results.some((result) => result instanceof Promise)
        ? await Promise.all(results)
        : (results as Array<Failure | undefined>);
      const failures = settled.flatMap((failure) =>
        failure === undefined
          ? []
          : [
              new MercadoPagoNotificationError(
                'LISTENER_FAILED',
                `a listener for ${event.name} failed: ${redact(describeThrown(failure.reason))}`,
                { cause: failure.reason },
              ),
            ],
      );
      for (const failure of failures) reportError(failure, event);
      return failures;
    },
  };
}
