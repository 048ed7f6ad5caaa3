import { createServer } from 'node:net';
import { startFakeMercadoPagoApi, type FakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import {
  ipnDelivery,
  send,
  signedWebhook,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';

// ---- local helpers -------------------------------------------------------------------------------------

const TOKEN = 'APP_USR-api-faults-test-token';

type Answer = Awaited<ReturnType<typeof send>>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Status and error code of an answer, so one assertion checks both. */
function answerOf(res: Answer): [number, string | undefined] {
  const body = res.body as { error?: { code?: string } } | undefined;
  return [res.status, body?.error?.code];
}

/** A port on 127.0.0.1 with nothing listening: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
}

/** Small budgets keep the suite fast: one read may take 150 ms, listeners 1 s. */
function options(
  apiUrl: string,
  extra: Partial<MercadoPagoNotificationsOptions> = {},
): MercadoPagoNotificationsOptions {
  return {
    secret: FIXTURE_SECRET,
    accessToken: TOKEN,
    apiBaseUrl: apiUrl,
    fetchTimeoutMs: 150,
    handlerTimeoutMs: 1_000,
    ...extra,
  };
}

const PAYMENT = {
  status: 'approved',
  status_detail: 'accredited',
  date_last_updated: '2026-01-02T10:00:00.000-04:00',
};

function paymentPath(id: string): string {
  return `/v1/payments/${id}`;
}

function paymentWebhook(id: string): OutgoingDelivery {
  return signedWebhook({ secret: FIXTURE_SECRET, dataId: id, type: 'payment' });
}

const startedApis: FakeMercadoPagoApi[] = [];
afterAll(() => Promise.all(startedApis.map((api) => api.close())));

/**
 * A fresh fake API and router for one test: each test owns its reads and faults, so the tests (most of which
 * wait out the router's retry pause) run concurrently.
 */
async function scenario(extra: Partial<MercadoPagoNotificationsOptions> = {}) {
  const api = await startFakeMercadoPagoApi({ accessTokens: [TOKEN] });
  startedApis.push(api);
  const storePayment = (id: string): string => {
    api.set(paymentPath(id), { id: Number(id), ...PAYMENT });
    return paymentPath(id);
  };
  return { api, storePayment, ...createApp(options(api.url, extra)) };
}

// ---- tests ---------------------------------------------------------------------------------------------

describe('API 5xx and 429', () => {
  it.concurrent(
    'emits the event when the API answers 503 once and recovers on the retry within the same delivery',
    async () => {
      const { api, app, events, storePayment } = await scenario();
      const path = storePayment('5001');
      api.fail(path, { status: 503 });
      expect(answerOf(await send(app, paymentWebhook('5001')))).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      expect(api.readsOf(path)).toBe(2);
    },
  );

  it.concurrent(
    'responds 502 API_UNAVAILABLE and emits nothing when the API answers 503 twice, then emits on the redelivery',
    async () => {
      const { api, app, events, storePayment } = await scenario();
      const path = storePayment('5002');
      api.fail(path, { status: 503 }, { status: 503 });
      const delivery = paymentWebhook('5002');
      expect(answerOf(await send(app, delivery))).toEqual([502, 'API_UNAVAILABLE']);
      expect(events).toHaveLength(0);
      expect(api.readsOf(path)).toBe(2);

      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      expect(api.readsOf(path)).toBe(3);
    },
  );

  it('waits for Retry-After before the single retry when the API answers 429', async () => {
    const { api, app, events, storePayment } = await scenario();
    const path = storePayment('5003');
    api.fail(path, { status: 429, headers: { 'retry-after': '1' } });
    const answer = send(app, paymentWebhook('5003')).then((res) => res);
    await sleep(600); // past the default retry pause, well before the 1 s the API asked for
    expect(api.readsOf(path)).toBe(1);
    expect(answerOf(await answer)).toEqual([200, undefined]);
    expect(api.readsOf(path)).toBe(2);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it.concurrent('responds 502 API_UNAVAILABLE and emits nothing when the API answers 429 twice', async () => {
    const { api, app, events, storePayment } = await scenario();
    const path = storePayment('5004');
    api.fail(
      path,
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': '0' } },
    );
    expect(answerOf(await send(app, paymentWebhook('5004')))).toEqual([502, 'API_UNAVAILABLE']);
    expect(events).toHaveLength(0);
    expect(api.readsOf(path)).toBe(2);
  });
});

describe('API timeouts and network errors', () => {
  it.concurrent(
    'responds 504 API_TIMEOUT and emits nothing when both reads take longer than fetchTimeoutMs',
    async () => {
      const { api, app, events, storePayment } = await scenario({ fetchTimeoutMs: 100 });
      const path = storePayment('6001');
      api.fail(path, { delayMs: 1_000 }, { delayMs: 1_000 });
      expect(answerOf(await send(app, paymentWebhook('6001')))).toEqual([504, 'API_TIMEOUT']);
      expect(events).toHaveLength(0);
      expect(api.readsOf(path)).toBe(2);
    },
  );

  it.concurrent('emits the event when only the first read takes longer than fetchTimeoutMs', async () => {
    const { api, app, events, storePayment } = await scenario({ fetchTimeoutMs: 100 });
    const path = storePayment('6002');
    api.fail(path, { delayMs: 1_000 });
    expect(answerOf(await send(app, paymentWebhook('6002')))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBe(2);
  });

  it.concurrent(
    'responds 502 API_UNAVAILABLE and emits nothing when the API resets the connection twice',
    async () => {
      const { api, app, events, storePayment } = await scenario();
      const path = storePayment('6003');
      api.fail(path, 'reset', 'reset');
      expect(answerOf(await send(app, paymentWebhook('6003')))).toEqual([502, 'API_UNAVAILABLE']);
      expect(events).toHaveLength(0);
      expect(api.readsOf(path)).toBe(2);
    },
  );

  it.concurrent('emits the event when the API resets the connection once', async () => {
    const { api, app, events, storePayment } = await scenario();
    const path = storePayment('6004');
    api.fail(path, 'reset');
    expect(answerOf(await send(app, paymentWebhook('6004')))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it.concurrent(
    'responds 5xx API_UNAVAILABLE and emits nothing when nothing listens at apiBaseUrl',
    async () => {
      const port = await closedPort();
      const { app, events } = await scenario({ apiBaseUrl: `http://127.0.0.1:${port}` });
      const res = await send(app, paymentWebhook('6005'));
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(answerOf(res)).toEqual([502, 'API_UNAVAILABLE']);
      expect(events).toHaveLength(0);
    },
  );

  it.concurrent(
    'responds 502 API_UNAVAILABLE and emits nothing when the API answers malformed JSON twice',
    async () => {
      const { api, app, events, storePayment } = await scenario();
      const path = storePayment('6006');
      api.fail(path, 'malformed-json', 'malformed-json');
      expect(answerOf(await send(app, paymentWebhook('6006')))).toEqual([502, 'API_UNAVAILABLE']);
      expect(events).toHaveLength(0);
    },
  );
});

describe('API 404, 401 and signature failures', () => {
  it.concurrent('emits the event when a 404 right after creation turns into 200 on the retry', async () => {
    const { api, app, events, storePayment } = await scenario();
    const path = storePayment('7001');
    api.fail(path, { status: 404 });
    expect(answerOf(await send(app, paymentWebhook('7001')))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['payment.approved', '7001']]);
    expect(api.readsOf(path)).toBe(2);
  });

  it.concurrent(
    'responds 404 RESOURCE_NOT_FOUND and emits nothing when the API answers 404 twice',
    async () => {
      const { api, app, events } = await scenario();
      expect(answerOf(await send(app, paymentWebhook('7002')))).toEqual([404, 'RESOURCE_NOT_FOUND']);
      expect(events).toHaveLength(0);
      expect(api.readsOf(paymentPath('7002'))).toBe(2);
    },
  );

  it.concurrent(
    'responds 404 RESOURCE_NOT_FOUND and emits nothing for an IPN about a payment the API does not know',
    async () => {
      const { api, app, events } = await scenario();
      expect(answerOf(await send(app, ipnDelivery('payment', '7003')))).toEqual([404, 'RESOURCE_NOT_FOUND']);
      expect(events).toHaveLength(0);
      expect(api.readsOf(paymentPath('7003'))).toBe(2);
    },
  );

  it.concurrent(
    'responds 502 API_UNAUTHORIZED after a single read when the API refuses the token, without echoing it',
    async () => {
      const { api, app, events, storePayment } = await scenario({ accessToken: 'APP_USR-revoked-token' });
      const path = storePayment('7004');
      const res = await send(app, paymentWebhook('7004'));
      expect(answerOf(res)).toEqual([502, 'API_UNAUTHORIZED']);
      expect(res.text).not.toContain('APP_USR-revoked-token');
      expect(events).toHaveLength(0);
      expect(api.readsOf(path)).toBe(1);
    },
  );

  const tsNow = Math.floor(Date.now() / 1000);
  const brokenSignatures: Array<[string, (d: OutgoingDelivery) => OutgoingDelivery, string]> = [
    [
      'the v1 hash was made with another secret',
      (d) =>
        withHeaders(d, {
          'x-signature': signNotification({
            secret: 'another-secret',
            dataId: '8001',
            requestId: d.headers['x-request-id'] ?? '',
            ts: tsNow,
          }),
        }),
      'SIGNATURE_MISMATCH',
    ],
    [
      'one byte of the v1 hash is flipped',
      (d) => {
        const header = d.headers['x-signature'] ?? '';
        const last = header.slice(-1) === '0' ? '1' : '0';
        return withHeaders(d, { 'x-signature': `${header.slice(0, -1)}${last}` });
      },
      'SIGNATURE_MISMATCH',
    ],
    [
      'the x-signature header is missing',
      (d) => withHeaders(d, { 'x-signature': undefined }),
      'SIGNATURE_MISSING',
    ],
    [
      'the x-signature header has no v1',
      (d) => withHeaders(d, { 'x-signature': `ts=${tsNow}` }),
      'SIGNATURE_MALFORMED',
    ],
    [
      'the data.id in the query is not the signed one',
      (d) => ({ ...d, query: { ...d.query, 'data.id': '8002' } }),
      'SIGNATURE_MISMATCH',
    ],
  ];

  it.concurrent.each(brokenSignatures)(
    'responds 401 without reading the API when %s',
    async (_label, breakIt, code) => {
      const { api, app, events, storePayment } = await scenario();
      storePayment('8001');
      storePayment('8002');
      expect(answerOf(await send(app, breakIt(paymentWebhook('8001'))))).toEqual([401, code]);
      expect(api.requests).toHaveLength(0);
      expect(events).toHaveLength(0);
    },
  );
});
