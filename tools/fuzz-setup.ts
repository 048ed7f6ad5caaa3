// The world the fuzz and soak tools run in: one secret, one token, a real fake API with a few resources, and the
// real router mounted in an Express app listening on 127.0.0.1. Shared by the jest suites and the scripts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import {
  mercadoPagoNotifications,
  type AnyMercadoPagoEvent,
  type MercadoPagoNotificationErrorCode,
  type MercadoPagoNotificationsOptions,
  type MercadoPagoNotificationsRouter,
} from '../src/index.js';
import { startFakeMercadoPagoApi, type FakeMercadoPagoApi } from '../src/testing/fake-api.js';

/** The secret the tools sign with. Never a real one. */
export const TOOL_SECRET = 'TOOLS-SECRET-fuzz-and-soak-0123456789abcdef';
/** The access token the tools' fake API accepts. */
export const TOOL_TOKEN = 'APP_USR-tools-token-0123456789-not-real';

/** Resources served by the fake API, by resource id, with the topics that read them. */
export const KNOWN_RESOURCES = {
  payment: ['1001', '1002', '1003'],
  merchant_order: ['2001'],
  chargeback: ['233000061680860123'],
  order: ['ORD01FUZZ00000000000000000001'],
  agreement: ['22abcd1235ed497f945f755fcaba3c6c'],
  subscription: ['2c93808478fuzz0000000000000001'],
  subscription_payment: ['6114264375'],
  subscription_plan: ['2c93808478fuzz00000000000plan1'],
  point_intent: ['7a1b2c3d-fuzz-4e5f-8a9b-000000000001'],
  claim: ['5298154230'],
  /** Cards of the customer in `customer` (Card Updater reads /v1/customers/{customer}/cards/{card}). */
  card: ['50000102201', '50000102202'],
  customer: ['123456-fuzzcustomer'],
  delivery: ['5001'],
} as const;

/**
 * Stores every known resource in `api`. Returns what it stored, by API path (a string is the JSON text served
 * verbatim), so that a tool can reason about the API's state without reading it back.
 */
export function storeKnownResources(api: FakeMercadoPagoApi): ReadonlyMap<string, unknown> {
  const stored = new Map<string, unknown>();
  const set = (path: string, resource: unknown): void => {
    api.set(path, resource);
    stored.set(path, resource);
  };
  const updated = '2026-01-02T10:00:00.000-04:00';
  for (const id of KNOWN_RESOURCES.payment) {
    set(`/v1/payments/${id}`, {
      id: Number(id),
      status: 'approved',
      status_detail: 'accredited',
      date_last_updated: updated,
    });
  }
  for (const id of KNOWN_RESOURCES.merchant_order) {
    set(`/merchant_orders/${id}`, { id: Number(id), status: 'closed', last_updated: updated });
  }
  for (const id of KNOWN_RESOURCES.chargeback) {
    set(
      `/v1/chargebacks/${id}`,
      `{"id":${id},"documentation_status":"pending","date_created":"${updated}","date_last_updated":"${updated}"}`,
    );
  }
  for (const id of KNOWN_RESOURCES.order) {
    set(`/v1/orders/${id}`, { id, status: 'processed', status_detail: 'accredited', version: 3 });
  }
  for (const id of KNOWN_RESOURCES.agreement) {
    set(`/v2/wallet_connect/agreements/${id}`, { id, status: 'confirmed_by_user' });
  }
  for (const id of KNOWN_RESOURCES.subscription) {
    set(`/preapproval/${id}`, { id, status: 'authorized', last_modified: updated });
  }
  for (const id of KNOWN_RESOURCES.subscription_payment) {
    set(`/authorized_payments/${id}`, {
      id: Number(id),
      status: 'processed',
      payment: { id: 1001, status: 'approved' },
      retry_attempt: 0,
      last_modified: updated,
    });
  }
  for (const id of KNOWN_RESOURCES.subscription_plan) {
    set(`/preapproval_plan/${id}`, { id, status: 'active', last_modified: updated });
  }
  for (const id of KNOWN_RESOURCES.point_intent) {
    set(`/point/integration-api/payment-intents/${id}`, {
      id,
      state: 'FINISHED',
      payment: { id: 1001, state: 'approved' },
    });
  }
  for (const id of KNOWN_RESOURCES.claim) {
    set(`/post-purchase/v1/claims/${id}`, {
      id: Number(id),
      status: 'opened',
      stage: 'claim',
      last_updated: updated,
    });
  }
  for (const customer of KNOWN_RESOURCES.customer) {
    for (const id of KNOWN_RESOURCES.card) {
      set(`/v1/customers/${customer}/cards/${id}`, { id, customer_id: customer, date_last_updated: updated });
    }
  }
  for (const id of KNOWN_RESOURCES.delivery) {
    set(`/proximity-integration/v1/orders/${id}`, {
      id: Number(id),
      status: 'ready_to_ship',
      last_updated: updated,
    });
  }
  return stored;
}

/** A router behind a real HTTP server, recording what it emitted, reported and let escape. */
export interface ToolTarget {
  /** `http://127.0.0.1:<port>`; the router is mounted at `/mp`. */
  readonly url: string;
  readonly api: FakeMercadoPagoApi;
  /** What the fake API serves at start, by path (see storeKnownResources). */
  readonly resources: ReadonlyMap<string, unknown>;
  readonly mp: MercadoPagoNotificationsRouter;
  /** How many errors onError received, by code (counts only: a long run must not keep every error). */
  readonly reported: Map<MercadoPagoNotificationErrorCode, number>;
  /** Errors that escaped the router into Express (must stay empty). */
  readonly escaped: unknown[];
  close(): Promise<void>;
}

/** Starts a fake API with the known resources and the router in front of it; `extra` overrides any option. */
export async function startToolTarget(
  extra: Partial<MercadoPagoNotificationsOptions> = {},
  onEvent?: (event: AnyMercadoPagoEvent) => unknown,
): Promise<ToolTarget> {
  const api = await startFakeMercadoPagoApi({ accessTokens: [TOOL_TOKEN] });
  const resources = storeKnownResources(api);
  const mp = mercadoPagoNotifications({
    secret: TOOL_SECRET,
    accessToken: TOOL_TOKEN,
    apiBaseUrl: api.url,
    ...extra,
  });
  const reported = new Map<MercadoPagoNotificationErrorCode, number>();
  const escaped: unknown[] = [];
  if (onEvent !== undefined) mp.onAny(onEvent);
  mp.onError((error) => void reported.set(error.code, (reported.get(error.code) ?? 0) + 1));
  const app = express();
  app.use('/mp', mp);
  const recordEscape: ErrorRequestHandler = (error, _req, _res, next) => {
    escaped.push(error);
    next(error);
  };
  app.use(recordEscape);
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    api,
    resources,
    mp,
    reported,
    escaped,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    },
  };
}

/** Resident set size and heap in MiB, after a full collection when the process runs with --expose-gc. */
export function memoryMiB(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: Math.round(rss / 2 ** 20), heap: Math.round(heapUsed / 2 ** 20) };
}
