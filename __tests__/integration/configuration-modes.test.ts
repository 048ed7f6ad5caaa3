// The configurations the router runs in: requireSignature, no accessToken, no secret, an accessToken resolver
// per seller, and the failures of tokens (refused by the API, resolver throwing). Real HTTP to the fake API.
import { randomUUID } from 'node:crypto';
import type { AccessTokenContext, MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import {
  ipnDelivery,
  send,
  signedWebhook,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { TOKEN, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { NOW_MS, NOW_S, PAYMENT, PAYMENT_ID, PAYMENT_PATH, signedPayment } from '../helpers/payment.js';
import { sleep } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

const SELLER_A = 'APP_USR-seller-a-token-1111111111111111';
const SELLER_B = 'APP_USR-seller-b-token-2222222222222222';
const AGREEMENT_ID = '22abcd1235ed497f945f755fcaba3c6c';

const api = useFakeApi(SELLER_A, SELLER_B);
beforeEach(() => api.set(PAYMENT_PATH, PAYMENT));

/** The router on the fake API and the injected clock, with exactly the secret and token `options` give. */
function appFor(options: MercadoPagoNotificationsOptions) {
  return createApp({ apiBaseUrl: api.url, now: () => NOW_MS, ...options });
}

/** A Webhooks-format delivery with no x-signature at all. */
const unsignedWebhook = (dataId = PAYMENT_ID, type = 'payment', body?: unknown): OutgoingDelivery =>
  withHeaders(signedPayment({ dataId, type, ...(body === undefined ? {} : { body }) }), {
    'x-signature': undefined,
  });

const unsignedWalletConnect = (): OutgoingDelivery => ({
  path: '/mp/wallet-connect',
  query: { 'data.id': AGREEMENT_ID, type: 'wallet_connect' },
  headers: { 'content-type': 'application/json', 'x-request-id': randomUUID() },
  body: JSON.stringify({
    id: '44ae6c7564ed497f945f755fcaba9d41',
    type: 'wallet_connect',
    entity: 'agreement',
    action: 'status.updated',
    version: 0,
    data: { id: AGREEMENT_ID, status: 'cancelled' },
  }),
});

describe('requireSignature: true', () => {
  it('responds 401 UNVERIFIABLE_DELIVERY to an IPN, tells onError what to configure, and reads nothing', async () => {
    const { app, events, errors } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: TOKEN,
      requireSignature: true,
    });
    const res = await send(app, ipnDelivery('payment', PAYMENT_ID)).expect(401);
    expect(res.body.error.code).toBe('UNVERIFIABLE_DELIVERY');
    // The sender learns nothing of the configuration; onError gets the diagnosis.
    expect(res.body.error.message).not.toMatch(/requireSignature/);
    expect(errors[0]?.error.message).toMatch(/requireSignature/);
    expect(errors[0]?.error.message).toMatch(/Webhooks|signature/);
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('responds 401 UNVERIFIABLE_DELIVERY to an unsigned Wallet Connect delivery', async () => {
    api.set(`/v2/wallet_connect/agreements/${AGREEMENT_ID}`, { id: AGREEMENT_ID, status: 'cancelled' });
    const { app, events } = appFor({ secret: FIXTURE_SECRET, accessToken: TOKEN, requireSignature: true });
    const res = await send(app, unsignedWalletConnect()).expect(401);
    expect(res.body.error.code).toBe('UNVERIFIABLE_DELIVERY');
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('responds 401 SIGNATURE_MISSING to a Webhooks delivery without x-signature', async () => {
    const { app, events } = appFor({ secret: FIXTURE_SECRET, accessToken: TOKEN, requireSignature: true });
    const res = await send(app, unsignedWebhook()).expect(401);
    expect(res.body.error.code).toBe('SIGNATURE_MISSING');
    expect(events).toEqual([]);
  });

  it('still emits payment.approved for a signed Webhook', async () => {
    const { app, events } = appFor({ secret: FIXTURE_SECRET, accessToken: TOKEN, requireSignature: true });
    await send(app, signedPayment()).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });
});

describe('no accessToken (secret only)', () => {
  expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
  it.each([
    ['an IPN', () => ipnDelivery('payment', PAYMENT_ID)],
    ['an unsigned Wallet Connect delivery', unsignedWalletConnect],
  ])(
    'responds 401 UNVERIFIABLE_DELIVERY to %s and tells onError (not the sender) to configure accessToken',
    async (_label, build) => {
      const { app, events, errors } = appFor({ secret: FIXTURE_SECRET });
      const res = await send(app, build()).expect(401);
      expect(res.body.error.code).toBe('UNVERIFIABLE_DELIVERY');
      expect(res.body.error.message).not.toMatch(/accessToken/);
      expect(errors[0]?.error.message).toMatch(/configure `accessToken`/);
      expect(events).toEqual([]);
      expect(api.requests).toHaveLength(0);
    },
  );

  it('emits notification.received for a signed Webhook, reading nothing', async () => {
    const { app, events } = appFor({ secret: FIXTURE_SECRET });
    await send(app, signedPayment()).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy, e.resourceId, e.resource])).toEqual([
      ['notification.received', 'signature', PAYMENT_ID, undefined],
    ]);
    expect(api.requests).toHaveLength(0);
  });
});

describe('no secret (accessToken only)', () => {
  it.each([
    ['a signed Webhook', () => signedPayment()],
    ['an unsigned Webhook', () => unsignedWebhook()],
    [
      'a Webhook with a garbage x-signature',
      () => withHeaders(signedPayment(), { 'x-signature': 'garbage' }),
    ],
    ['an IPN', () => ipnDelivery('payment', PAYMENT_ID)],
  ])('emits payment.approved verified by api for %s', async (_label, build) => {
    const { app, events } = appFor({ accessToken: TOKEN });
    await send(app, build()).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy, e.resourceId])).toEqual([
      ['payment.approved', 'api', PAYMENT_ID],
    ]);
    expect(api.requests.map((r) => [r.path, r.token])).toEqual([[PAYMENT_PATH, TOKEN]]);
  });

  it('emits agreement.cancelled verified by api for an unsigned Wallet Connect delivery', async () => {
    api.set(`/v2/wallet_connect/agreements/${AGREEMENT_ID}`, { id: AGREEMENT_ID, status: 'cancelled' });
    const { app, events } = appFor({ accessToken: TOKEN });
    await send(app, unsignedWalletConnect()).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['agreement.cancelled', 'api']]);
  });

  it('answers non-2xx and emits nothing when the API does not know the resource of an unsigned delivery', async () => {
    const { app, events } = appFor({ accessToken: TOKEN });
    const res = await send(app, unsignedWebhook('999000')).expect(404);
    expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
    expect(events).toEqual([]);
  });

  it('names the event from the API, not from the unsigned body', async () => {
    api.set(PAYMENT_PATH, { ...PAYMENT, status: 'rejected', status_detail: 'cc_rejected_other_reason' });
    const { app, events } = appFor({ accessToken: TOKEN });
    const body = {
      type: 'payment',
      action: 'payment.approved',
      data: { id: PAYMENT_ID, status: 'approved' },
      id: 1,
    };
    await send(app, unsignedWebhook(PAYMENT_ID, 'payment', body)).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.rejected']);
  });
});

describe('accessToken resolver', () => {
  it('receives { userId, topic, resourceId } with userId from the body user_id as a string, and its token is the one sent', async () => {
    const calls: AccessTokenContext[] = [];
    const { app, events } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: (context) => {
        calls.push(context);
        return SELLER_A;
      },
    });
    await send(
      app,
      signedPayment({
        body: {
          type: 'payment',
          action: 'payment.updated',
          data: { id: PAYMENT_ID },
          id: 1,
          user_id: 1403498245,
        },
      }),
    ).expect(200);
    expect(calls).toEqual([{ userId: '1403498245', topic: 'payment', resourceId: PAYMENT_ID }]);
    expect(api.requests.map((r) => [r.path, r.token])).toEqual([[PAYMENT_PATH, SELLER_A]]);
    expect(events.map((e) => e.delivery.userId)).toEqual(['1403498245']);
  });

  it('reads each seller’s resource with that seller’s token (async resolver, user_id as number or string)', async () => {
    api.set('/v1/payments/5151', { ...PAYMENT, id: 5151 });
    const tokens: Record<string, string> = { '111': SELLER_A, '222': SELLER_B };
    const { app, events } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: async ({ userId }) => {
        await sleep(5);
        return tokens[userId ?? ''] ?? TOKEN;
      },
    });
    await send(
      app,
      signedPayment({ body: { type: 'payment', data: { id: PAYMENT_ID }, id: 1, user_id: 111 } }),
    ).expect(200);
    await send(
      app,
      signedPayment({
        dataId: '5151',
        body: { type: 'payment', data: { id: '5151' }, id: 2, user_id: '222' },
      }),
    ).expect(200);
    expect(api.requests.map((r) => [r.path, r.token])).toEqual([
      [PAYMENT_PATH, SELLER_A],
      ['/v1/payments/5151', SELLER_B],
    ]);
    expect(events.map((e) => e.resourceId)).toEqual([PAYMENT_ID, '5151']);
  });

  it('is called without a userId for an IPN, which carries none', async () => {
    const calls: AccessTokenContext[] = [];
    const { app } = appFor({
      accessToken: (context) => {
        calls.push(context);
        return TOKEN;
      },
    });
    await send(app, ipnDelivery('payment', PAYMENT_ID)).expect(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.userId).toBeUndefined();
    expect(calls[0]).toMatchObject({ topic: 'payment', resourceId: PAYMENT_ID });
  });

  it('is not called for a forged delivery', async () => {
    let calls = 0;
    const { app, events } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: () => {
        calls++;
        return TOKEN;
      },
    });
    await send(app, signedPayment({ secret: 'not-the-secret' })).expect(401);
    expect(calls).toBe(0);
    expect(events).toEqual([]);
  });

  it("is asked for the seller's own token of an account-linking event, to confirm it", async () => {
    const calls: AccessTokenContext[] = [];
    const { app, events } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: (context) => {
        calls.push(context);
        return TOKEN;
      },
    });
    const linking = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: '123456',
      type: 'mp-connect',
      ts: NOW_S - 10,
      body: { action: 'application.authorized', type: 'mp-connect', user_id: 42, data: { id: '123456' } },
    });
    await send(app, linking).expect(200);
    expect(calls).toEqual([{ userId: '42', topic: 'mp-connect', resourceId: '42' }]);
    // The fake API knows no account for TOKEN: GET /users/me cannot tell, the event rests on the signature.
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['application.authorized', 'signature']]);
    expect(new Set(api.requests.map((r) => r.path))).toEqual(new Set(['/users/me']));
  });
});

describe('token failures', () => {
  it('responds 404 RESOURCE_NOT_FOUND and reports API_UNAUTHORIZED when the API refuses the token, without retrying or emitting', async () => {
    const refused = 'APP_USR-revoked-token-9999999999999999';
    const { app, events, errors } = appFor({ secret: FIXTURE_SECRET, accessToken: refused });
    const res = await send(app, signedPayment()).expect(404);
    // A sender cannot tell a refused token from an unknown resource.
    expect(res.body).toEqual({ error: { code: 'RESOURCE_NOT_FOUND', message: expect.any(String) } });
    expect(res.text).not.toContain(refused);
    expect(api.requests.map((r) => [r.path, r.status])).toEqual([[PAYMENT_PATH, 401]]);
    expect(events).toEqual([]);
    expect(errors.map((e) => e.error.code)).toEqual(['API_UNAUTHORIZED']);
  });

  it('responds 404 RESOURCE_NOT_FOUND and reports API_UNAUTHORIZED when a resolver returns a token the API refuses', async () => {
    const { app, events, errors } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: async () => 'APP_USR-wrong-seller-token',
    });
    const res = await send(app, ipnDelivery('payment', PAYMENT_ID)).expect(404);
    expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
    expect(errors.map((e) => e.error.code)).toEqual(['API_UNAUTHORIZED']);
    expect(res.text).not.toContain('APP_USR-wrong-seller-token');
    expect(events).toEqual([]);
  });

  const LEAKY = 'APP_USR-token-inside-the-error-message-7777';
  it.each([
    [
      'throws',
      () => {
        throw new Error(`vault lookup failed for ${LEAKY}`);
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error(`vault lookup failed for ${LEAKY}`);
      },
    ],
    ['returns an empty string', () => ''],
    ['returns a non-string', () => 42 as unknown as string],
  ])(
    'responds 404 RESOURCE_NOT_FOUND and reports ACCESS_TOKEN_UNAVAILABLE when the resolver %s, leaking no token and reading nothing',
    async (_label, resolver) => {
      const { app, events, errors } = appFor({ secret: FIXTURE_SECRET, accessToken: resolver });
      const res = await send(app, signedPayment()).expect(404);
      // The same answer as for a resource nobody can read: a sender cannot list the app's sellers.
      expect(res.body).toEqual({ error: { code: 'RESOURCE_NOT_FOUND', message: expect.any(String) } });
      expect(res.text).not.toContain(LEAKY);
      expect(res.text).not.toContain('vault');
      expect(res.text).not.toContain(FIXTURE_SECRET);
      expect(res.text).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
      expect(api.requests).toHaveLength(0);
      expect(events).toEqual([]);
      expect(errors.map((e) => e.error.code)).toEqual(['ACCESS_TOKEN_UNAVAILABLE']);
    },
  );

  it('processes the redelivery once the resolver recovers', async () => {
    let fail = true;
    const { app, events } = appFor({
      secret: FIXTURE_SECRET,
      accessToken: () => {
        if (fail) throw new Error('vault down');
        return TOKEN;
      },
    });
    const delivery = signedPayment();
    await send(app, delivery).expect(404);
    fail = false;
    await send(app, delivery).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });
});
