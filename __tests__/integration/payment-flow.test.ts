import { createApp } from '../helpers/app.js';
import { fromFixture, ipnDelivery, paymentWebhook, send } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { loadDelivery, loadResource, resourcePath } from '../helpers/fixtures.js';
import { sleep } from '../helpers/timing.js';

const FIXTURE_NOW_MS = 1766237532_000 + 5_000;

const api = useFakeApi();

describe('payment notifications', () => {
  it('emits payment.approved verified by signature+api for the production webhook fixture', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const { app, events } = createApp(apiOptions(api, { now: () => FIXTURE_NOW_MS }));
    await send(app, fromFixture(loadDelivery('webhook-payment-created'))).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy, e.resourceId])).toEqual([
      ['payment.approved', 'signature+api', '138095816241'],
    ]);
    expect(api.readsOf('/v1/payments/138095816241')).toBe(1);
  });

  it('emits one event for the Webhook and IPN copies of one change', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const { app, events } = createApp(apiOptions(api, { now: () => FIXTURE_NOW_MS }));
    await send(app, fromFixture(loadDelivery('webhook-payment-created'))).expect(200);
    await send(app, fromFixture(loadDelivery('ipn-payment-feed'), '/mp/ipn')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('emits pending then approved when the payment changes state', async () => {
    const { app, events } = createApp(apiOptions(api));
    storePayment(api, '42', 'pending', 'pending_waiting_payment', 'a');
    await send(app, paymentWebhook('42')).expect(200);
    storePayment(api, '42', 'approved', 'accredited', 'b');
    await send(app, paymentWebhook('42')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.pending', 'payment.approved']);
  });

  it('verifies an IPN only through the API', async () => {
    const { app, events } = createApp(apiOptions(api));
    await send(app, ipnDelivery('payment', '777')).expect(404);
    expect(events).toHaveLength(0);
    api.set('/v1/payments/777', { id: 777, status: 'approved', status_detail: 'accredited' });
    await send(app, ipnDelivery('payment', '777')).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'api']]);
  });

  it('runs listeners once and reads the API once for 20 concurrent copies', async () => {
    api.set('/v1/payments/9', { id: 9, status: 'approved', status_detail: 'accredited' });
    const { app, mp } = createApp(apiOptions(api));
    let runs = 0;
    mp.on('payment.approved', async () => {
      runs++;
      await sleep(50);
    });
    const delivery = paymentWebhook('9');
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(app, delivery)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(runs).toBe(1);
    expect(api.readsOf('/v1/payments/9')).toBe(1);
  });
});
