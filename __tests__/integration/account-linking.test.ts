// Account linking (mp-connect) has no API read: its events rest on the signature alone. Mercado Pago signs
// neither the body nor the type, so these tests prove that a captured signature cannot be replayed as an
// account-linking event (single-use signatures), that a stale one is refused (the freshness window), and that
// an unsigned one is refused. Unknown topics follow the same rule: signed, or refused.
import { randomUUID } from 'node:crypto';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  fromFixture,
  ipnDelivery,
  send,
  signedWebhook,
  withBody,
  withHeaders,
  withQuery,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery } from '../helpers/fixtures.js';
import { NOW_MS, NOW_S, PAYMENT, PAYMENT_ID, PAYMENT_PATH, signedPayment } from '../helpers/payment.js';
import { expectWarnings } from '../helpers/warnings.js';

const api = useFakeApi();

function appFor(extra: Partial<MercadoPagoNotificationsOptions> = {}) {
  return createApp(apiOptions(api, { now: () => NOW_MS, ...extra }));
}

const SELLER = '176611236';

/** An mp-connect delivery as the dashboard simulator sends it (data.id 123456), signed `ageS` seconds ago. */
function linking(action: string, userId: string | undefined = SELLER, ageS = 10): OutgoingDelivery {
  return signedWebhook({
    secret: FIXTURE_SECRET,
    dataId: '123456',
    type: 'mp-connect',
    ts: NOW_S - ageS,
    body: {
      action,
      api_version: 'v1',
      data: { id: '123456' },
      date_created: '2026-01-14T23:59:50Z',
      id: '123456',
      live_mode: true,
      type: 'mp-connect',
      ...(userId === undefined ? {} : { user_id: Number(userId) }),
    },
  });
}

describe('account linking (mp-connect)', () => {
  it('emits application.deauthorized for the fixture, verified by signature, reading nothing', async () => {
    const fixture = loadDelivery('webhook-mp-connect-deauthorized');
    const { app, events } = createApp(apiOptions(api, { now: () => 1766300000_000 + 5_000 }));
    expect(answerOf(await send(app, fromFixture(fixture)))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'application.deauthorized',
      topic: 'application',
      resourceId: SELLER,
      resource: undefined,
      verifiedBy: 'signature',
      delivery: { userId: SELLER, action: 'application.deauthorized', topic: 'mp-connect' },
    });
    expect(api.requests).toEqual([]);
  });

  it.each([
    ['application.authorized', 'application.authorized'],
    ['application.deauthorized', 'application.deauthorized'],
    ['authorized', 'application.authorized'],
    ['deauthorized', 'application.deauthorized'],
  ])('emits %s as %s, without accessToken too', async (action, name) => {
    expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const { app, events } = appFor({ accessToken: undefined });
    expect(answerOf(await send(app, linking(action)))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([[name, SELLER, 'signature']]);
  });

  it('emits notification.unhandled with isKnownTopic true for an action it does not know', async () => {
    const { app, events } = appFor();
    await send(app, linking('application.renamed')).expect(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'notification.unhandled',
      isKnownTopic: true,
      resourceId: SELLER,
    });
  });

  it('emits every distinct linking event of one seller: deauthorized, then authorized again', async () => {
    const { app, events } = appFor();
    await send(app, linking('application.authorized')).expect(200);
    await send(app, linking('application.deauthorized')).expect(200);
    await send(app, linking('application.authorized')).expect(200);
    expect(events.map((e) => e.name)).toEqual([
      'application.authorized',
      'application.deauthorized',
      'application.authorized',
    ]);
  });

  describe('refuses what nothing can confirm', () => {
    it('responds 401 SIGNATURE_MISSING for an unsigned delivery when a secret is configured', async () => {
      const { app, events } = appFor();
      const unsigned = withHeaders(linking('application.deauthorized'), { 'x-signature': undefined });
      expect(answerOf(await send(app, unsigned))).toEqual([401, 'SIGNATURE_MISSING']);
      expect(events).toEqual([]);
    });

    it('responds 401 UNVERIFIABLE_DELIVERY when only accessToken is configured: no read confirms it', async () => {
      const { app, events, errors } = appFor({ secret: undefined });
      expect(answerOf(await send(app, linking('application.deauthorized')))).toEqual([
        401,
        'UNVERIFIABLE_DELIVERY',
      ]);
      expect(errors[0]?.error.message).toContain('emitted only on a verified signature; configure `secret`');
      expect(events).toEqual([]);
      expect(api.requests).toEqual([]);
    });

    it('responds 401 UNVERIFIABLE_DELIVERY for an IPN-shaped mp-connect, which cannot be signed', async () => {
      const { app, events } = appFor();
      expect(answerOf(await send(app, ipnDelivery('mp-connect', SELLER)))).toEqual([
        401,
        'UNVERIFIABLE_DELIVERY',
      ]);
      expect(events).toEqual([]);
    });

    it('responds 401 SIGNATURE_MISMATCH when the signature was made for another request id', async () => {
      const { app, events } = appFor();
      const forged = withHeaders(linking('application.deauthorized'), { 'x-request-id': randomUUID() });
      expect(answerOf(await send(app, forged))).toEqual([401, 'SIGNATURE_MISMATCH']);
      expect(events).toEqual([]);
    });
  });

  describe('a captured signature cannot be replayed as an account-linking event', () => {
    it('emits nothing when a processed mp-connect signature is replayed with another body (action and seller)', async () => {
      const { app, events } = appFor();
      const genuine = linking('application.authorized');
      await send(app, genuine).expect(200);
      const replay = withBody(genuine, {
        action: 'application.deauthorized',
        data: { id: '123456' },
        type: 'mp-connect',
        user_id: 999999,
      });
      expect(answerOf(await send(app, replay))).toEqual([200, undefined]);
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([['application.authorized', SELLER]]);
    });

    it('lets a processed mp-connect signature replayed with type=payment name only the true state of the signed id', async () => {
      api.set('/v1/payments/123456', { ...PAYMENT, id: 123456 });
      const { app, events } = appFor();
      const genuine = linking('application.deauthorized');
      await send(app, genuine).expect(200);
      const replay = withBody(withQuery(genuine, { 'data.id': '123456', type: 'payment' }), {
        type: 'payment',
        data: { id: '123456' },
      });
      expect(answerOf(await send(app, replay))).toEqual([200, undefined]);
      // The type chose a read; the API's answer about the signed data.id named the event.
      expect(events.map((e) => [e.name, e.resourceId])).toEqual([
        ['application.deauthorized', SELLER],
        ['payment.approved', '123456'],
      ]);
      expect(api.readsOf('/v1/payments/123456')).toBe(1);
    });

    it('emits no application event when a processed payment signature is replayed as mp-connect', async () => {
      api.set(PAYMENT_PATH, PAYMENT);
      const { app, events } = appFor();
      const payment = signedPayment();
      await send(app, payment).expect(200);
      const replay = withBody(withQuery(payment, { 'data.id': PAYMENT_ID, type: 'mp-connect' }), {
        action: 'application.deauthorized',
        type: 'mp-connect',
        user_id: Number(SELLER),
      });
      expect(answerOf(await send(app, replay))).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    });

    it('emits nothing for a replay under a new x-request-id either: the signature no longer matches', async () => {
      const { app, events } = appFor();
      const genuine = linking('application.authorized');
      await send(app, genuine).expect(200);
      const replay = withHeaders(withBody(genuine, { action: 'application.deauthorized', user_id: 1 }), {
        'x-request-id': randomUUID(),
      });
      expect(answerOf(await send(app, replay))).toEqual([401, 'SIGNATURE_MISMATCH']);
      expect(events).toHaveLength(1);
    });

    it('responds 401 SIGNATURE_EXPIRED for a signature older than the store remembers signatures', async () => {
      const ttlMs = 60 * 60_000;
      const { app, events } = appFor({ dedup: { ttlMs } });
      const stale = linking('application.deauthorized', SELLER, ttlMs / 1000 + 1);
      expect(answerOf(await send(app, stale))).toEqual([401, 'SIGNATURE_EXPIRED']);
      expect(events).toEqual([]);
      // One second younger it is still remembered, hence accepted once.
      await send(app, linking('application.deauthorized', SELLER, ttlMs / 1000 - 1)).expect(200);
      expect(events.map((e) => e.name)).toEqual(['application.deauthorized']);
    });

    it('refuses a stale signature with the default 48 h retention', async () => {
      const { app, events } = appFor();
      const stale = linking('application.deauthorized', SELLER, 48 * 3600 + 60);
      expect(answerOf(await send(app, stale))).toEqual([401, 'SIGNATURE_EXPIRED']);
      expect(events).toEqual([]);
    });

    it('responds 401 SIGNATURE_EXPIRED outside toleranceSeconds, in the past and in the future', async () => {
      const { app, events } = appFor({ toleranceSeconds: 300 });
      expect(answerOf(await send(app, linking('application.authorized', SELLER, 301)))).toEqual([
        401,
        'SIGNATURE_EXPIRED',
      ]);
      expect(answerOf(await send(app, linking('application.authorized', SELLER, -301)))).toEqual([
        401,
        'SIGNATURE_EXPIRED',
      ]);
      expect(events).toEqual([]);
    });
  });
});

describe('unknown topics', () => {
  const unknown = (extra: { ts?: number } = {}) =>
    signedWebhook({ secret: FIXTURE_SECRET, dataId: '9602', type: 'topic_brand_new_feature_wh', ...extra });

  it('emits notification.unhandled with the delivery when the delivery is signed', async () => {
    const { app, events } = appFor();
    expect(answerOf(await send(app, unknown({ ts: NOW_S - 10 })))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      name: 'notification.unhandled',
      isKnownTopic: false,
      verifiedBy: 'signature',
      delivery: { topic: 'topic_brand_new_feature_wh', query: { 'data.id': '9602' } },
    });
  });

  it('responds 401 UNVERIFIABLE_DELIVERY for an unsigned IPN of an unknown topic, reading nothing', async () => {
    const { app, events } = appFor();
    expect(answerOf(await send(app, ipnDelivery('topic_brand_new_feature', '9603')))).toEqual([
      401,
      'UNVERIFIABLE_DELIVERY',
    ]);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it('responds 401 SIGNATURE_MISSING for a Webhook of an unknown topic without x-signature', async () => {
    const { app, events } = appFor();
    const unsigned = withHeaders(unknown(), { 'x-signature': undefined });
    expect(answerOf(await send(app, unsigned))).toEqual([401, 'SIGNATURE_MISSING']);
    expect(events).toEqual([]);
  });

  it('responds 401 UNVERIFIABLE_DELIVERY for an unknown topic when no secret is configured', async () => {
    const { app, events } = appFor({ secret: undefined });
    expect(answerOf(await send(app, unknown()))).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(events).toEqual([]);
  });

  it('responds 401 SIGNATURE_EXPIRED for a signed unknown topic older than the dedup retention', async () => {
    const { app, events } = appFor({ dedup: { ttlMs: 60_000 } });
    expect(answerOf(await send(app, unknown({ ts: NOW_S - 61 })))).toEqual([401, 'SIGNATURE_EXPIRED']);
    expect(events).toEqual([]);
  });
});
