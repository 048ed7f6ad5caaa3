// Signature verification through the real router: casings, ts units and tolerance, secret rotation, every way
// a signature can be wrong (each test breaks exactly one thing), the single-use rule and the expiry of
// signature-only deliveries. Resources come from the fake Mercado Pago API on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  fromFixture,
  send,
  signedWebhook,
  withBody,
  withHeaders,
  withQuery,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { TOKEN, apiOptions, useFakeApi } from '../helpers/fake-api.js';
import {
  FIXTURE_SECRET,
  FIXTURE_TEST_MODE_SECRET,
  loadDelivery,
  loadResource,
  resourcePath,
} from '../helpers/fixtures.js';
import {
  NOW_MS,
  NOW_S,
  PAYMENT,
  PAYMENT_ID,
  PAYMENT_PATH,
  signedPayment,
  signedWithoutDataId,
} from '../helpers/payment.js';
import { sleep } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

const api = useFakeApi();

function appFor(options: Partial<MercadoPagoNotificationsOptions> = {}) {
  return createApp(apiOptions(api, { now: () => NOW_MS, ...options }));
}

/** A Webhooks delivery whose query carries `queryId` while the signature covers `signedId`. */
function signedWithId(queryId: string, signedId: string, type = 'order'): OutgoingDelivery {
  const requestId = randomUUID();
  return {
    path: '/mp/webhooks',
    query: { 'data.id': queryId, type },
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-signature': signNotification({
        secret: FIXTURE_SECRET,
        dataId: signedId,
        requestId,
        ts: NOW_S - 10,
      }),
    },
    body: JSON.stringify({ action: `${type}.processed`, type, data: { id: queryId }, id: '1', user_id: '1' }),
  };
}

const signatureOf = (d: OutgoingDelivery): string => d.headers['x-signature'] ?? '';
const errorCode = (body: unknown): unknown => (body as { error?: { code?: unknown } }).error?.code;

/** Flips the first hex digit of v1. */
function flipV1(signature: string): string {
  return signature.replace(/v1=(.)/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`);
}

describe('data.id casing', () => {
  it('accepts an order signed with data.id as received (uppercase)', async () => {
    const id = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3';
    api.set(`/v1/orders/${id}`, { id, status: 'processed', status_detail: 'accredited', version: 2 });
    const { app, events } = appFor();
    await send(app, signedWithId(id, id)).expect(200);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['order.processed', id, 'signature+api'],
    ]);
  });

  it('accepts an order signed with data.id lowercased while the query carries it uppercase', async () => {
    const id = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3';
    api.set(`/v1/orders/${id}`, { id, status: 'processed', status_detail: 'accredited', version: 2 });
    const { app, events } = appFor();
    await send(app, signedWithId(id, id.toLowerCase())).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['order.processed', id]]);
    expect(api.requests.map((r) => r.path)).toEqual([`/v1/orders/${id}`]);
  });

  it('accepts both casing fixtures (as received and lowercase-signed)', async () => {
    const upper = loadDelivery('webhook-order-action-required-docs');
    const lower = loadDelivery('webhook-order-processed-lowercase-signed');
    api.set('/v1/orders/ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', {
      id: 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
      status: 'action_required',
      version: 1,
    });
    api.set('/v1/orders/ORD01JV3AW3NFSTSTB669F41NACDX', {
      id: 'ORD01JV3AW3NFSTSTB669F41NACDX',
      status: 'processed',
      version: 2,
    });
    // 13-digit ts (ms) for the first, 10-digit for the second; no tolerance, so the old ts are fine.
    const { app, events } = appFor({ now: () => NOW_MS });
    await send(app, fromFixture(upper)).expect(200);
    await send(app, fromFixture(lower)).expect(200);
    expect(events.map((e) => e.name)).toEqual(['order.action_required', 'order.processed']);
  });

  it('responds 401 SIGNATURE_MISMATCH when the signed id differs from the query id by more than case', async () => {
    api.set('/v1/orders/ORD01AAA', { id: 'ORD01AAA', status: 'processed' });
    const { app, events } = appFor();
    const res = await send(app, signedWithId('ORD01AAA', 'ord01aab')).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_MISMATCH');
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });
});

describe('ts units and toleranceSeconds', () => {
  const YEAR_S = 365 * 24 * 3600;
  /** [unit, offset from now in seconds, toleranceSeconds, expected status]. */
  const cases: ReadonlyArray<
    [unit: 's' | 'ms', offsetS: number, tolerance: number | undefined, status: 200 | 401]
  > = [
    ['s', -100, 300, 200],
    ['s', +100, 300, 200],
    ['s', -400, 300, 401],
    ['s', +400, 300, 401],
    ['ms', -100, 300, 200],
    ['ms', +100, 300, 200],
    ['ms', -400, 300, 401],
    ['ms', +400, 300, 401],
    ['s', -YEAR_S, undefined, 200],
    ['ms', -YEAR_S, undefined, 200],
    ['s', +3600, undefined, 200],
    ['ms', +3600, undefined, 200],
  ];
  const title = ([unit, offset, tolerance, status]: (typeof cases)[number]) =>
    `${status === 200 ? 'accepts' : 'responds 401 SIGNATURE_EXPIRED for'} a ${unit === 's' ? '10-digit' : '13-digit'} ts ` +
    `${Math.abs(offset)} s ${offset < 0 ? 'old' : 'in the future'} ` +
    `${tolerance === undefined ? 'without toleranceSeconds' : `with toleranceSeconds ${tolerance}`}`;

  it.each(cases.map((c) => [title(c), c] as const))(
    '%s',
    async (_title, [unit, offsetS, tolerance, status]) => {
      api.set(PAYMENT_PATH, PAYMENT);
      const ts = unit === 's' ? String(NOW_S + offsetS) : String(NOW_MS + offsetS * 1000);
      expect(ts).toHaveLength(unit === 's' ? 10 : 13);
      const { app, events } = appFor(tolerance === undefined ? {} : { toleranceSeconds: tolerance });
      const res = await send(app, signedPayment({ ts }));
      expect(res.status).toBe(status);
      if (status === 200) {
        expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      } else {
        expect(errorCode(res.body)).toBe('SIGNATURE_EXPIRED');
        expect(events).toEqual([]);
        expect(api.readsOf(PAYMENT_PATH)).toBe(0);
      }
    },
  );

  const approved = loadResource('payment-approved');
  it.each([
    [
      'accepts the 13-digit docs fixture inside a 300 s window and refuses it 301 s later',
      'webhook-order-action-required-docs',
      [
        '/v1/orders/ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
        { id: 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', status: 'action_required' },
      ],
      1742505638683,
      60_000,
      'order.action_required',
    ],
    [
      'accepts the 10-digit production fixture inside a 300 s window and refuses it 301 s later',
      'webhook-payment-created',
      [resourcePath(approved), approved.resource],
      1766237532_000,
      2_000,
      'payment.approved',
    ],
  ] as const)('%s', async (_title, name, [path, resource], tsMs, insideMs, eventName) => {
    const fixture = loadDelivery(name);
    api.set(path, resource);
    const inside = appFor({ toleranceSeconds: 300, now: () => tsMs + insideMs });
    await send(inside.app, fromFixture(fixture)).expect(200);
    expect(inside.events.map((e) => e.name)).toEqual([eventName]);

    const outside = appFor({ toleranceSeconds: 300, now: () => tsMs + 301_000 });
    const res = await send(outside.app, fromFixture(fixture)).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_EXPIRED');
    expect(outside.events).toEqual([]);
  });
});

describe('secret rotation and test mode', () => {
  const OLD = 'OLD-secret-being-rotated-out-000000000000000000000000000000000000';
  const NEW = 'NEW-secret-just-revealed-in-the-dashboard-11111111111111111111111';

  it.each([
    ['the old secret', OLD],
    ['the new secret', NEW],
  ])('accepts a delivery signed with %s while both are configured', async (_label, secret) => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor({ secret: [OLD, NEW] });
    await send(app, signedPayment({ secret })).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });

  it('responds 401 SIGNATURE_MISMATCH for a third secret while rotating', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor({ secret: [OLD, NEW] });
    const res = await send(app, signedPayment({ secret: FIXTURE_SECRET })).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_MISMATCH');
    expect(events).toEqual([]);
  });

  it('responds 401 for the old secret once it is removed', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app } = appFor({ secret: NEW });
    const res = await send(app, signedPayment({ secret: OLD })).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_MISMATCH');
  });

  it('responds 401 for the test-mode fixture with only the production secret, and accepts it with both', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const fixture = loadDelivery('webhook-payment-signed-with-test-mode-secret');
    const now = () => 1766237532_000 + 5_000;

    const production = appFor({ secret: FIXTURE_SECRET, now });
    const res = await send(production.app, fromFixture(fixture)).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_MISMATCH');
    expect(production.events).toEqual([]);
    expect(api.requests).toHaveLength(0);

    const both = appFor({ secret: [FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET], now });
    await send(both.app, fromFixture(fixture)).expect(200);
    expect(both.events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });
});

describe('header parsing', () => {
  it('accepts pieces in any order, with spaces, an upper-case TS key and an extra v2 (header-variants fixture)', async () => {
    const approved = loadResource('payment-approved');
    api.set(resourcePath(approved), approved.resource);
    const { app, events } = appFor({ now: () => 1766237532_000 + 5_000 });
    await send(app, fromFixture(loadDelivery('webhook-payment-header-variants'))).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('accepts a header carrying several v1 hashes when one of them matches', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor();
    const delivery = signedPayment();
    const genuine = signatureOf(delivery);
    const v1 = /v1=([0-9a-f]+)/.exec(genuine)?.[1] ?? '';
    const header = `ts=${NOW_S - 10},v1=${'a'.repeat(64)},v1=${v1}`;
    await send(app, withHeaders(delivery, { 'x-signature': header })).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });
});

describe('a broken signature', () => {
  const WRONG_SECRET = 'WRONG-secret-000000000000000000000000000000000000000000000000000';
  const breaks: ReadonlyArray<
    [title: string, code: string, breakIt: (d: OutgoingDelivery) => OutgoingDelivery]
  > = [
    [
      'responds 401 SIGNATURE_MISSING when x-signature is dropped',
      'SIGNATURE_MISSING',
      (d) => withHeaders(d, { 'x-signature': undefined }),
    ],
    [
      'responds 401 SIGNATURE_MISSING when x-signature is blank',
      'SIGNATURE_MISSING',
      (d) => withHeaders(d, { 'x-signature': '   ' }),
    ],
    [
      'responds 401 SIGNATURE_MALFORMED when x-signature is garbage',
      'SIGNATURE_MALFORMED',
      (d) => withHeaders(d, { 'x-signature': 'garbage' }),
    ],
    [
      'responds 401 SIGNATURE_MALFORMED when x-signature has no ts',
      'SIGNATURE_MALFORMED',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).replace(/ts=\d+,/, '') }),
    ],
    [
      'responds 401 SIGNATURE_MALFORMED when ts is not digits',
      'SIGNATURE_MALFORMED',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).replace(/ts=\d+/, 'ts=yesterday') }),
    ],
    [
      'responds 401 SIGNATURE_MALFORMED when x-signature has no v1',
      'SIGNATURE_MALFORMED',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).replace(/,v1=[0-9a-f]+/, '') }),
    ],
    [
      'responds 401 SIGNATURE_MALFORMED when x-signature carries only an unknown version',
      'SIGNATURE_MALFORMED',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).replace('v1=', 'v9=') }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when one byte of v1 is flipped',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-signature': flipV1(signatureOf(d)) }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when v1 is truncated',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).slice(0, -1) }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when v1 is 64 multibyte characters',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-signature': `ts=${NOW_S - 10},v1=${'é'.repeat(64)}` }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when ts is changed',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-signature': signatureOf(d).replace(`ts=${NOW_S - 10}`, `ts=${NOW_S - 9}`) }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when data.id is changed',
      'SIGNATURE_MISMATCH',
      (d) => withQuery(d, { ...d.query, 'data.id': '4243' }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when x-request-id is changed',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-request-id': randomUUID() }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when x-request-id is dropped',
      'SIGNATURE_MISMATCH',
      (d) => withHeaders(d, { 'x-request-id': undefined }),
    ],
    [
      'responds 401 SIGNATURE_MISMATCH when signed with the wrong secret',
      'SIGNATURE_MISMATCH',
      (d) => {
        const requestId = d.headers['x-request-id'] ?? '';
        const signature = signNotification({
          secret: WRONG_SECRET,
          dataId: PAYMENT_ID,
          requestId,
          ts: NOW_S - 10,
        });
        return withHeaders(d, { 'x-signature': signature });
      },
    ],
  ];

  it('accepts the unbroken delivery every case starts from', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor();
    await send(app, signedPayment()).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });

  it.each(breaks)(
    '%s, reads nothing, emits nothing, and still accepts the genuine delivery after',
    async (_t, code, breakIt) => {
      api.set(PAYMENT_PATH, PAYMENT);
      api.set('/v1/payments/4243', { ...PAYMENT, id: 4243 });
      const { app, events } = appFor();
      const genuine = signedPayment();
      const forged = breakIt(genuine);
      expect(forged).not.toEqual(genuine);

      const res = await send(app, forged);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
      expect(res.text).not.toContain(FIXTURE_SECRET);
      expect(res.text).not.toContain(TOKEN);
      expect(api.readsOf(PAYMENT_PATH)).toBe(0);
      expect(api.readsOf('/v1/payments/4243')).toBe(0);
      expect(events).toEqual([]);

      // A forged request is not recorded: the genuine delivery carrying the same signature is still processed.
      await send(app, genuine).expect(200);
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([['payment.approved', PAYMENT_ID]]);
    },
  );

  it('never lets a forged request reach listeners, whatever mix of genuine and forged copies arrives', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor();
    const genuine = signedPayment();
    const forgeries = breaks.map(([, , breakIt]) => breakIt(signedPayment()));
    const answers = await Promise.all([...forgeries, genuine].map((d) => send(app, d)));
    expect(answers.map((a) => a.status)).toEqual([...forgeries.map(() => 401), 200]);
    expect(events.map((e) => e.delivery.requestId)).toEqual([genuine.headers['x-request-id']]);
  });
});

describe('single-use signatures', () => {
  /** The processed genuine payment delivery, and its signature copied onto another type and body. */
  async function replayedAs(type: string, body: Record<string, unknown> = {}) {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor();
    const delivery = signedPayment();
    await send(app, delivery).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    const replay = withBody(withQuery(delivery, { ...delivery.query, type }), {
      type,
      action: `${type}.updated`,
      data: { id: PAYMENT_ID },
      id: 'replayed',
      ...body,
    });
    return { app, events, replay };
  }

  it.each(['stop_delivery_op_wh', 'mp-connect', 'topic_brand_new_feature_wh'])(
    'answers 200, emits nothing and reads nothing when a processed signature is replayed as a signature-only type=%s',
    async (type) => {
      const { app, events, replay } = await replayedAs(type, { user_id: 424242 });
      await send(app, replay).expect(200);
      await sleep(50); // a fraud alert is answered first and processed after: give it the chance to misbehave
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      expect(api.requests).toHaveLength(1);
    },
  );

  it.each([
    ['merchant_order', `/merchant_orders/${PAYMENT_ID}`, 'merchant_order.opened', { status: 'opened' }],
    ['order', `/v1/orders/${PAYMENT_ID}`, 'order.processed', { status: 'processed' }],
    [
      'chargebacks',
      `/v1/chargebacks/${PAYMENT_ID}`,
      'chargeback.opened',
      { documentation_status: 'pending' },
    ],
    [
      'wallet_connect',
      `/v2/wallet_connect/agreements/${PAYMENT_ID}`,
      'agreement.cancelled',
      { status: 'cancelled' },
    ],
  ])(
    'lets a signature replayed with type=%s name only the true state of the resource at the signed data.id, once',
    async (type, path, name, state) => {
      api.set(path, { id: PAYMENT_ID, ...state });
      const { app, events, replay } = await replayedAs(type);
      await send(app, replay).expect(200);
      await send(app, withBody(replay, { type, action: 'anything.else', data: { id: '1' } })).expect(200);
      // The type only chose which read to make: the event is what the API says of the signed id, and only once.
      expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
        ['payment.approved', PAYMENT_ID, 'signature+api'],
        [name, PAYMENT_ID, 'signature+api'],
      ]);
      expect(api.readsOf(path)).toBe(1);
    },
  );

  it('answers 200 and emits nothing when a processed signature is replayed with another body', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor();
    const delivery = signedPayment();
    await send(app, delivery).expect(200);
    await send(
      app,
      withBody(delivery, { type: 'payment', data: { id: PAYMENT_ID }, user_id: 999, id: 'other' }),
    ).expect(200);
    expect(events).toHaveLength(1);
    expect(api.requests).toHaveLength(1);
  });

  it('responds 401 to a signature without data.id on a topic whose genuine deliveries carry one, reading nothing', async () => {
    // Signed without data.id (the manifest has no id part), as Card Updater, Point and Delivery are: such a
    // signature vouches for no chargeback, whatever id the unsigned body names.
    api.set('/v1/chargebacks/555', {
      id: '555',
      date_created: 'a',
      date_last_updated: 'a',
      documentation_status: 'pending',
    });
    const delivery = signedWithoutDataId(
      { type: 'topic_chargebacks_wh' },
      JSON.stringify({ actions: ['changed_case_status'], type: 'topic_chargebacks_wh', data: { id: 555 } }),
    );
    const { app, events, errors } = appFor();
    expect(answerOf(await send(app, delivery))).toEqual([401, 'SIGNATURE_MISMATCH']);
    expect(errors[0]?.error.message).toContain('the signature covers no data.id');
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it('answers 200 and emits nothing when a signature-only Point delivery is replayed with another intent in the body', async () => {
    const delivery = signedWithoutDataId(
      { topic: 'point_integration_wh' },
      JSON.stringify({ id: 'intent-1', state: 'FINISHED', amount: 100 }),
    );
    expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const { app, events } = appFor({ accessToken: undefined });
    await send(app, delivery).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['notification.received', 'intent-1']]);
    await send(app, withBody(delivery, { id: 'intent-2', state: 'FINISHED', amount: 100000 })).expect(200);
    expect(events).toHaveLength(1);
  });

  it('processes a redelivery when the first delivery with that signature failed', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    api.fail(PAYMENT_PATH, { status: 503 }, { status: 503 });
    const { app, events } = appFor();
    const delivery = signedPayment();
    const first = await send(app, delivery);
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(events).toEqual([]);
    await send(app, delivery).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });
});

describe('signature-only deliveries and the dedup retention', () => {
  const TTL_MS = 60_000;

  it('responds 401 SIGNATURE_EXPIRED for a signature-only delivery older than dedup.ttlMs', async () => {
    expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const { app, events } = appFor({ accessToken: undefined, dedup: { ttlMs: TTL_MS } });
    const res = await send(app, signedPayment({ ts: NOW_S - 120 })).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_EXPIRED');
    expect(events).toEqual([]);
  });

  it('accepts a fresh signature-only delivery as notification.received', async () => {
    expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const { app, events } = appFor({ accessToken: undefined, dedup: { ttlMs: TTL_MS } });
    await send(app, signedPayment({ ts: NOW_S - 30 })).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy, e.resourceId, e.resource])).toEqual([
      ['notification.received', 'signature', PAYMENT_ID, undefined],
    ]);
  });

  it('responds 401 SIGNATURE_EXPIRED for an old untyped topic even with accessToken (nothing is read to confirm it)', async () => {
    const { app, events } = appFor({ dedup: { ttlMs: TTL_MS } });
    const res = await send(
      app,
      signedWebhook({ secret: FIXTURE_SECRET, dataId: '123456', type: 'mp-connect', ts: NOW_S - 120 }),
    ).expect(401);
    expect(errorCode(res.body)).toBe('SIGNATURE_EXPIRED');
    expect(events).toEqual([]);
  });

  it('accepts a fresh untyped topic as notification.unhandled', async () => {
    const { app, events } = appFor({ dedup: { ttlMs: TTL_MS } });
    await send(
      app,
      signedWebhook({
        secret: FIXTURE_SECRET,
        dataId: '123456',
        type: 'topic_brand_new_feature_wh',
        ts: NOW_S - 30,
      }),
    ).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['notification.unhandled', 'signature']]);
  });

  it('accepts an old signed delivery whose resource is read to confirm it', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor({ dedup: { ttlMs: TTL_MS } });
    await send(app, signedPayment({ ts: NOW_S - 3600 })).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });
});
