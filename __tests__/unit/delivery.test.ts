import type { IncomingHttpHeaders } from 'node:http';
import { parseJsonLossless } from '../../src/body.js';
import { parseDelivery, publicDelivery, type ReceivedDelivery } from '../../src/delivery.js';
import { MercadoPagoNotificationError } from '../../src/errors.js';
import { DELIVERY_FIXTURES, loadDelivery, type DeliveryFixture } from '../helpers/fixtures.js';

const RECEIVED_AT = new Date('2025-12-20T13:32:13.000Z');

function urlWith(query: Readonly<Record<string, string>>, path = '/mp/webhooks'): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? path : `${path}?${search}`;
}

/** Parses a fixture the way the router does when it reads the body itself (lossless JSON). */
function parseFixture(fixture: DeliveryFixture): ReceivedDelivery {
  return parseDelivery({
    url: urlWith(fixture.path_query),
    headers: fixture.headers,
    body: parseJsonLossless(fixture.raw_body ?? JSON.stringify(fixture.body)),
    receivedAt: RECEIVED_AT,
  });
}

function parse(url: string, body: unknown = undefined, headers: IncomingHttpHeaders = {}): ReceivedDelivery {
  return parseDelivery({ url, headers, body, receivedAt: RECEIVED_AT });
}

function invalidDeliveryError(call: () => unknown): MercadoPagoNotificationError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(MercadoPagoNotificationError);
    return error as MercadoPagoNotificationError;
  }
  throw new Error('expected parseDelivery to throw');
}

describe('parseDelivery classifies every fixture', () => {
  it.each(DELIVERY_FIXTURES.map((name) => [name]))('gives %s the channel its meta says', (name) => {
    const fixture = loadDelivery(name);
    expect(parseFixture(fixture).channel).toBe(fixture.meta.channel);
  });

  const expected: Array<[string, Partial<ReceivedDelivery>]> = [
    [
      'webhook-payment-created',
      {
        channel: 'webhook',
        topic: 'payment',
        type: 'payment',
        resourceId: '138095816241',
        signedDataId: '138095816241',
        id: '127467597250',
        action: 'payment.created',
        userId: '1403498245',
        liveMode: true,
        requestId: 'b18ae5fc-c32d-4ed5-a771-ca8c2cc33bd5',
        signatureHeader: 'ts=1766237532,v1=c42df7cc9513d9e3e2b45e0def3adee2a5899cdc77d4626a276cf30276200f8e',
        retry: undefined,
      },
    ],
    [
      'webhook-payment-updated',
      { channel: 'webhook', topic: 'payment', resourceId: '139077673662', signedDataId: '139077673662' },
    ],
    [
      'ipn-payment-feed',
      {
        channel: 'ipn',
        topic: 'payment',
        type: undefined,
        resourceId: '138095816241',
        signedDataId: undefined,
        requestId: 'b18ae5fc-c32d-4ed5-a771-ca8c2cc33bd5',
      },
    ],
    [
      'ipn-merchant-order-feed',
      { channel: 'ipn', topic: 'merchant_order', resourceId: '36670513876', signedDataId: undefined },
    ],
    ['ipn-chargebacks', { channel: 'ipn', topic: 'chargebacks', resourceId: '233000061680860123' }],
    [
      'webhook-topic-merchant-order-wh-closed',
      {
        channel: 'webhook',
        topic: 'topic_merchant_order_wh',
        resourceId: '23603350837',
        signedDataId: '23603350837',
        id: '23603350837',
        liveMode: false,
      },
    ],
    [
      'webhook-order-action-required-docs',
      {
        channel: 'webhook',
        topic: 'order',
        resourceId: 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
        signedDataId: 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
        action: 'order.action_required',
        applicationId: '76506430185983',
        retry: 0,
      },
    ],
    [
      'webhook-order-processed-lowercase-signed',
      {
        topic: 'order',
        resourceId: 'ORD01JV3AW3NFSTSTB669F41NACDX',
        signedDataId: 'ORD01JV3AW3NFSTSTB669F41NACDX',
        userId: '1403498245',
      },
    ],
    ['webhook-order-qr-expired', { topic: 'order', resourceId: 'ORD01JV391F8YM8EDEAG8CWZ0GM0N' }],
    ['webhook-order-charged-back', { topic: 'order', resourceId: 'ORD01JRTXT3GC8CJGW394QWYQ9VP3' }],
    [
      'webhook-chargebacks-wh',
      {
        channel: 'webhook',
        topic: 'topic_chargebacks_wh',
        resourceId: '233000061680860123',
        signedDataId: '233000061680860123',
        action: 'changed_case_status',
        id: '114411153595',
        applicationId: '9007201037432481',
        userId: '634060442',
      },
    ],
    [
      'webhook-subscription-preapproval-updated',
      {
        topic: 'subscription_preapproval',
        resourceId: '2c938084726fca480172750000000000',
        action: 'updated',
      },
    ],
    [
      'webhook-subscription-authorized-payment-created',
      { topic: 'subscription_authorized_payment', resourceId: '7001234567' },
    ],
    [
      'webhook-subscription-preapproval-plan-created',
      { topic: 'subscription_preapproval_plan', resourceId: '2c938084726fca4801727500000000aa' },
    ],
    [
      'webhook-mp-connect-deauthorized',
      {
        topic: 'mp-connect',
        resourceId: '176611236',
        signedDataId: '123456',
        action: 'application.deauthorized',
        userId: '176611236',
      },
    ],
    [
      'webhook-wallet-connect-agreement-confirmed',
      {
        channel: 'wallet_connect',
        topic: 'wallet_connect',
        type: 'wallet_connect',
        resourceId: '22abcd1235ed497f945f755fcaba3c6c',
        signedDataId: '22abcd1235ed497f945f755fcaba3c6c',
        id: '44ae6c7564ed497f945f755fcaba9d41',
        action: 'status.updated',
      },
    ],
    [
      'webhook-wallet-connect-agreement-cancelled',
      { channel: 'wallet_connect', topic: 'wallet_connect', resourceId: '22abcd1235ed497f945f755fcaba3c6c' },
    ],
    [
      'webhook-wallet-connect-payment-method-updated',
      {
        channel: 'wallet_connect',
        resourceId: '22abcd1235ed497f945f755fcaba3c6c',
        action: 'payment_method.updated',
      },
    ],
    [
      'webhook-stop-delivery-op-wh',
      {
        channel: 'webhook',
        topic: 'stop_delivery_op_wh',
        resourceId: '58980959081',
        signedDataId: '58980959081',
        action: 'Created',
      },
    ],
    [
      'webhook-card-updater',
      {
        channel: 'webhook',
        topic: 'automatic-payments',
        type: 'automatic-payments',
        resourceId: '50000102202',
        parentResourceId: '12345678-aluyasdhfyt',
        signedDataId: undefined,
        action: 'card.updated',
        applicationId: '8339021212080291',
        userId: '1197520450',
      },
    ],
    [
      'webhook-point-integration-wh-finished',
      {
        channel: 'webhook',
        topic: 'point_integration_wh',
        resourceId: 'abcdef123-8ab5-4139-9aa3-abcd123',
        signedDataId: undefined,
      },
    ],
    [
      'webhook-delivery-mla',
      {
        channel: 'webhook',
        topic: 'delivery',
        resourceId: '12345',
        signedDataId: undefined,
        id: 'f9f08571-1f65-4c46-9e0a-c0f43faas1557e',
        applicationId: '924152943338358',
      },
    ],
    [
      'webhook-claims',
      { topic: 'topic_claims_integration_wh', resourceId: '5298154230', signedDataId: '5298154230' },
    ],
    ['webhook-payment-signed-with-test-mode-secret', { topic: 'payment', resourceId: '138095816241' }],
    ['webhook-payment-no-request-id', { topic: 'payment', resourceId: '138095816241', requestId: undefined }],
  ];

  it.each(expected)('classifies %s', (name, fields) => {
    expect(parseFixture(loadDelivery(name))).toMatchObject(fields);
  });

  it('covers every fixture in the table above', () => {
    const covered = new Set(expected.map(([name]) => name));
    expect(
      DELIVERY_FIXTURES.filter((name) => !covered.has(name) && name !== 'webhook-payment-header-variants'),
    ).toEqual([]);
  });

  it("keeps the caller's own query parameters and the raw body", () => {
    const fixture = loadDelivery('webhook-payment-header-variants');
    const delivery = parseFixture(fixture);
    expect(delivery.query).toEqual({
      'data.id': '138095816241',
      type: 'payment',
      source_news: 'webhooks',
      client: 'seller-42',
    });
    expect(delivery.body).toEqual(fixture.body);
    expect(delivery.receivedAt).toBe(RECEIVED_AT);
  });
});

describe('parseDelivery keeps ids exact', () => {
  const chargeback = loadDelivery('webhook-chargebacks-wh');
  const rawBody = chargeback.raw_body ?? '';

  it('takes the chargeback id from a losslessly parsed raw body when the query has no data.id', () => {
    const delivery = parse('/mp/webhooks?type=topic_chargebacks_wh', parseJsonLossless(rawBody));
    expect(delivery.resourceId).toBe('233000061680860123');
    expect(delivery.signedDataId).toBeUndefined();
  });

  it('takes the chargeback id from the query even when express.json() already rounded the body id', () => {
    const delivery = parse(urlWith(chargeback.path_query), JSON.parse(rawBody));
    expect(delivery.resourceId).toBe('233000061680860123');
  });

  it('drops a body id that JSON.parse rounded instead of stringifying the wrong digits', () => {
    const delivery = parse('/mp/webhooks?type=topic_chargebacks_wh', JSON.parse(rawBody));
    expect(delivery.resourceId).toBeUndefined();
  });

  it('drops an unsafe JSON number for user_id and application_id after JSON.parse', () => {
    const body = JSON.parse(
      '{"type":"payment","data":{"id":"1"},"user_id":9007199254740993,"application_id":12345678901234567890}',
    ) as unknown;
    const delivery = parse('/mp/webhooks', body);
    expect(delivery.userId).toBeUndefined();
    expect(delivery.applicationId).toBeUndefined();
  });

  it('keeps an unsafe user_id exact after a lossless parse', () => {
    const body = parseJsonLossless('{"type":"payment","data":{"id":"1"},"user_id":9007199254740993}');
    expect(parse('/mp/webhooks', body).userId).toBe('9007199254740993');
  });

  it('turns numeric ids from the body into strings', () => {
    const body = { type: 'payment', data: { id: 123 }, id: 456, user_id: 789, application_id: 1011 };
    expect(parse('/mp/webhooks', body)).toMatchObject({
      resourceId: '123',
      id: '456',
      userId: '789',
      applicationId: '1011',
    });
  });

  it('turns a bigint id into its decimal string', () => {
    const body = { type: 'payment', data: { id: 233000061680860123n } };
    expect(parse('/mp/webhooks', body).resourceId).toBe('233000061680860123');
  });

  it.each([
    ['a decimal', 1.5],
    ['a boolean', true],
    ['an object', { id: 1 }],
    ['a blank string', '  '],
  ])('ignores a body id that is %s', (_label, id) => {
    expect(parse('/mp/webhooks', { type: 'payment', data: { id } }).resourceId).toBeUndefined();
  });

  it('takes the topic_merchant_order_wh id from the top-level body id when the query has none', () => {
    const fixture = loadDelivery('webhook-topic-merchant-order-wh-closed');
    const delivery = parse('/mp/webhooks?type=topic_merchant_order_wh', fixture.body);
    expect(delivery.resourceId).toBe('23603350837');
  });

  it('takes the stop_delivery_op_wh payment id from data.payment_id when the query has none', () => {
    const fixture = loadDelivery('webhook-stop-delivery-op-wh');
    expect(parse('/mp/webhooks?type=stop_delivery_op_wh', fixture.body).resourceId).toBe('58980959081');
  });

  it('takes the seller of an mp-connect delivery from user_id, not from the data.id the simulator fills', () => {
    const delivery = parse('/mp/webhooks?data.id=123456&type=mp-connect', {
      user_id: 42,
      data: { id: '123456' },
    });
    expect(delivery).toMatchObject({ resourceId: '42', signedDataId: '123456', userId: '42' });
    expect(parse('/mp/webhooks?data.id=123456&type=mp-connect', {}).resourceId).toBeUndefined();
  });

  it.each([
    ['the topic_card_id_wh query', '/mp/webhooks?type=topic_card_id_wh'],
    ['the automatic-payments query', '/mp/webhooks?type=automatic-payments'],
    ['no query (body type)', '/mp/webhooks'],
  ])('takes the Card Updater card and customer from the body with %s', (_label, url) => {
    const body = {
      type: 'automatic-payments',
      data: { customer_id: 'cust-1', new_card_id: 50000102202, old_card_id: 50000006036 },
    };
    expect(parse(url, body)).toMatchObject({ resourceId: '50000102202', parentResourceId: 'cust-1' });
  });

  it('falls back to the old card id when Card Updater sends no new card id', () => {
    const body = { type: 'automatic-payments', data: { customer_id: 'cust-1', old_card_id: 50000006036 } };
    expect(parse('/mp/webhooks', body)).toMatchObject({
      resourceId: '50000006036',
      parentResourceId: 'cust-1',
    });
  });

  it.each([
    ['preapproval', 'https://api.mercadopago.com/preapproval/2c93808472', '2c93808472'],
    ['authorized_payment', 'https://api.mercadopago.com/authorized_payments/7001234567', '7001234567'],
    [
      'point_integration_ipn',
      'https://api.mercadopago.com/point/integration-api/payment-intents/ab-12',
      'ab-12',
    ],
  ])(
    'classifies a legacy IPN %s from its body alone, taking the id from the resource URL',
    (topic, resource, id) => {
      expect(parse('/mp/ipn', { resource, topic })).toMatchObject({ channel: 'ipn', topic, resourceId: id });
    },
  );

  it('leaves the working fields out of the public delivery', () => {
    const delivery = publicDelivery(parseFixture(loadDelivery('webhook-card-updater')));
    expect(Object.keys(delivery)).not.toEqual(
      expect.arrayContaining(['parentResourceId', 'resourceId', 'signedDataId', 'signatureHeader']),
    );
    for (const key of ['parentResourceId', 'resourceId', 'signedDataId', 'signatureHeader']) {
      expect(delivery).not.toHaveProperty(key);
    }
  });

  it.each([
    [
      'classifies a Wallet Connect delivery from its body when the query is empty',
      'webhook-wallet-connect-agreement-cancelled',
      '/mp/wallet-connect',
      {
        channel: 'wallet_connect',
        topic: 'wallet_connect',
        resourceId: '22abcd1235ed497f945f755fcaba3c6c',
        signedDataId: undefined,
      },
    ],
    [
      'classifies an IPN from its body when the query is empty, taking the id from the resource URL',
      'ipn-payment-feed',
      '/mp/ipn',
      { channel: 'ipn', topic: 'payment', resourceId: '138095816241' },
    ],
    [
      'classifies a flat Point payment intent with no query',
      'webhook-point-integration-wh-finished',
      '/mp/webhooks',
      { channel: 'webhook', topic: 'point_integration_wh', resourceId: 'abcdef123-8ab5-4139-9aa3-abcd123' },
    ],
  ])('%s', (_title, fixture, path, expected) => {
    expect(parse(path, loadDelivery(fixture).body)).toMatchObject(expected);
  });
});

describe('parseDelivery rejects what is not a delivery', () => {
  it.each([
    ['data.id', '/mp/webhooks?data.id=1&type=payment&data.id=2'],
    ['type', '/mp/webhooks?data.id=1&type=payment&type=merchant_order'],
    ['id', '/mp/ipn?id=1&topic=payment&id=2'],
    ['topic', '/mp/ipn?id=1&topic=payment&topic=merchant_order'],
  ])('throws INVALID_DELIVERY when the query repeats %s', (key, url) => {
    const error = invalidDeliveryError(() => parse(url, {}));
    expect(error.code).toBe('INVALID_DELIVERY');
    expect(error.status).toBe(400);
    expect(error.message).toContain(key);
  });

  it.each([
    ['there is no query and no body', '/mp/webhooks', undefined],
    [
      'the query has data.id but no type and the body no type',
      '/mp/webhooks?data.id=1',
      { data: { id: '1' } },
    ],
    ['the query has an id but no topic', '/mp/ipn?id=1', undefined],
    ['the body is an array', '/mp/webhooks', [{ type: 'payment' }]],
    ['the body is a string', '/mp/webhooks', 'type=payment'],
    ['the body type is not a string', '/mp/webhooks', { type: 1, data: { id: '1' } }],
  ])('throws INVALID_DELIVERY when %s', (_label, url, body) => {
    expect(invalidDeliveryError(() => parse(url, body)).code).toBe('INVALID_DELIVERY');
  });

  it.each([
    ['a path traversal', '../../users/me'],
    ['a slash', '123/refunds'],
    ['a leading dot', '.123'],
    ['an encoded NUL', '123\u0000'],
    ['full-width digits', '１２３'],
    ['an accented letter', 'pagó123'],
    ['an emoji', '123😀'],
    ['a space', '123 456'],
    ['a query separator', '123?x=1'],
    ['129 characters', 'a'.repeat(129)],
  ])('throws INVALID_DELIVERY for a query data.id with %s', (_label, id) => {
    const url = urlWith({ 'data.id': id, type: 'payment' });
    expect(invalidDeliveryError(() => parse(url, {})).code).toBe('INVALID_DELIVERY');
  });

  it.each([
    ['an IPN query id', (id: string) => parse(urlWith({ id, topic: 'payment' }))],
    ['a body data.id', (id: string) => parse('/mp/webhooks', { type: 'payment', data: { id } })],
    [
      'a body id of topic_merchant_order_wh',
      (id: string) => parse('/mp/webhooks?type=topic_merchant_order_wh', { id }),
    ],
    [
      'a Card Updater customer_id',
      (id: string) =>
        parse('/mp/webhooks?type=automatic-payments', { data: { customer_id: id, new_card_id: 1 } }),
    ],
    [
      'a Card Updater card id',
      (id: string) =>
        parse('/mp/webhooks?type=automatic-payments', { data: { customer_id: 'c1', new_card_id: id } }),
    ],
    [
      'an mp-connect user_id',
      (id: string) => parse('/mp/webhooks?data.id=1&type=mp-connect', { user_id: id }),
    ],
  ])('throws INVALID_DELIVERY for a path traversal in %s', (_label, call) => {
    expect(invalidDeliveryError(() => call('../users/me')).code).toBe('INVALID_DELIVERY');
  });

  it('takes only the last segment of a Delivery resource path, and refuses one that is a dot segment', () => {
    expect(parse('/mp/webhooks?topic=delivery', { resource: '/shipments/../users/me' }).resourceId).toBe(
      'me',
    );
    const error = invalidDeliveryError(() =>
      parse('/mp/webhooks?topic=delivery', { resource: '/shipments/..' }),
    );
    expect(error.code).toBe('INVALID_DELIVERY');
  });

  it('accepts the longest allowed id (128 characters)', () => {
    expect(parse(urlWith({ 'data.id': 'a'.repeat(128), type: 'payment' }), {}).resourceId).toHaveLength(128);
  });
});

describe('parseDelivery headers and query', () => {
  const url = '/mp/webhooks?data.id=1&type=payment';

  it.each([
    ['0', 0],
    ['3', 3],
    ['abc', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['', undefined],
  ])('reads x-retry %j as %p', (header, retry) => {
    expect(parse(url, {}, { 'x-retry': header }).retry).toBe(retry);
  });

  it('treats a blank x-request-id and x-signature as absent', () => {
    const delivery = parse(url, {}, { 'x-request-id': '  ', 'x-signature': '' });
    expect(delivery.requestId).toBeUndefined();
    expect(delivery.signatureHeader).toBeUndefined();
  });

  it('joins a repeated x-signature header', () => {
    const delivery = parse(url, {}, { 'x-signature': ['ts=1', 'v1=aa'] as unknown as string });
    expect(delivery.signatureHeader).toBe('ts=1,v1=aa');
  });

  it('keeps the first value of a repeated query key that is not signed', () => {
    expect(parse(`${url}&client=a&client=b`, {}).query['client']).toBe('a');
  });

  it('does not pollute Object.prototype through a __proto__ query key', () => {
    const delivery = parse(`${url}&__proto__[polluted]=yes&__proto__=x&constructor=y&hasOwnProperty=z`, {});
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(delivery.query)).toBe(Object.prototype);
    expect(Object.hasOwn(delivery.query, '__proto__')).toBe(true);
    expect(delivery.query['__proto__']).toBe('x');
    expect(delivery.query['__proto__[polluted]']).toBe('yes');
    expect(delivery.query['constructor']).toBe('y');
    expect(delivery.topic).toBe('payment');
  });

  it('does not take the topic from an inherited property of the body', () => {
    const body = JSON.parse('{"__proto__":{"type":"payment"},"data":{"id":"1"}}') as unknown;
    expect(invalidDeliveryError(() => parse('/mp/webhooks', body)).code).toBe('INVALID_DELIVERY');
  });
});
