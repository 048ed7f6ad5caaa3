import { randomUUID } from 'node:crypto';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  fromFixture,
  send,
  signedWebhook,
  walletConnectBody,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, clockFor, loadDelivery, loadResource } from '../helpers/fixtures.js';

// ---- local helpers -------------------------------------------------------------------------------------

const api = useFakeApi();

function options(extra: Partial<MercadoPagoNotificationsOptions> = {}): MercadoPagoNotificationsOptions {
  return apiOptions(api, { handlerTimeoutMs: 1_000, ...extra });
}

/** A webhook whose x-signature was computed over the lowercased data.id, as the Orders/QR docs instruct. */
function signedOverLowercaseId(dataId: string, type: string): OutgoingDelivery {
  const requestId = randomUUID();
  const delivery = signedWebhook({ secret: FIXTURE_SECRET, dataId, type, requestId });
  const signature = signNotification({ secret: FIXTURE_SECRET, dataId: dataId.toLowerCase(), requestId });
  return { ...delivery, headers: { ...delivery.headers, 'x-signature': signature } };
}

/** An unsigned Wallet Connect delivery: the documented body alone, no query and no x-signature. */
function unsignedWalletConnect(agreementId: string): OutgoingDelivery {
  return {
    path: '/mp/wallet-connect',
    query: {},
    headers: { 'content-type': 'application/json', 'user-agent': 'MercadoPago WebHook v1.0 wallet_connect' },
    body: JSON.stringify(walletConnectBody(agreementId, 'confirmed_by_user')),
  };
}

const AGREEMENT_ID = '22abcd1235ed497f945f755fcaba3c6c';
const AGREEMENT_PATH = `/v2/wallet_connect/agreements/${AGREEMENT_ID}`;
const CHARGEBACK_ID = '233000061680860123';
const CHARGEBACK_PATH = `/v1/chargebacks/${CHARGEBACK_ID}`;

// ---- tests ---------------------------------------------------------------------------------------------

describe('merchant orders', () => {
  const closed = loadResource('merchant-order-closed').resource;

  it('emits merchant_order.opened verified by the API for the IPN merchant_order fixture', async () => {
    api.set('/merchant_orders/36670513876', {
      ...closed,
      id: 36670513876,
      status: 'opened',
      order_status: 'payment_required',
    });
    const { app, events } = createApp(options());
    const res = await send(app, fromFixture(loadDelivery('ipn-merchant-order-feed'), '/mp/ipn'));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy, e.delivery.channel])).toEqual([
      ['merchant_order.opened', '36670513876', 'api', 'ipn'],
    ]);
    expect(api.readsOf('/merchant_orders/36670513876')).toBe(1);
  });

  it('emits merchant_order.closed verified by signature+api for the topic_merchant_order_wh fixture', async () => {
    api.set('/merchant_orders/23603350837', { ...closed, id: 23603350837, status: 'closed' });
    const { app, events } = createApp(options());
    const res = await send(app, fromFixture(loadDelivery('webhook-topic-merchant-order-wh-closed')));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['merchant_order.closed', '23603350837', 'signature+api'],
    ]);
    expect(events[0]?.resource).toMatchObject({ id: 23603350837, status: 'closed' });
  });
});

describe('chargebacks', () => {
  const created = loadResource('chargeback').resource;

  it('emits chargeback.opened on first sight and chargeback.updated after a later change of the same chargeback', async () => {
    api.set(CHARGEBACK_PATH, created);
    const { app, events } = createApp(options());
    expect(answerOf(await send(app, fromFixture(loadDelivery('webhook-chargebacks-wh'))))).toEqual([
      200,
      undefined,
    ]);

    api.set(CHARGEBACK_PATH, {
      ...created,
      documentation_status: 'review_pending',
      date_last_updated: '2024-07-08T12:00:00.000-04:00',
    });
    expect(answerOf(await send(app, fromFixture(loadDelivery('ipn-chargebacks'), '/mp/ipn')))).toEqual([
      200,
      undefined,
    ]);

    expect(events.map((e) => [e.name, e.resourceId])).toEqual([
      ['chargeback.opened', CHARGEBACK_ID],
      ['chargeback.updated', CHARGEBACK_ID],
    ]);
    expect(api.requests.map((r) => r.path)).toEqual([CHARGEBACK_PATH, CHARGEBACK_PATH]);
  });

  it('emits chargeback.opened for a chargeback first seen after it already changed, then chargeback.updated', async () => {
    api.set(CHARGEBACK_PATH, {
      ...created,
      documentation_status: 'review_pending',
      date_last_updated: '2024-07-05T09:00:00.000-04:00',
    });
    const { app, events } = createApp(options());
    const first = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: CHARGEBACK_ID,
      type: 'topic_chargebacks_wh',
    });
    expect(answerOf(await send(app, first))).toEqual([200, undefined]);

    api.set(CHARGEBACK_PATH, {
      ...created,
      documentation_status: 'valid',
      date_last_updated: '2024-07-09T09:00:00.000-04:00',
    });
    const second = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: CHARGEBACK_ID,
      type: 'topic_chargebacks_wh',
    });
    expect(answerOf(await send(app, second))).toEqual([200, undefined]);

    expect(events.map((e) => e.name)).toEqual(['chargeback.opened', 'chargeback.updated']);
  });
});

describe('Orders API', () => {
  it.each(['cancelled', 'canceled'])('emits order.canceled when the order status is %s', async (status) => {
    const id = `ORD01JV3AW3NFSTSTB669F41CANC${status === 'cancelled' ? 'L' : 'N'}`;
    api.set(`/v1/orders/${id}`, { id, status, status_detail: status, version: 3 });
    const { app, events } = createApp(options());
    expect(
      answerOf(await send(app, signedWebhook({ secret: FIXTURE_SECRET, dataId: id, type: 'order' }))),
    ).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['order.canceled', id]]);
  });

  it('accepts an uppercase ORD id signed lowercased (fixture) and reads the API with the id as received', async () => {
    const order = loadResource('order-processed').resource;
    const id = 'ORD01JV3AW3NFSTSTB669F41NACDX';
    api.set(`/v1/orders/${id}`, order);
    const { app, events } = createApp(options());
    const res = await send(app, fromFixture(loadDelivery('webhook-order-processed-lowercase-signed')));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['order.processed', id, 'signature+api'],
    ]);
    expect(api.requests.map((r) => r.path)).toEqual([`/v1/orders/${id}`]);
  });

  it.each([
    ['as received', (id: string) => signedWebhook({ secret: FIXTURE_SECRET, dataId: id, type: 'order' })],
    ['lowercased', (id: string) => signedOverLowercaseId(id, 'order')],
  ])(
    'accepts an uppercase ORD id signed %s and reads the API with the id as received',
    async (_label, build) => {
      const id = 'ORD01KA7ZQ2M4XYTESTUPPERCASE9';
      api.set(`/v1/orders/${id}`, { id, status: 'processed', status_detail: 'accredited', version: 2 });
      const { app, events } = createApp(options());
      expect(answerOf(await send(app, build(id)))).toEqual([200, undefined]);
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([['order.processed', id]]);
      expect(api.requests.map((r) => r.path)).toEqual([`/v1/orders/${id}`]);
    },
  );
});

describe('Wallet Connect', () => {
  const confirmed = loadResource('wallet-connect-agreement-confirmed').resource;

  it.each([
    ['webhook-wallet-connect-agreement-confirmed', 'confirmed_by_user', 'agreement.confirmed'],
    ['webhook-wallet-connect-agreement-cancelled', 'cancelled', 'agreement.cancelled'],
    [
      'webhook-wallet-connect-payment-method-updated',
      'confirmed_by_user',
      'agreement.payment_method_updated',
    ],
  ])('emits the right agreement event for %s (agreement %s)', async (fixture, status, name) => {
    api.set(AGREEMENT_PATH, { ...confirmed, status });
    const delivery = loadDelivery(fixture);
    const { app, events } = createApp(options({ now: () => clockFor(delivery) }));
    const res = await send(app, fromFixture(delivery, '/mp/wallet-connect'));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy, e.delivery.channel])).toEqual([
      [name, AGREEMENT_ID, 'signature+api', 'wallet_connect'],
    ]);
    expect(events[0]?.resource).toMatchObject({ id: AGREEMENT_ID, status });
  });

  it('emits agreement.confirmed verified by the API for an unsigned Wallet Connect body', async () => {
    api.set(AGREEMENT_PATH, confirmed);
    const { app, events } = createApp(options());
    expect(answerOf(await send(app, unsignedWalletConnect(AGREEMENT_ID)))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy, e.delivery.channel])).toEqual([
      ['agreement.confirmed', AGREEMENT_ID, 'api', 'wallet_connect'],
    ]);
    expect(api.readsOf(AGREEMENT_PATH)).toBe(1);
  });

  it('responds 404 RESOURCE_NOT_FOUND and emits nothing for an unsigned Wallet Connect body about an unknown agreement', async () => {
    const { app, events } = createApp(options());
    expect(answerOf(await send(app, unsignedWalletConnect('99ffee00000000000000000000000000')))).toEqual([
      404,
      'RESOURCE_NOT_FOUND',
    ]);
    expect(events).toHaveLength(0);
  });
});

describe('unhandled notifications', () => {
  it('emits notification.unhandled with isKnownTopic true and the resource for a payment in an unknown status', async () => {
    const resource = {
      id: 9601,
      status: 'in_limbo',
      status_detail: 'new_detail',
      date_last_updated: '2026-01-02T10:00:00.000-04:00',
    };
    api.set('/v1/payments/9601', resource);
    const { app, events } = createApp(options());
    expect(
      answerOf(await send(app, signedWebhook({ secret: FIXTURE_SECRET, dataId: '9601', type: 'payment' }))),
    ).toEqual([200, undefined]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'notification.unhandled',
      isKnownTopic: true,
      resourceId: '9601',
      resource,
      verifiedBy: 'signature+api',
    });
  });

  it('emits notification.unhandled with isKnownTopic false, without reading the API, for an unknown signed topic', async () => {
    const { app, events } = createApp(options());
    const delivery = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: '9602',
      type: 'topic_brand_new_feature_wh',
    });
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'notification.unhandled',
      isKnownTopic: false,
      resourceId: '9602',
      resource: undefined,
      verifiedBy: 'signature',
      delivery: { topic: 'topic_brand_new_feature_wh', channel: 'webhook' },
    });
    expect(api.requests).toHaveLength(0);
  });
});
