// Plans and Subscriptions: subscription_preapproval (legacy IPN preapproval), subscription_authorized_payment
// (legacy IPN authorized_payment) and subscription_preapproval_plan, through the real router and the fake API.
import { randomUUID } from 'node:crypto';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  fromFixture,
  ipnDelivery,
  send,
  signedWebhook,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery, loadResource, resourcePath } from '../helpers/fixtures.js';
import { PLAN_ID, PLAN_PATH, plan } from '../helpers/resources.js';

const api = useFakeApi();

function options(extra: Partial<MercadoPagoNotificationsOptions> = {}): MercadoPagoNotificationsOptions {
  return apiOptions(api, { handlerTimeoutMs: 1_000, ...extra });
}

/** A subscription Webhook as public receivers see it: `entity`, `date`, a version and a bare or dotted action. */
function subscriptionWebhook(type: string, id: string, entity: string, action = 'updated'): OutgoingDelivery {
  return signedWebhook({
    secret: FIXTURE_SECRET,
    dataId: id,
    type,
    body: {
      action,
      application_id: 6245132082630004,
      data: { id },
      date: '2026-05-02T14:03:11Z',
      entity,
      id: randomUUID(),
      type,
      version: 8,
    },
  });
}

const preapproval = loadResource('preapproval-authorized');
const PREAPPROVAL_ID = '2c938084726fca480172750000000000';
const PREAPPROVAL_PATH = resourcePath(preapproval);
const invoice = loadResource('authorized-payment-processed');
const INVOICE_ID = '7001234567';
const INVOICE_PATH = resourcePath(invoice);

describe('subscriptions (preapproval)', () => {
  it.each([
    ['pending', 'subscription.pending'],
    ['authorized', 'subscription.authorized'],
    ['paused', 'subscription.paused'],
    ['cancelled', 'subscription.cancelled'],
    ['canceled', 'subscription.cancelled'],
  ])('emits %s as %s, read from /preapproval/{id}', async (status, name) => {
    api.set(PREAPPROVAL_PATH, { ...preapproval.resource, status });
    const { app, events } = createApp(options());
    const res = await send(
      app,
      subscriptionWebhook('subscription_preapproval', PREAPPROVAL_ID, 'preapproval'),
    );
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      [name, PREAPPROVAL_ID, 'signature+api'],
    ]);
    expect(events[0]?.resource).toMatchObject({ id: PREAPPROVAL_ID, status });
    expect(api.requests.map((r) => r.path)).toEqual([PREAPPROVAL_PATH]);
  });

  it('names the event from the read, not from the action: a dotted created action on a cancelled subscription', async () => {
    api.set(PREAPPROVAL_PATH, loadResource('preapproval-cancelled').resource);
    const { app, events } = createApp(options());
    const delivery = subscriptionWebhook(
      'subscription_preapproval',
      PREAPPROVAL_ID,
      'preapproval',
      'subscription_preapproval.created',
    );
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.delivery.action])).toEqual([
      ['subscription.cancelled', 'subscription_preapproval.created'],
    ]);
  });

  it('emits subscription.authorized verified by the API for the legacy IPN preapproval', async () => {
    api.set(PREAPPROVAL_PATH, preapproval.resource);
    const { app, events } = createApp(options());
    const res = await send(app, ipnDelivery('preapproval', PREAPPROVAL_ID));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy, e.delivery.channel])).toEqual([
      ['subscription.authorized', PREAPPROVAL_ID, 'api', 'ipn'],
    ]);
  });

  it('takes the id of a legacy IPN preapproval from the resource URL of its body when the query has none', async () => {
    api.set(PREAPPROVAL_PATH, preapproval.resource);
    const { app, events } = createApp(options());
    const ipn = ipnDelivery('preapproval', PREAPPROVAL_ID);
    const bodyOnly: OutgoingDelivery = {
      ...ipn,
      query: {},
      body: JSON.stringify({
        resource: `https://api.mercadopago.com/preapproval/${PREAPPROVAL_ID}`,
        topic: 'preapproval',
      }),
    };
    expect(answerOf(await send(app, bodyOnly))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['subscription.authorized', PREAPPROVAL_ID]]);
  });

  it('emits one event for the Webhook and IPN copies of one state, and a new one when the status changes', async () => {
    api.set(PREAPPROVAL_PATH, preapproval.resource);
    const { app, events } = createApp(options());
    await send(app, fromFixture(loadDelivery('webhook-subscription-preapproval-updated'))).expect(200);
    await send(app, ipnDelivery('preapproval', PREAPPROVAL_ID, undefined, '/mp/ipn')).expect(200);
    api.set(PREAPPROVAL_PATH, {
      ...preapproval.resource,
      status: 'paused',
      last_modified: '2026-06-10T10:00:00.000-04:00',
    });
    await send(app, subscriptionWebhook('subscription_preapproval', PREAPPROVAL_ID, 'preapproval')).expect(
      200,
    );
    expect(events.map((e) => e.name)).toEqual(['subscription.authorized', 'subscription.paused']);
    expect(api.readsOf(PREAPPROVAL_PATH)).toBe(3);
  });

  it('emits notification.unhandled with isKnownTopic true for a status without an event name', async () => {
    api.set(PREAPPROVAL_PATH, { ...preapproval.resource, status: 'finished' });
    const { app, events } = createApp(options());
    await send(app, subscriptionWebhook('subscription_preapproval', PREAPPROVAL_ID, 'preapproval')).expect(
      200,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'notification.unhandled',
      isKnownTopic: true,
      resource: { status: 'finished' },
    });
  });
});

describe('subscription charges (authorized_payment)', () => {
  it.each(['scheduled', 'processed', 'recycling', 'cancelled'])(
    'emits subscription_payment.%s, read from /authorized_payments/{id}',
    async (status) => {
      api.set(INVOICE_PATH, { ...invoice.resource, status });
      const { app, events } = createApp(options());
      const delivery = subscriptionWebhook(
        'subscription_authorized_payment',
        INVOICE_ID,
        'authorized_payment',
      );
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([
        [`subscription_payment.${status}`, INVOICE_ID],
      ]);
      expect(api.requests.map((r) => r.path)).toEqual([INVOICE_PATH]);
    },
  );

  it('emits subscription_payment.processed verified by the API for the legacy IPN authorized_payment', async () => {
    api.set(INVOICE_PATH, invoice.resource);
    const { app, events } = createApp(options());
    expect(answerOf(await send(app, ipnDelivery('authorized_payment', INVOICE_ID)))).toEqual([
      200,
      undefined,
    ]);
    expect(events.map((e) => [e.name, e.verifiedBy, e.delivery.topic])).toEqual([
      ['subscription_payment.processed', 'api', 'authorized_payment'],
    ]);
    expect(events[0]?.resource).toMatchObject({ payment: { status: 'approved' } });
  });

  it('emits subscription_payment.recycling again for each retry of a charge that stays recycling', async () => {
    const recycling = { ...invoice.resource, status: 'recycling', payment: { id: '1', status: 'rejected' } };
    api.set(INVOICE_PATH, { ...recycling, retry_attempt: 1 });
    const { app, events } = createApp(options());
    const charge = () =>
      subscriptionWebhook('subscription_authorized_payment', INVOICE_ID, 'authorized_payment');
    await send(app, charge()).expect(200);
    await send(app, charge()).expect(200); // a resend of the same attempt: no new event
    api.set(INVOICE_PATH, { ...recycling, retry_attempt: 2, payment: { id: '2', status: 'rejected' } });
    await send(app, charge()).expect(200);
    expect(events.map((e) => e.name)).toEqual([
      'subscription_payment.recycling',
      'subscription_payment.recycling',
    ]);
  });
});

describe('subscription plans (preapproval_plan)', () => {
  it.each(['active', 'inactive'])(
    'emits subscription_plan.%s, read from /preapproval_plan/{id}',
    async (status) => {
      api.set(PLAN_PATH, plan(status));
      const { app, events } = createApp(options());
      const delivery = subscriptionWebhook(
        'subscription_preapproval_plan',
        PLAN_ID,
        'preapproval_plan',
        'created',
      );
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([[`subscription_plan.${status}`, PLAN_ID]]);
      expect(api.requests.map((r) => [r.path, r.token])).toEqual([[PLAN_PATH, expect.any(String)]]);
    },
  );

  it('responds 404 RESOURCE_NOT_FOUND and emits nothing for a plan the API does not know', async () => {
    const { app, events, errors } = createApp(options());
    const delivery = subscriptionWebhook('subscription_preapproval_plan', PLAN_ID, 'preapproval_plan');
    expect(answerOf(await send(app, delivery))).toEqual([404, 'RESOURCE_NOT_FOUND']);
    expect(events).toEqual([]);
    expect(errors.map((e) => e.error.code)).toEqual(['RESOURCE_NOT_FOUND']);
  });
});
