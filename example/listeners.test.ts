// Testing your listeners: copy this file next to your app. Your real app (./app.ts) reads resources from a fake
// Mercado Pago API on 127.0.0.1, and each test posts a delivery built exactly as Mercado Pago sends it (signed,
// with the query Mercado Pago appends). Runs with jest + supertest; no network, no credentials.
import request from 'supertest';
import {
  buildDelivery,
  startFakeMercadoPagoApi,
  type BuiltDelivery,
  type FakeMercadoPagoApi,
} from 'mercadopago-notifications/testing';
import { createExampleApp } from './app.js';

const SECRET = 'test-webhook-secret';
const ACCESS_TOKEN = 'TEST-access-token';
const WEBHOOKS = '/mercadopago/webhooks';

let api: FakeMercadoPagoApi;
beforeAll(async () => {
  api = await startFakeMercadoPagoApi({ accessTokens: [ACCESS_TOKEN] });
});
afterAll(() => api.close());

/** Your app, pointed at the fake API, with what it logs. */
function startApp() {
  const logged: string[] = [];
  const { app } = createExampleApp({
    secret: SECRET,
    accessToken: ACCESS_TOKEN,
    apiBaseUrl: api.url,
    log: (line) => void logged.push(line),
  });
  const post = (delivery: BuiltDelivery) =>
    request(app).post(delivery.path).set(delivery.headers).send(delivery.body);
  return { post, logged };
}

function setPayment(id: string, status: string, lastUpdated: string): void {
  api.set(`/v1/payments/${id}`, {
    id: Number(id),
    status,
    status_detail: status === 'approved' ? 'accredited' : 'pending_waiting_payment',
    date_last_updated: lastUpdated,
    external_reference: 'order-1001',
    transaction_amount: 1500,
    currency_id: 'ARS',
  });
}

it('fulfils the order when the payment is approved', async () => {
  const { post, logged } = startApp();
  setPayment('123', 'approved', '2026-03-10T12:05:00.000-03:00');
  await post(buildDelivery({ topic: 'payment', resourceId: '123', secret: SECRET, path: WEBHOOKS })).expect(
    200,
  );
  expect(logged).toContain('[payment.approved] fulfil order order-1001: 1500 ARS paid');
});

it('fulfils nothing while the payment is pending, and fulfils once it is approved', async () => {
  const { post, logged } = startApp();
  const fulfilled = () => logged.filter((line) => line.startsWith('[payment.approved]'));
  setPayment('124', 'pending', '2026-03-10T12:00:00.000-03:00');
  await post(buildDelivery({ topic: 'payment', resourceId: '124', secret: SECRET, path: WEBHOOKS })).expect(
    200,
  );
  expect(fulfilled()).toEqual([]);
  setPayment('124', 'approved', '2026-03-10T12:05:00.000-03:00');
  await post(buildDelivery({ topic: 'payment', resourceId: '124', secret: SECRET, path: WEBHOOKS })).expect(
    200,
  );
  expect(fulfilled()).toHaveLength(1);
});

it('fulfils once when the Webhook, its IPN copy and a resend all arrive', async () => {
  const { post, logged } = startApp();
  setPayment('125', 'approved', '2026-03-10T12:05:00.000-03:00');
  const webhook = buildDelivery({ topic: 'payment', resourceId: '125', secret: SECRET, path: WEBHOOKS });
  const ipn = buildDelivery({
    topic: 'payment',
    resourceId: '125',
    channel: 'ipn',
    path: '/mercadopago/ipn',
    requestId: webhook.headers['x-request-id'] ?? null,
  });
  await post(webhook).expect(200);
  await post(ipn).expect(200);
  await post(webhook).expect(200);
  expect(logged.filter((line) => line.startsWith('[payment.approved]'))).toHaveLength(1);
});

it('answers 401 to a delivery signed with another secret, and fulfils nothing', async () => {
  const { post, logged } = startApp();
  setPayment('126', 'approved', '2026-03-10T12:05:00.000-03:00');
  const forged = buildDelivery({ topic: 'payment', resourceId: '126', secret: 'guessed', path: WEBHOOKS });
  await post(forged).expect(401);
  expect(logged.filter((line) => line.startsWith('[payment.approved]'))).toEqual([]);
  expect(logged).toContainEqual(expect.stringMatching(/^\[error\] SIGNATURE_MISMATCH \(401\)/));
});

it('asks for documentation when a chargeback opens', async () => {
  const { post, logged } = startApp();
  // Chargeback ids exceed 2^53: serve the JSON text so the fake API keeps every digit, as the real one does.
  const id = '233000061680860123';
  api.set(
    `/v1/chargebacks/${id}`,
    `{"id":${id},"documentation_status":"pending","date_created":"2026-03-12T09:00:00Z","date_last_updated":"2026-03-12T09:00:00Z"}`,
  );
  const delivery = buildDelivery({
    topic: 'topic_chargebacks_wh',
    resourceId: id,
    secret: SECRET,
    path: WEBHOOKS,
  });
  await post(delivery).expect(200);
  expect(logged).toContain(`[chargeback.opened] chargeback ${id} opened: send documentation`);
});
