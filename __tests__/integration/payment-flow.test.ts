import { startFakeMercadoPagoApi, type FakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import { createApp } from '../helpers/app.js';
import { fromFixture, ipnDelivery, send, signedWebhook } from '../helpers/deliveries.js';
import { FIXTURE_SECRET, loadDelivery, loadResource, resourcePath } from '../helpers/fixtures.js';

const TOKEN = 'APP_USR-test-token';
const FIXTURE_NOW_MS = 1766237532_000 + 5_000;

let api: FakeMercadoPagoApi;
beforeAll(async () => {
  api = await startFakeMercadoPagoApi({ accessTokens: [TOKEN] });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

describe('payment notifications', () => {
  it('emits payment.approved verified by signature+api for the production webhook fixture', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const { app, events } = createApp({
      secret: FIXTURE_SECRET,
      accessToken: TOKEN,
      apiBaseUrl: api.url,
      now: () => FIXTURE_NOW_MS,
    });
    await send(app, fromFixture(loadDelivery('webhook-payment-created'))).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy, e.resourceId])).toEqual([
      ['payment.approved', 'signature+api', '138095816241'],
    ]);
    expect(api.readsOf('/v1/payments/138095816241')).toBe(1);
  });

  it('emits one event for the Webhook and IPN copies of one change', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const { app, events } = createApp({
      secret: FIXTURE_SECRET,
      accessToken: TOKEN,
      apiBaseUrl: api.url,
      now: () => FIXTURE_NOW_MS,
    });
    await send(app, fromFixture(loadDelivery('webhook-payment-created'))).expect(200);
    await send(app, fromFixture(loadDelivery('ipn-payment-feed'), '/mp/ipn')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('emits pending then approved when the payment changes state', async () => {
    const { app, events } = createApp({ secret: FIXTURE_SECRET, accessToken: TOKEN, apiBaseUrl: api.url });
    api.set('/v1/payments/42', {
      id: 42,
      status: 'pending',
      status_detail: 'pending_waiting_payment',
      date_last_updated: 'a',
    });
    await send(app, signedWebhook({ secret: FIXTURE_SECRET, dataId: '42', type: 'payment' })).expect(200);
    api.set('/v1/payments/42', {
      id: 42,
      status: 'approved',
      status_detail: 'accredited',
      date_last_updated: 'b',
    });
    await send(app, signedWebhook({ secret: FIXTURE_SECRET, dataId: '42', type: 'payment' })).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.pending', 'payment.approved']);
  });

  it('verifies an IPN only through the API', async () => {
    const { app, events } = createApp({ secret: FIXTURE_SECRET, accessToken: TOKEN, apiBaseUrl: api.url });
    await send(app, ipnDelivery('payment', '777')).expect(404);
    expect(events).toHaveLength(0);
    api.set('/v1/payments/777', { id: 777, status: 'approved', status_detail: 'accredited' });
    await send(app, ipnDelivery('payment', '777')).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'api']]);
  });

  it('runs listeners once and reads the API once for 20 concurrent copies', async () => {
    api.set('/v1/payments/9', { id: 9, status: 'approved', status_detail: 'accredited' });
    const { app, mp } = createApp({ secret: FIXTURE_SECRET, accessToken: TOKEN, apiBaseUrl: api.url });
    let runs = 0;
    mp.on('payment.approved', async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 50));
    });
    const delivery = signedWebhook({ secret: FIXTURE_SECRET, dataId: '9', type: 'payment' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(app, delivery)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(runs).toBe(1);
    expect(api.readsOf('/v1/payments/9')).toBe(1);
  });
});
