import { createServer } from 'node:net';
import {
  startFakeMercadoPagoApi,
  type FakeApiFault,
  type FakeMercadoPagoApi,
} from '../../src/testing/fake-api.js';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  ipnDelivery,
  paymentWebhook,
  send,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { TOKEN, apiOptions, storePayment } from '../helpers/fake-api.js';
import { sleep } from '../helpers/timing.js';

// ---- local helpers -------------------------------------------------------------------------------------

/** A port on 127.0.0.1 with nothing listening: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return port;
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
  // Small budgets keep the suite fast: one read may take 500 ms, listeners 1 s.
  const options = apiOptions(api, { fetchTimeoutMs: 500, handlerTimeoutMs: 1_000, ...extra });
  return { api, ...createApp(options) };
}

/**
 * Sends the webhook of payment `id` to a fresh scenario whose first reads of that payment meet `faults`;
 * resolves with the answer, the emitted events and how many reads the API saw.
 */
async function sendWithFaults(
  id: string,
  faults: FakeApiFault[],
  extra: Partial<MercadoPagoNotificationsOptions> = {},
) {
  const { api, app, events } = await scenario(extra);
  const path = storePayment(api, id);
  api.fail(path, ...faults);
  const answer = answerOf(await send(app, paymentWebhook(id)));
  return { answer, events, reads: api.readsOf(path) };
}

// ---- tests ---------------------------------------------------------------------------------------------

describe('API 5xx and 429', () => {
  it.concurrent(
    'emits the event when the API answers 503 once and recovers on the retry within the same delivery',
    async () => {
      const { answer, events, reads } = await sendWithFaults('5001', [{ status: 503 }]);
      expect(answer).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      expect(reads).toBe(2);
    },
  );

  it.concurrent(
    'responds 502 API_UNAVAILABLE and emits nothing when the API answers 503 twice, then emits on the redelivery',
    async () => {
      const { api, app, events } = await scenario();
      const path = storePayment(api, '5002');
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
    const { api, app, events } = await scenario();
    const path = storePayment(api, '5003');
    api.fail(path, { status: 429, headers: { 'retry-after': '1' } });
    const answer = send(app, paymentWebhook('5003')).then((res) => res);
    await sleep(600); // past the default retry pause, well before the 1 s the API asked for
    expect(api.readsOf(path)).toBe(1);
    expect(answerOf(await answer)).toEqual([200, undefined]);
    expect(api.readsOf(path)).toBe(2);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it.concurrent('responds 502 API_UNAVAILABLE and emits nothing when the API answers 429 twice', async () => {
    const tooMany = { status: 429, headers: { 'retry-after': '0' } };
    const { answer, events, reads } = await sendWithFaults('5004', [tooMany, tooMany]);
    expect(answer).toEqual([502, 'API_UNAVAILABLE']);
    expect(events).toHaveLength(0);
    expect(reads).toBe(2);
  });
});

describe('API timeouts and network errors', () => {
  // Well past fetchTimeoutMs (400 ms), which leaves a loaded CI machine room for the normal read.
  const slow: FakeApiFault = { delayMs: 1_500 };

  it.concurrent.each<
    [string, string, FakeApiFault[], Partial<MercadoPagoNotificationsOptions>, [number, string]]
  >([
    [
      'responds 504 API_TIMEOUT and emits nothing when both reads take longer than fetchTimeoutMs',
      '6001',
      [slow, slow],
      { fetchTimeoutMs: 400 },
      [504, 'API_TIMEOUT'],
    ],
    [
      'responds 502 API_UNAVAILABLE and emits nothing when the API resets the connection twice',
      '6003',
      ['reset', 'reset'],
      {},
      [502, 'API_UNAVAILABLE'],
    ],
    [
      'responds 502 API_UNAVAILABLE and emits nothing when the API answers malformed JSON twice',
      '6006',
      ['malformed-json', 'malformed-json'],
      {},
      [502, 'API_UNAVAILABLE'],
    ],
  ])('%s', async (_title, id, faults, extra, expected) => {
    const { answer, events, reads } = await sendWithFaults(id, faults, extra);
    expect(answer).toEqual(expected);
    expect(events).toHaveLength(0);
    expect(reads).toBe(2);
  });

  it.concurrent.each<[string, string, FakeApiFault, Partial<MercadoPagoNotificationsOptions>]>([
    [
      'emits the event when only the first read takes longer than fetchTimeoutMs',
      '6002',
      slow,
      { fetchTimeoutMs: 400 },
    ],
    ['emits the event when the API resets the connection once', '6004', 'reset', {}],
  ])('%s', async (_title, id, fault, extra) => {
    const { answer, events, reads } = await sendWithFaults(id, [fault], extra);
    expect(answer).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(reads).toBe(2);
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
});

describe('API 404, 401 and signature failures', () => {
  it.concurrent('emits the event when a 404 right after creation turns into 200 on the retry', async () => {
    const { answer, events, reads } = await sendWithFaults('7001', [{ status: 404 }]);
    expect(answer).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['payment.approved', '7001']]);
    expect(reads).toBe(2);
  });

  it.concurrent(
    'responds 404 RESOURCE_NOT_FOUND and emits nothing when the API answers 404 twice',
    async () => {
      const { api, app, events } = await scenario();
      expect(answerOf(await send(app, paymentWebhook('7002')))).toEqual([404, 'RESOURCE_NOT_FOUND']);
      expect(events).toHaveLength(0);
      expect(api.readsOf('/v1/payments/7002')).toBe(2);
    },
  );

  it.concurrent(
    'responds 404 RESOURCE_NOT_FOUND and emits nothing for an IPN about a payment the API does not know',
    async () => {
      const { api, app, events } = await scenario();
      expect(answerOf(await send(app, ipnDelivery('payment', '7003')))).toEqual([404, 'RESOURCE_NOT_FOUND']);
      expect(events).toHaveLength(0);
      expect(api.readsOf('/v1/payments/7003')).toBe(2);
    },
  );

  it.concurrent(
    'responds 404 RESOURCE_NOT_FOUND, reporting API_UNAUTHORIZED, after a single read when the API refuses the token, without echoing it',
    async () => {
      const { api, app, events, errors } = await scenario({ accessToken: 'APP_USR-revoked-token' });
      const path = storePayment(api, '7004');
      const res = await send(app, paymentWebhook('7004'));
      expect(answerOf(res)).toEqual([404, 'RESOURCE_NOT_FOUND']);
      expect(errors.map((e) => e.error.code)).toEqual(['API_UNAUTHORIZED']);
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
      const { api, app, events } = await scenario();
      storePayment(api, '8001');
      storePayment(api, '8002');
      expect(answerOf(await send(app, breakIt(paymentWebhook('8001'))))).toEqual([401, code]);
      expect(api.requests).toHaveLength(0);
      expect(events).toHaveLength(0);
    },
  );
});
