import express from 'express';
import { createApiReader } from './api.js';
import { createEventRegistry } from './events.js';
import { createDeliveryHandler } from './handler.js';
import { createInspector } from './inspector/index.js';
import { createMethodNotAllowedRoute } from './method-not-allowed.js';
import { normalizeOptions } from './options.js';
import { emitStartupWarnings } from './startup-warnings.js';
import { warnIfLeaseTooShort } from './store/lease.js';
import { createMemoryStore } from './store/memory.js';
import type { MercadoPagoNotificationsOptions, MercadoPagoNotificationsRouter } from './types.js';

/** Shortest claim lease of the in-memory store; a claim outlives the API read and the listener budget. */
const MIN_LEASE_MS = 30_000;

/**
 * Creates an Express router that receives Mercado Pago Webhooks, IPN and Wallet Connect deliveries on
 * `paths`, verifies them, deduplicates them, reads the resource from the API and emits typed events.
 *
 * @example
 * const mp = mercadoPagoNotifications({ secret, accessToken });
 * mp.on('payment.approved', async (event) => fulfil(event.resource));
 * app.use('/mercadopago', mp);
 */
export function mercadoPagoNotifications(
  options: Readonly<MercadoPagoNotificationsOptions>,
): MercadoPagoNotificationsRouter {
  const config = normalizeOptions(options);
  emitStartupWarnings(config);
  const registry = createEventRegistry(config.redact);
  // The longest a delivery is worked on before the router answers: the listener budget and an API read retried once.
  const workMs = config.handlerTimeoutMs + 2 * config.fetchTimeoutMs;
  warnIfLeaseTooShort(config.store, workMs);
  const leaseMs = Math.max(MIN_LEASE_MS, workMs + 5_000);
  const store = config.store ?? createMemoryStore({ ...config.dedup, leaseMs, now: config.now });
  const api = createApiReader({
    baseUrl: config.apiBaseUrl,
    fetch: config.fetch,
    fetchTimeoutMs: config.fetchTimeoutMs,
  });
  const inspector = createInspector(config);
  const route = createDeliveryHandler({ config, registry, store, api, recorder: inspector?.recorder });
  const router = express.Router();
  const methodNotAllowed = createMethodNotAllowedRoute(inspector?.recorder);
  for (const path of config.paths) router.post(path, route).all(path, methodNotAllowed);
  inspector?.mount(router);
  const { on, off, onAny, onError } = registry;
  return Object.assign(router, { on, off, onAny, onError });
}
