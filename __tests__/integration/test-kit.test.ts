// The `mercadopago-notifications/testing` entry: buildDelivery against the real router (supertest) and the
// real fake API, and what the entry exports.
import request from 'supertest';
import * as main from '../../src/index.js';
import * as testing from '../../src/testing/index.js';
import { buildDelivery, type BuildDeliveryOptions, type BuiltDelivery } from '../../src/testing/index.js';
import { parseSignatureHeader, verifySignature } from '../../src/signature.js';
import { createApp } from '../helpers/app.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery } from '../helpers/fixtures.js';

const api = useFakeApi();
const post = (app: Parameters<typeof request>[0], delivery: BuiltDelivery) =>
  request(app).post(delivery.path).set(delivery.headers).send(delivery.body);

/** Whether the delivery's x-signature verifies with `secret` for its query's data.id. */
function verifies(delivery: BuiltDelivery, secret: string): boolean {
  const parsed = parseSignatureHeader(delivery.headers['x-signature']);
  if (typeof parsed === 'string') return false;
  const parts = { dataId: delivery.query['data.id'], requestId: delivery.headers['x-request-id'] };
  return verifySignature(parsed, parts, [secret]) !== undefined;
}

describe('mercadopago-notifications/testing', () => {
  it('exports the signer of the main entry, buildDelivery, the fake API and the trigger code', () => {
    expect(testing.signNotification).toBe(main.signNotification);
    expect(Object.keys(testing).sort()).toEqual([
      'DEFAULT_FAKE_API_URL',
      'buildDelivery',
      'signNotification',
      'startFakeMercadoPagoApi',
      'triggerEvent',
    ]);
  });
});

describe('buildDelivery', () => {
  it('builds a Webhook the router verifies and reads: path with the query, headers and body for supertest', async () => {
    const { app, events } = createApp(apiOptions(api));
    storePayment(api, '777');
    const delivery = buildDelivery({
      topic: 'payment',
      resourceId: '777',
      secret: FIXTURE_SECRET,
      path: '/mp/webhooks',
    });
    expect(delivery).toMatchObject({
      method: 'POST',
      path: '/mp/webhooks?data.id=777&type=payment',
      query: { 'data.id': '777', type: 'payment' },
      headers: {
        'content-type': 'application/json',
        'user-agent': 'MercadoPago WebHook v1.0 payment',
        'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
        'x-signature': expect.stringMatching(/^ts=\d{10},v1=[0-9a-f]{64}$/),
      },
    });
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'payment',
      data: { id: '777' },
      api_version: 'v1',
    });
    await post(app, delivery).expect(200);
    expect(events.map((event) => [event.name, event.verifiedBy])).toEqual([
      ['payment.approved', 'signature+api'],
    ]);
  });

  it('builds an IPN whose x-signature no secret verifies, which the router trusts only after reading the API', async () => {
    const { app, events } = createApp(apiOptions(api));
    storePayment(api, '778');
    const delivery = buildDelivery({ topic: 'payment', resourceId: '778', channel: 'ipn', path: '/mp/ipn' });
    expect(delivery.path).toBe('/mp/ipn?id=778&topic=payment');
    expect(delivery.headers['user-agent']).toBe('MercadoPago Feed v2.0 payment');
    expect(JSON.parse(delivery.body)).toEqual({
      resource: 'https://api.mercadolibre.com/collections/notifications/778',
      topic: 'payment',
    });
    expect(verifies({ ...delivery, query: { 'data.id': '778' } }, FIXTURE_SECRET)).toBe(false);
    await post(app, delivery).expect(200);
    expect(events.map((event) => [event.name, event.delivery.channel])).toEqual([
      ['payment.approved', 'ipn'],
    ]);
  });

  it('signs without x-request-id when requestId is null, at the ts given', () => {
    const delivery = buildDelivery({
      topic: 'payment',
      resourceId: '1',
      secret: 's',
      requestId: null,
      ts: 1766237532,
    });
    expect(delivery.headers['x-request-id']).toBeUndefined();
    expect(delivery.headers['x-signature']).toBe(
      main.signNotification({ secret: 's', dataId: '1', ts: 1766237532 }),
    );
  });

  it('signs the signedDataId (Orders ids lower-cased), keeps your URL’s own query first, and applies header overrides', () => {
    const delivery = buildDelivery({
      topic: 'order',
      resourceId: 'ORD01ABC',
      secret: 's',
      signedDataId: 'ord01abc',
      path: '/mp/webhooks?cliente=seller42',
      headers: { 'X-Retry': '1', 'user-agent': undefined },
    });
    expect(delivery.path).toBe('/mp/webhooks?cliente=seller42&data.id=ORD01ABC&type=order');
    expect(delivery.headers['x-retry']).toBe('1');
    expect(delivery.headers['user-agent']).toBeUndefined();
    const ts = /^ts=(\d+),/.exec(delivery.headers['x-signature'] ?? '')?.[1];
    const requestId = delivery.headers['x-request-id'];
    expect(delivery.headers['x-signature']).toBe(
      main.signNotification({ secret: 's', dataId: 'ord01abc', requestId, ts }),
    );
  });

  it.each<[string, string, unknown]>([
    ['topic_chargebacks_wh', '233000061680860123', { actions: ['changed_case_status'] }],
    ['topic_merchant_order_wh', '23603350837', { id: '23603350837', action: 'update' }],
    ['stop_delivery_op_wh', '58980959081', { id: '58980959081', action: 'Created' }],
    ['wallet_connect', '22abcd1235ed497f945f755fcaba3c6c', { entity: 'agreement', action: 'status.updated' }],
    [
      'subscription_preapproval',
      '2c938084726fca480172750000000000',
      { entity: 'preapproval', action: 'updated', data: { id: '2c938084726fca480172750000000000' } },
    ],
    ['subscription_authorized_payment', '7001234567', { entity: 'authorized_payment', version: 1 }],
    ['subscription_preapproval_plan', '2c93808472', { entity: 'preapproval_plan' }],
    ['mp-connect', '176611236', { action: 'application.authorized', user_id: 176611236 }],
    [
      'automatic-payments',
      '50000102202',
      { type: 'automatic-payments', action: 'card.updated', data: { new_card_id: 50000102202 } },
    ],
    ['point_integration_wh', 'abcdef123-8ab5', { id: 'abcdef123-8ab5', state: 'FINISHED' }],
    [
      'topic_claims_integration_wh',
      '5298154230',
      { data: { resource: '/post-purchase/v1/claims/5298154230' } },
    ],
    ['delivery', '12345', { topic: 'delivery', resource: '/shipments/12345', attempts: 1 }],
  ])('shapes the %s body as Mercado Pago does', (topic, resourceId, shape) => {
    const delivery = buildDelivery({ topic, resourceId, secret: 's' });
    expect(JSON.parse(delivery.body)).toMatchObject(shape as object);
  });

  it.each<[string, string, string]>([
    ['webhook-payment-created', 'payment', '138095816241'],
    ['webhook-topic-merchant-order-wh-closed', 'topic_merchant_order_wh', '23603350837'],
    ['webhook-chargebacks-wh', 'topic_chargebacks_wh', '233000061680860123'],
    ['webhook-order-action-required-docs', 'order', 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3'],
    ['webhook-wallet-connect-agreement-cancelled', 'wallet_connect', '22abcd1235ed497f945f755fcaba3c6c'],
    ['webhook-stop-delivery-op-wh', 'stop_delivery_op_wh', '58980959081'],
    [
      'webhook-subscription-preapproval-updated',
      'subscription_preapproval',
      '2c938084726fca480172750000000000',
    ],
    ['webhook-subscription-authorized-payment-created', 'subscription_authorized_payment', '7001234567'],
    [
      'webhook-subscription-preapproval-plan-created',
      'subscription_preapproval_plan',
      '2c938084726fca4801727500000000aa',
    ],
    ['webhook-mp-connect-deauthorized', 'mp-connect', '176611236'],
    ['webhook-claims', 'topic_claims_integration_wh', '5298154230'],
    ['webhook-card-updater', 'topic_card_id_wh', '50000102202'],
    ['webhook-point-integration-wh-finished', 'point_integration_wh', 'abcdef123-8ab5-4139-9aa3-abcd123'],
    ['webhook-delivery-mla', 'delivery', '12345'],
  ])('builds %s with the query, user-agent and body fields of the fixture', (name, topic, resourceId) => {
    const fixture = loadDelivery(name);
    const delivery = buildDelivery({ topic, resourceId, secret: 's' });
    const body = JSON.parse(delivery.body) as Record<string, unknown>;
    const fixtureBody = fixture.body as Record<string, unknown>;
    expect(Object.keys(delivery.query).sort()).toEqual(Object.keys(fixture.path_query).sort());
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixtureBody).sort());
    if (name !== 'webhook-order-action-required-docs') {
      expect(delivery.headers['user-agent']).toBe(fixture.headers['user-agent']);
    }
  });

  it('signs without data.id the topics that carry their ids only in the body (Point, Card Updater, Delivery)', () => {
    const delivery = buildDelivery({ topic: 'point_integration_wh', resourceId: 'intent-1', secret: 's' });
    const ts = /^ts=(\d+),/.exec(delivery.headers['x-signature'] ?? '')?.[1];
    const requestId = delivery.headers['x-request-id'];
    expect(delivery.headers['x-signature']).toBe(main.signNotification({ secret: 's', requestId, ts }));
    expect(JSON.parse(delivery.body)).toMatchObject({ id: 'intent-1', state: 'FINISHED' });
  });

  it('uses a given query instead of the topic’s, signing its data.id', () => {
    const delivery = buildDelivery({
      topic: 'point_integration_wh',
      resourceId: 'intent-1',
      secret: 's',
      query: { 'data.id': 'intent-1', type: 'point_integration_wh' },
    });
    expect(delivery.path).toBe('/webhooks?data.id=intent-1&type=point_integration_wh');
    expect(verifies(delivery, 's')).toBe(true);
  });

  it('writes a chargeback id above 2^53 as a JSON number with every digit', () => {
    const delivery = buildDelivery({
      topic: 'topic_chargebacks_wh',
      resourceId: '233000061680860123',
      secret: 's',
    });
    expect(delivery.body).toContain('"id":233000061680860123');
  });

  it('sends a given body as it is (a string verbatim, anything else as JSON)', () => {
    const base = { topic: 'payment', resourceId: '1', secret: 's' };
    expect(buildDelivery({ ...base, body: '{"a":1 }' }).body).toBe('{"a":1 }');
    expect(buildDelivery({ ...base, body: { a: 1 } }).body).toBe('{"a":1}');
  });

  it.each<[string, Partial<BuildDeliveryOptions>, string]>([
    ['no topic', { topic: '' }, '`topic` must be a non-empty string'],
    ['no resource id', { resourceId: '' }, '`resourceId` must be a non-empty string'],
    [
      'a misspelled channel',
      { channel: 'webhooks' as never },
      '`channel` must be one of webhook, ipn, wallet_connect, got webhooks: did you mean webhook?',
    ],
    [
      'an unknown channel',
      { channel: 'email' as never },
      '`channel` must be one of webhook, ipn, wallet_connect, got email',
    ],
    ['no secret for a Webhook', { secret: undefined }, '`secret` is required to sign a webhook delivery'],
  ])('throws a TypeError for %s', (_, overrides, message) => {
    const build = () => buildDelivery({ topic: 'payment', resourceId: '1', secret: 's', ...overrides });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(`[mercadopago-notifications] buildDelivery: ${message}`);
  });
});
