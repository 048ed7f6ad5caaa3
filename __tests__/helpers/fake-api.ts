import {
  startFakeMercadoPagoApi,
  type FakeMercadoPagoApi,
  type FakeMercadoPagoApiOptions,
} from '../../src/testing/fake-api.js';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { FIXTURE_SECRET } from './fixtures.js';

/** The access token the suites' fake APIs accept. */
export const TOKEN = 'APP_USR-test-token';

/**
 * One fake Mercado Pago API for the calling test file: started in beforeAll (accepting TOKEN and
 * `extraTokens`), reset before each test, closed after all. The handle reaches the running API, so use it only
 * inside tests and hooks.
 */
export function useFakeApi(...extraTokens: string[]): FakeMercadoPagoApi {
  return useFakeApiWith({ accessTokens: [TOKEN, ...extraTokens] });
}

/** Like {@link useFakeApi}, with the fake's own options (`accessTokens`, `accounts`, ...). */
export function useFakeApiWith(options: FakeMercadoPagoApiOptions): FakeMercadoPagoApi {
  let started: FakeMercadoPagoApi | undefined;
  const running = (): FakeMercadoPagoApi => {
    if (started === undefined)
      throw new Error('the fake API starts in beforeAll: use it inside tests and hooks');
    return started;
  };
  beforeAll(async () => {
    started = await startFakeMercadoPagoApi(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => running().reset());
  return {
    get url() {
      return running().url;
    },
    get requests() {
      return running().requests;
    },
    set: (path, resource) => running().set(path, resource),
    remove: (path) => running().remove(path),
    fail: (path, ...faults) => running().fail(path, ...faults),
    revoke: (token) => running().revoke(token),
    readsOf: (path) => running().readsOf(path),
    reset: () => running().reset(),
    close: () => running().close(),
  };
}

/** Router options reading `api` with TOKEN and verifying with the fixture secret; `extra` overrides any. */
export function apiOptions(
  api: FakeMercadoPagoApi,
  extra: Partial<MercadoPagoNotificationsOptions> = {},
): MercadoPagoNotificationsOptions {
  return { secret: FIXTURE_SECRET, accessToken: TOKEN, apiBaseUrl: api.url, ...extra };
}

/** Stores payment `id` in `api` (approved unless told otherwise) and returns its path. */
export function storePayment(
  api: FakeMercadoPagoApi,
  id: string,
  status = 'approved',
  statusDetail = 'accredited',
  lastUpdated = '2026-01-02T10:00:00.000-04:00',
): string {
  const path = `/v1/payments/${id}`;
  api.set(path, { id: Number(id), status, status_detail: statusDetail, date_last_updated: lastUpdated });
  return path;
}
