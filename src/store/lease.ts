import type { DeliveryStore } from './types.js';

/** Code of the warning emitted when a store's claims can expire while their delivery is still being processed. */
export const LEASE_TOO_SHORT_WARNING = 'MERCADOPAGO_NOTIFICATIONS_LEASE_TOO_SHORT';

/**
 * Warns (process.emitWarning) when `store.leaseMs` is not above `workMs`, the longest the router works on a
 * delivery before answering (handlerTimeoutMs + 2 × fetchTimeoutMs): another instance could then claim and
 * process a copy while the first one still runs its listeners.
 */
export function warnIfLeaseTooShort(store: DeliveryStore | undefined, workMs: number): void {
  const leaseMs = store?.leaseMs;
  if (leaseMs === undefined || leaseMs > workMs) return;
  process.emitWarning(
    `[mercadopago-notifications] the store's leaseMs (${leaseMs} ms) is not above handlerTimeoutMs + 2 × fetchTimeoutMs ` +
      `(${workMs} ms): raise leaseMs, or another instance may process a delivery that is still being processed`,
    { code: LEASE_TOO_SHORT_WARNING },
  );
}
