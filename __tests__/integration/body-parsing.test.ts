// How the router gets the body and the query: with or without a body parser before it, big integers, size
// limits, missing or garbage bodies, requests that are not deliveries, and which paths answer.
import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { appWith, createApp, type TestApp } from '../helpers/app.js';
import {
  fromFixture,
  ipnDelivery,
  send,
  signedWebhook,
  urlOf,
  walletConnectBody,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery, loadResource } from '../helpers/fixtures.js';
import {
  NOW_MS,
  NOW_S,
  PAYMENT,
  PAYMENT_ID,
  PAYMENT_PATH,
  signedPayment,
  signedWithoutDataId,
} from '../helpers/payment.js';

const BIG_ID = '233000061680860123';
const CHARGEBACK_PATH = `/v1/chargebacks/${BIG_ID}`;
const AGREEMENT_ID = '22abcd1235ed497f945f755fcaba3c6c';
const AGREEMENT_PATH = `/v2/wallet_connect/agreements/${AGREEMENT_ID}`;
/** Supertest fails a request that takes longer than this instead of letting a hung router reach jest's timeout. */
const ANSWER_WITHIN_MS = 5_000;

const api = useFakeApi();
beforeEach(() => {
  api.set(PAYMENT_PATH, PAYMENT);
  api.set(CHARGEBACK_PATH, loadResource('chargeback').resource);
  api.set(AGREEMENT_PATH, loadResource('wallet-connect-agreement-confirmed').resource);
});

function baseOptions(
  options: Partial<MercadoPagoNotificationsOptions> = {},
): MercadoPagoNotificationsOptions {
  return apiOptions(api, { now: () => NOW_MS, ...options });
}

/** Reads and discards the request stream without leaving a body behind, as a logging or proxy middleware might. */
const drainStream: RequestHandler = (req, _res, next) => {
  req.on('data', () => undefined);
  req.on('end', () => next());
};

type Placement = readonly [label: string, build: (options: MercadoPagoNotificationsOptions) => TestApp];
const PLACEMENTS: readonly Placement[] = [
  ['no body parser (the router reads the stream)', (o) => createApp(o)],
  ['express.json() before the router', (o) => createApp(o, 'json-before')],
  ["express.text({ type: '*/*' }) before the router", (o) => appWith(o, [express.text({ type: '*/*' })])],
  ["express.raw({ type: '*/*' }) before the router", (o) => appWith(o, [express.raw({ type: '*/*' })])],
  ['express.json() mounted after the router', (o) => appWith(o, [], [express.json()])],
];

/**
 * An unsigned chargeback webhook with no data.id in the query (confirmed by the read, as with accessToken only):
 * the id above 2^53 is only in the raw body.
 */
const chargebackFromBody = (): OutgoingDelivery => ({
  path: '/mp/webhooks',
  query: { type: 'topic_chargebacks_wh' },
  headers: { 'content-type': 'application/json', 'x-request-id': randomUUID() },
  body: `{"actions":["changed_case_status"],"type":"topic_chargebacks_wh","user_id":634060442,"data":{"id":${BIG_ID},"payment_id":81968653106}}`,
});
/** Router options that read with accessToken and verify no signature: the body then names the chargeback. */
const unsignedOptions = (): MercadoPagoNotificationsOptions => baseOptions({ secret: undefined });

const timed = (test: request.Test) => test.timeout(ANSWER_WITHIN_MS);

describe.each(PLACEMENTS)('with %s', (_label, build) => {
  it('emits payment.approved for a signed payment webhook', async () => {
    const { app, events } = build(baseOptions());
    await timed(send(app, signedPayment())).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });

  it('emits payment.approved for an IPN', async () => {
    const { app, events } = build(baseOptions());
    await timed(send(app, ipnDelivery('payment', PAYMENT_ID))).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'api']]);
  });

  it('classifies a body-only Point delivery from the body it received', async () => {
    api.set('/point/integration-api/payment-intents/intent-77', { id: 'intent-77', state: 'FINISHED' });
    const { app, events } = build(baseOptions());
    const delivery = signedWithoutDataId(
      { topic: 'point_integration_wh' },
      JSON.stringify({ id: 'intent-77', state: 'FINISHED' }),
    );
    await timed(send(app, delivery)).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['point_intent.finished', 'intent-77']]);
  });

  it("keeps the chargeback fixture's id '233000061680860123' as resourceId (from the query)", async () => {
    const fixture = loadDelivery('webhook-chargebacks-wh');
    const { app, events } = build(baseOptions({ now: () => 1720035618_000 + 5_000 }));
    await timed(send(app, fromFixture(fixture))).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['chargeback.opened', BIG_ID]]);
    expect(api.requests.map((r) => r.path)).toEqual([CHARGEBACK_PATH]);
  });

  it('answers a delivery with no body from its signed query', async () => {
    const { app, events } = build(baseOptions());
    const delivery = signedPayment();
    const test = request(app).post(urlOf(delivery)).timeout(ANSWER_WITHIN_MS);
    for (const [name, value] of Object.entries(delivery.headers))
      if (name !== 'content-type') test.set(name, value);
    await test.expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });
});

describe('big integers in the body', () => {
  it.each([
    ['the router parses', (o: MercadoPagoNotificationsOptions) => createApp(o)],
    [
      "express.text({ type: '*/*' }) runs before",
      (o: MercadoPagoNotificationsOptions) => appWith(o, [express.text({ type: '*/*' })]),
    ],
    [
      "express.raw({ type: '*/*' }) runs before",
      (o: MercadoPagoNotificationsOptions) => appWith(o, [express.raw({ type: '*/*' })]),
    ],
  ])("keeps '233000061680860123' as resourceId from the raw body when %s", async (_label, build) => {
    const { app, events } = build(unsignedOptions());
    await timed(send(app, chargebackFromBody())).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['chargeback.opened', BIG_ID]]);
    expect((events[0]?.delivery.body as { data: { id: unknown } }).data.id).toBe(BIG_ID);
    expect(api.requests.map((r) => r.path)).toEqual([CHARGEBACK_PATH]);
  });

  it("keeps the raw chargeback fixture's body ids as strings of every digit when the router parses", async () => {
    const fixture = loadDelivery('webhook-chargebacks-wh');
    const { app, events } = createApp(baseOptions({ now: () => 1720035618_000 + 5_000 }));
    await send(app, fromFixture(fixture)).expect(200);
    const body = events[0]?.delivery.body as { data: { id: unknown }; application_id: unknown };
    expect(body.data.id).toBe(BIG_ID);
    expect(body.application_id).toBe('9007201037432481');
    expect(events[0]?.delivery.applicationId).toBe('9007201037432481');
  });

  it('never reads or emits a rounded id when express.json() already rounded the body-only id', async () => {
    const { app, events } = createApp(unsignedOptions(), 'json-before');
    const res = await timed(send(app, chargebackFromBody()));
    expect(res.status).toBeLessThan(500);
    const rounded = String(Number(BIG_ID));
    expect(rounded).not.toBe(BIG_ID);
    expect(api.requests.filter((r) => r.path !== CHARGEBACK_PATH)).toEqual([]);
    expect(events.filter((e) => e.resourceId === rounded)).toEqual([]);
  });
});

describe('body size', () => {
  /** A signed payment webhook whose JSON body is exactly `bytes` long. */
  function paddedPayment(bytes: number): OutgoingDelivery {
    const delivery = signedPayment({ body: { type: 'payment', data: { id: PAYMENT_ID }, pad: '' } });
    const pad = 'x'.repeat(bytes - Buffer.byteLength(delivery.body));
    const body = JSON.stringify({ type: 'payment', data: { id: PAYMENT_ID }, pad });
    expect(Buffer.byteLength(body)).toBe(bytes);
    return { ...delivery, body };
  }

  it('responds 413 BODY_TOO_LARGE for a body one byte over 64 KiB, and emits nothing', async () => {
    const { app, events } = createApp(baseOptions());
    const res = await timed(send(app, paddedPayment(64 * 1024 + 1))).expect(413);
    expect(res.body).toEqual({ error: { code: 'BODY_TOO_LARGE', message: expect.any(String) } });
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const { app, events } = createApp(baseOptions());
    await timed(send(app, paddedPayment(64 * 1024))).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('responds 413 BODY_TOO_LARGE past bodyLimitBytes and accepts a body at the limit', async () => {
    const small = createApp(baseOptions({ bodyLimitBytes: 1024 }));
    const res = await timed(send(small.app, paddedPayment(1025))).expect(413);
    expect(res.body.error.code).toBe('BODY_TOO_LARGE');
    expect(small.events).toEqual([]);

    const atLimit = createApp(baseOptions({ bodyLimitBytes: 1024 }));
    await timed(send(atLimit.app, paddedPayment(1024))).expect(200);
    expect(atLimit.events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('responds 413 BODY_TOO_LARGE for a chunked body without Content-Length that crosses the limit', async () => {
    const { app, events } = createApp(baseOptions({ bodyLimitBytes: 1024 }));
    const delivery = signedPayment();
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: urlOf(delivery),
            headers: delivery.headers,
            timeout: ANSWER_WITHIN_MS,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) =>
          error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
        );
        req.on('timeout', () => req.destroy(new Error('no answer')));
        for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
        req.end();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'BODY_TOO_LARGE', message: expect.any(String) },
      });
      expect(events).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('bodies that are only a hint', () => {
  it.each([
    ['not JSON at all', 'this is {not json'],
    ['truncated JSON', '{"type":"payment","data":{"id":"42'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"payment"'],
  ])('verifies a signed query whose body is %s', async (_label, body) => {
    const { app, events } = createApp(baseOptions());
    await timed(send(app, { ...signedPayment(), body })).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
  });

  it('verifies a signed query with a garbage body when express.text() runs before', async () => {
    const { app, events } = appWith(baseOptions(), [express.text({ type: '*/*' })]);
    await timed(send(app, { ...signedPayment(), body: '<xml>nope</xml>' })).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('answers (and does not hang) when a middleware consumed the stream and left no body', async () => {
    const { app, events } = appWith(baseOptions(), [drainStream]);
    await timed(send(app, signedPayment())).expect(200);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('reads the stream itself when express.json() skipped a text/plain request', async () => {
    api.set('/point/integration-api/payment-intents/intent-9', { id: 'intent-9', state: 'FINISHED' });
    const { app, events } = createApp(baseOptions(), 'json-before');
    const delivery = signedWithoutDataId(
      { topic: 'point_integration_wh' },
      JSON.stringify({ id: 'intent-9', state: 'FINISHED' }),
    );
    await timed(send(app, withHeaders(delivery, { 'content-type': 'text/plain' }))).expect(200);
    expect(events.map((e) => e.resourceId)).toEqual(['intent-9']);
  });

  it('takes the resource id from the signed query, not from a body that names another payment', async () => {
    api.set('/v1/payments/9999', { ...PAYMENT, id: 9999 });
    const { app, events } = createApp(baseOptions());
    await send(app, signedPayment({ body: { type: 'payment', data: { id: '9999' }, id: 1 } })).expect(200);
    expect(events.map((e) => e.resourceId)).toEqual([PAYMENT_ID]);
    expect(api.readsOf('/v1/payments/9999')).toBe(0);
  });
});

describe('requests that are not deliveries', () => {
  it.each([
    ['no query and an empty object body', '/mp/webhooks', '{}'],
    ['no query and an unrelated JSON body', '/mp/webhooks', '{"hello":"world"}'],
    ['no query and no body', '/mp/ipn', ''],
    ['only unrelated query parameters', '/mp/webhooks?cliente=seller42', '{}'],
  ])('responds 400 INVALID_DELIVERY for %s', async (_label, url, body) => {
    const { app, events } = createApp(baseOptions());
    const res = await timed(request(app).post(url).set('content-type', 'application/json').send(body)).expect(
      400,
    );
    expect(res.body).toEqual({ error: { code: 'INVALID_DELIVERY', message: expect.any(String) } });
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    ['data.id', (d: OutgoingDelivery) => `${urlOf(d)}&data.id=4243`],
    ['type', (d: OutgoingDelivery) => `${urlOf(d)}&type=order`],
    ['id', () => `/mp/ipn?id=${PAYMENT_ID}&id=4243&topic=payment`],
    ['topic', () => `/mp/ipn?id=${PAYMENT_ID}&topic=payment&topic=merchant_order`],
  ])('responds 400 INVALID_DELIVERY when the query repeats %s', async (_key, url) => {
    const { app, events } = createApp(baseOptions());
    const delivery = signedPayment();
    const test = request(app).post(url(delivery));
    for (const [name, value] of Object.entries(delivery.headers)) test.set(name, value);
    const res = await timed(test.send(delivery.body)).expect(400);
    expect(res.body.error.code).toBe('INVALID_DELIVERY');
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  // Other methods than POST: __tests__/integration/methods.test.ts (405, Allow: POST).
});

describe('paths', () => {
  const agreementConfirmed = () =>
    walletConnectBody(AGREEMENT_ID, 'confirmed_by_user', { date: '2026-01-14T23:59:00Z' });

  /** A signed Wallet Connect delivery with a query, sent to `path`. */
  const signedWalletConnect = (path: string): OutgoingDelivery => ({
    ...signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: AGREEMENT_ID,
      type: 'wallet_connect',
      ts: NOW_S - 10,
      body: agreementConfirmed(),
    }),
    path,
  });

  /** [format, delivery for a route path, expected event name, expected verifiedBy]. */
  const FORMATS: ReadonlyArray<[string, (path: string) => OutgoingDelivery, string, string]> = [
    ['a signed Webhook', (path) => ({ ...signedPayment(), path }), 'payment.approved', 'signature+api'],
    ['an IPN', (path) => ipnDelivery('payment', PAYMENT_ID, randomUUID(), path), 'payment.approved', 'api'],
    [
      'a signed Wallet Connect delivery with a query',
      signedWalletConnect,
      'agreement.confirmed',
      'signature+api',
    ],
    [
      // Its signature covers no data.id, so it vouches for no agreement: the read confirms the delivery.
      'a Wallet Connect delivery recognised from its body, signed without data.id',
      (path) => ({
        ...signedWithoutDataId({}, JSON.stringify(agreementConfirmed())),
        path,
      }),
      'agreement.confirmed',
      'api',
    ],
    [
      'an unsigned Wallet Connect delivery',
      (path) => ({
        path,
        query: { 'data.id': AGREEMENT_ID, type: 'wallet_connect' },
        headers: { 'content-type': 'application/json', 'x-request-id': randomUUID() },
        body: JSON.stringify(agreementConfirmed()),
      }),
      'agreement.confirmed',
      'api',
    ],
  ];
  const cases = ['/mp/webhooks', '/mp/ipn', '/mp/wallet-connect'].flatMap((path) =>
    FORMATS.map(
      ([format, build, name, verifiedBy]) =>
        [`emits ${name} for ${format} on ${path}`, path, build, name, verifiedBy] as const,
    ),
  );

  it.each(cases)('%s', async (_title, path, build, name, verifiedBy) => {
    const { app, events } = createApp(baseOptions());
    await timed(send(app, build(path))).expect(200);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([[name, verifiedBy]]);
  });

  it('serves custom paths and no longer the defaults', async () => {
    api.set('/v1/payments/4343', { ...PAYMENT, id: 4343 });
    const options = baseOptions({ paths: { webhooks: '/hooks', ipn: '/feed', walletConnect: '/wc' } });
    const { app, events } = createApp(options);
    await timed(send(app, { ...signedPayment(), path: '/mp/hooks' })).expect(200);
    await timed(send(app, ipnDelivery('payment', '4343', randomUUID(), '/mp/feed'))).expect(200);
    await timed(send(app, signedWalletConnect('/mp/wc'))).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([
      ['payment.approved', PAYMENT_ID],
      ['payment.approved', '4343'],
      ['agreement.confirmed', AGREEMENT_ID],
    ]);

    for (const path of ['/mp/webhooks', '/mp/ipn', '/mp/wallet-connect']) {
      await timed(send(app, { ...signedPayment(), path })).expect(404);
    }
    expect(events).toHaveLength(3);
  });

  it('serves a custom path given for one route next to the other defaults', async () => {
    api.set('/v1/payments/4343', { ...PAYMENT, id: 4343 });
    const { app, events } = createApp(baseOptions({ paths: { ipn: '/feed' } }));
    await timed(send(app, ipnDelivery('payment', '4343', randomUUID(), '/mp/feed'))).expect(200);
    await timed(send(app, { ...signedPayment(), path: '/mp/webhooks' })).expect(200);
    await timed(send(app, { ...signedPayment(), path: '/mp/ipn' })).expect(404);
    expect(events.map((e) => e.resourceId)).toEqual(['4343', PAYMENT_ID]);
  });
});
