// The delivery inspector through the real router: who may open it, when it stays off, what its event stream
// reports for each kind of delivery (and the exact failure reasons), its bound, and what it never shows.
// Resources come from the fake Mercado Pago API on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { RequestHandler } from 'express';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { appWith, createApp, type TestApp } from '../helpers/app.js';
import {
  fromFixture,
  ipnDelivery,
  paymentWebhook,
  send,
  signedWebhook,
  withHeaders,
} from '../helpers/deliveries.js';
import { TOKEN, apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, clockFor, loadDelivery } from '../helpers/fixtures.js';
import { listen, openInspectorStream, type InspectorStream, type RunningApp } from '../helpers/inspector.js';

const api = useFakeApi();

const PAGE = '/mp/_inspector';
const EVENTS = '/mp/_inspector/events';

/** Pretends the request came from another host: the socket's own address, which the inspector reads. */
function fromAddress(address: string): RequestHandler {
  return (req, _res, next) => {
    Object.defineProperty(req.socket, 'remoteAddress', { value: address, configurable: true });
    next();
  };
}

/** Runs `body` with NODE_ENV set to `value`, restoring it afterwards. */
async function withNodeEnv(value: string, body: () => Promise<void>): Promise<void> {
  const saved = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = value;
  try {
    await body();
  } finally {
    if (saved === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = saved;
  }
}

describe('who can open the inspector', () => {
  it('serves a self-contained page at <mount>/_inspector with a strict Content-Security-Policy', async () => {
    const { app } = createApp(apiOptions(api, { inspector: true }));
    const res = await request(app).get(PAGE).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'nonce-/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<title>Mercado Pago delivery inspector</title>');
    expect(res.text).toContain(`data-events="${EVENTS}"`);
    // No CDN, no external file: nothing is loaded from anywhere else.
    expect(res.text).not.toMatch(/\s(src|href)=/i);
  });

  it('answers 404 on both routes when the inspector is not asked for', async () => {
    const { app } = createApp(apiOptions(api));
    await request(app).get(PAGE).expect(404);
    await request(app).get(EVENTS).expect(404);
  });

  it('answers 404 when inspector is false', async () => {
    const { app } = createApp(apiOptions(api, { inspector: false }));
    await request(app).get(PAGE).expect(404);
  });

  it('answers 403 on both routes to a client whose socket is not on loopback', async () => {
    const { app } = appWith(apiOptions(api, { inspector: true }), [fromAddress('203.0.113.7')]);
    const res = await request(app).get(PAGE).expect(403);
    expect(res.text).toContain('allowRemote');
    await request(app).get(EVENTS).expect(403);
  });

  it('answers 403 to a remote socket even when X-Forwarded-For claims loopback', async () => {
    const { app } = appWith(apiOptions(api, { inspector: true }), [fromAddress('::ffff:203.0.113.7')]);
    await request(app).get(PAGE).set('x-forwarded-for', '127.0.0.1').expect(403);
  });

  it('answers a loopback socket whatever X-Forwarded-For says', async () => {
    const { app } = createApp(apiOptions(api, { inspector: true }));
    await request(app).get(PAGE).set('x-forwarded-for', '203.0.113.7').expect(200);
  });

  it('answers a remote socket with allowRemote: true', async () => {
    const options = apiOptions(api, { inspector: { allowRemote: true } });
    const { app } = appWith(options, [fromAddress('203.0.113.7')]);
    await request(app).get(PAGE).expect(200);
  });
});

describe('NODE_ENV=production', () => {
  it('keeps the inspector off, warns once per process, and still handles deliveries', async () => {
    // Jest's sandboxed `process` does not receive 'warning' events: watch the calls instead (Node's API, not ours).
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await withNodeEnv('production', async () => {
        const first = createApp(apiOptions(api, { inspector: true }));
        createApp(apiOptions(api, { inspector: { max: 5 } }));
        await request(first.app).get(PAGE).expect(404);
        await request(first.app).get(EVENTS).expect(404);
        storePayment(api, '501');
        await send(first.app, paymentWebhook('501')).expect(200);
        expect(first.events.map((e) => e.name)).toEqual(['payment.approved']);
      });
      expect(emitWarning.mock.calls).toEqual([
        [
          expect.stringContaining('set `inspector: { force: true }`'),
          { code: 'MERCADOPAGO_NOTIFICATIONS_INSPECTOR_OFF' },
        ],
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('turns the inspector on with force: true', async () => {
    await withNodeEnv('production', async () => {
      const { app } = createApp(apiOptions(api, { inspector: { force: true } }));
      await request(app).get(PAGE).expect(200);
    });
  });
});

describe('the event stream', () => {
  let running: RunningApp | undefined;
  let stream: InspectorStream | undefined;
  afterEach(async () => {
    stream?.close();
    stream = undefined;
    await running?.close();
    running = undefined;
  });

  /** A router with the inspector at /mp, served on 127.0.0.1, and its stream opened. */
  async function watch(
    extra: Partial<MercadoPagoNotificationsOptions> = {},
  ): Promise<TestApp & { stream: InspectorStream }> {
    const test = createApp(apiOptions(api, { inspector: true, ...extra }));
    running = await listen(test.app);
    stream = await openInspectorStream(`${running.url}${EVENTS}`);
    return { ...test, stream };
  }

  it('opens with the headers of an event stream and an empty snapshot', async () => {
    const { stream } = await watch();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-store');
    await expect(stream.snapshot()).resolves.toEqual([]);
  });

  it('sends a row for a delivery that arrives after it opened, with every outcome of it', async () => {
    const { app, stream } = await watch();
    await stream.snapshot();
    storePayment(api, '601');
    const delivery = paymentWebhook('601', 'req-601');
    await send(app, delivery).expect(200);
    const entry = await stream.entry((e) => e.resourceId === '601');
    expect(entry).toEqual({
      id: 1,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      channel: 'webhook',
      topic: 'payment',
      action: 'payment.updated',
      resourceId: '601',
      requestId: 'req-601',
      signature: {
        ts: expect.stringMatching(/^\d{10}$/),
        ageSeconds: expect.any(Number),
        v1Prefix: delivery.headers['x-signature']?.split('v1=')[1]?.slice(0, 8),
        hashes: 1,
        manifest: expect.stringMatching(/^id:601;request-id:req-601;ts:\d{10};$/),
      },
      verification: {
        status: 'verified',
        by: 'signature+api',
        matched: { secret: 1, idCasing: 'as-received' },
      },
      dedup: 'new',
      events: ['payment.approved'],
      listeners: { count: 1, status: 'ok', failures: [] },
      answer: { status: 200, ms: expect.any(Number), beforeProcessing: false },
    });
  });

  it('says which secret and which data.id casing produced the hash', async () => {
    const { app, stream } = await watch({ secret: ['NEW-secret-after-rotation', FIXTURE_SECRET] });
    const id = 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3';
    api.set(`/v1/orders/${id}`, { id, status: 'processed', status_detail: 'accredited', version: 2 });
    const requestId = randomUUID();
    // The Orders QR docs sign the lowercased id while the query carries it in upper case.
    const signature = signNotification({ secret: FIXTURE_SECRET, dataId: id.toLowerCase(), requestId });
    const delivery = signedWebhook({ secret: FIXTURE_SECRET, dataId: id, type: 'order', requestId });
    await send(app, withHeaders(delivery, { 'x-signature': signature })).expect(200);
    const entry = await stream.entry((e) => e.answer !== undefined);
    expect(entry.verification).toEqual({
      status: 'verified',
      by: 'signature+api',
      matched: { secret: 2, idCasing: 'lowercased' },
    });
  });

  it('opens with the deliveries already kept, at most `max`, the oldest dropped first', async () => {
    const test = createApp(apiOptions(api, { inspector: { max: 3 } }));
    for (const id of ['701', '702', '703', '704', '705']) {
      storePayment(api, id);
      await send(test.app, paymentWebhook(id)).expect(200);
    }
    running = await listen(test.app);
    stream = await openInspectorStream(`${running.url}${EVENTS}`);
    const snapshot = await stream.snapshot();
    expect(snapshot.map((e) => [e.id, e.resourceId])).toEqual([
      [3, '703'],
      [4, '704'],
      [5, '705'],
    ]);
  });

  it('reports which copy a duplicate is: a resent delivery, or its signature replayed with another type', async () => {
    const { app, stream } = await watch();
    storePayment(api, '801');
    const original = paymentWebhook('801');
    await send(app, original).expect(200);
    await send(app, original).expect(200);
    // Mercado Pago signs neither the type nor the body: the same signature on a topic whose event rests on the
    // signature alone is a replay.
    await send(app, { ...original, query: { 'data.id': '801', type: 'topic_brand_new_feature_wh' } }).expect(
      200,
    );
    const dedups = await Promise.all([1, 2, 3].map((id) => stream.entry((e) => e.id === id)));
    expect(dedups.map((e) => [e.topic, e.dedup, e.events])).toEqual([
      ['payment', 'new', ['payment.approved']],
      ['payment', 'duplicate delivery', []],
      ['topic_brand_new_feature_wh', 'replayed signature', []],
    ]);
  });

  describe('names the exact reason a delivery failed', () => {
    const cases: Array<
      [string, Partial<MercadoPagoNotificationsOptions>, () => Parameters<typeof send>[1], string, string]
    > = [
      [
        'a signature made with another secret and no x-request-id',
        { secret: [FIXTURE_SECRET, 'second-secret'] },
        () => signedWebhook({ secret: 'wrong-secret', dataId: '901', type: 'payment', requestId: null }),
        'SIGNATURE_MISMATCH',
        'signature mismatch: tried 2 secrets x 1 id casing; x-request-id missing',
      ],
      [
        'an upper-case data.id signed with another secret',
        {},
        () => signedWebhook({ secret: 'wrong-secret', dataId: 'ORD01ABC', type: 'order' }),
        'SIGNATURE_MISMATCH',
        'signature mismatch: tried 1 secret x 2 id casings.',
      ],
      [
        'a v1 that is not 64 hex characters',
        {},
        () => withHeaders(paymentWebhook('902'), { 'x-signature': 'ts=1766237532,v1=abc' }),
        'SIGNATURE_MISMATCH',
        '1 v1 value not 64 lowercase hex characters',
      ],
      [
        'an x-signature without v1',
        {},
        () => withHeaders(paymentWebhook('903'), { 'x-signature': 'ts=1766237532,v2=abc' }),
        'SIGNATURE_MALFORMED',
        'x-signature has no v1= hash',
      ],
      [
        'no x-signature at all',
        {},
        () => withHeaders(paymentWebhook('904'), { 'x-signature': undefined }),
        'SIGNATURE_MISSING',
        'the delivery has no x-signature header',
      ],
      [
        'a ts outside toleranceSeconds',
        { toleranceSeconds: 300 },
        () => signedWebhook({ secret: FIXTURE_SECRET, dataId: '905', type: 'payment', ts: 1_000_000_000 }),
        'SIGNATURE_EXPIRED',
        'outside the toleranceSeconds window of 300 s',
      ],
      [
        'an IPN of a payment the API does not know',
        {},
        () => ipnDelivery('payment', '906'),
        'RESOURCE_NOT_FOUND',
        'API read: GET /v1/payments/906 answered 404',
      ],
      [
        'an IPN read with a token the API refuses',
        { accessToken: 'APP_USR-refused-token' },
        () => ipnDelivery('payment', '907'),
        'API_UNAUTHORIZED',
        'API read: GET /v1/payments/907 answered 401',
      ],
    ];

    it.each(cases)('%s', async (_label, options, delivery, code, reason) => {
      const { app, stream } = await watch(options);
      await send(app, delivery());
      const entry = await stream.entry((e) => e.answer !== undefined);
      expect(entry.verification.status).toBe('failed');
      expect(entry.verification.reason).toContain(reason);
      expect(entry.answer?.error?.code).toBe(code);
      expect(entry.events).toEqual([]);
    });

    it('an IPN whose API read times out', async () => {
      const { app, stream } = await watch({ fetchTimeoutMs: 200 });
      storePayment(api, '908');
      api.fail('/v1/payments/908', { delayMs: 3_000 }, { delayMs: 3_000 });
      await send(app, ipnDelivery('payment', '908')).expect(504);
      const entry = await stream.entry((e) => e.answer !== undefined);
      expect(entry.verification).toEqual({
        status: 'failed',
        by: 'api',
        reason: 'API read: GET /v1/payments/908 took longer than 200 ms',
      });
    });

    it('a request that is not a delivery, showing the query values it carried as text', async () => {
      const { app, stream } = await watch();
      await request(app)
        .post('/mp/webhooks?data.id=%3Cscript%3Ealert(1)%3C%2Fscript%3E&type=payment')
        .send({})
        .expect(400);
      const entry = await stream.entry((e) => e.answer !== undefined);
      expect(entry).toMatchObject({
        topic: 'payment',
        resourceId: '<script>alert(1)</script>',
        verification: { status: 'not reached' },
        answer: {
          status: 400,
          error: {
            code: 'INVALID_DELIVERY',
            message: 'not a Mercado Pago delivery: the resource id has unexpected characters',
          },
        },
      });
    });
  });

  it('shows failing listeners with their messages, secrets and tokens masked', async () => {
    const { app, mp, stream } = await watch();
    mp.on('payment.approved', () => {
      throw new Error(`cannot fulfil: secret ${FIXTURE_SECRET}, header Bearer ${TOKEN}, token ${TOKEN}`);
    });
    storePayment(api, '1001');
    await send(app, paymentWebhook('1001')).expect(500);
    const entry = await stream.entry((e) => e.answer !== undefined);
    expect(entry.events).toEqual(['payment.approved']);
    expect(entry.listeners).toEqual({
      count: 2,
      status: 'failed',
      failures: [
        'a listener for payment.approved failed: cannot fulfil: secret [secret], header [token], token [token]',
      ],
    });
    expect(entry.answer?.error?.code).toBe('LISTENER_FAILED');
  });

  it('updates the row when listeners finish after a LISTENER_TIMEOUT answer', async () => {
    const { app, mp, stream } = await watch({ handlerTimeoutMs: 100 });
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    mp.on('payment.approved', () => finished);
    storePayment(api, '1101');
    await send(app, paymentWebhook('1101')).expect(503);
    const answered = await stream.entry((e) => e.answer !== undefined);
    expect(answered.listeners).toEqual({ count: 2, status: 'running', failures: [] });
    expect(answered.answer?.error?.code).toBe('LISTENER_TIMEOUT');
    finish();
    const updated = await stream.entry((e) => e.id === answered.id && e.listeners?.status === 'ok');
    expect(updated.answer).toEqual(answered.answer);
  });

  it('records a fraud alert, verified, when it is answered, then updates the row when processing ends', async () => {
    const fixture = loadDelivery('webhook-stop-delivery-op-wh');
    const { app, events, stream } = await watch({ now: () => clockFor(fixture) });
    storePayment(api, '58980959081');
    await send(app, fromFixture(fixture)).expect(200);
    const early = await stream.entry((e) => e.answer?.beforeProcessing === true);
    expect(early.topic).toBe('stop_delivery_op_wh');
    expect(early.answer?.status).toBe(200);
    // The signature is checked before the answer; the read and the listeners come after it.
    expect(early.verification).toEqual({
      status: 'verified',
      by: 'signature+api',
      matched: { secret: 1, idCasing: 'as-received' },
    });
    expect(early.processed).toBeUndefined();
    const done = await stream.entry((e) => e.id === early.id && e.processed !== undefined);
    expect(done).toMatchObject({
      verification: { status: 'verified', by: 'signature+api', matched: { secret: 1 } },
      dedup: 'new',
      events: ['fraud_alert.created'],
      answer: early.answer,
      processed: { ms: expect.any(Number) },
    });
    expect(events.map((e) => e.name)).toEqual(['fraud_alert.created']);
  });

  it('shows a forged fraud alert, refused with 401 before any answer, with the reason its signature was refused', async () => {
    const { app, events, stream } = await watch();
    const forged = signedWebhook({ secret: 'attacker-secret', dataId: '1401', type: 'stop_delivery_op_wh' });
    await send(app, forged).expect(401);
    const done = await stream.entry((e) => e.answer !== undefined);
    expect(done).toMatchObject({
      topic: 'stop_delivery_op_wh',
      verification: {
        status: 'failed',
        reason: expect.stringContaining('signature mismatch: tried 1 secret'),
      },
      answer: { status: 401, beforeProcessing: false, error: { code: 'SIGNATURE_MISMATCH' } },
      events: [],
    });
    expect(done.processed).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('marks an IPN verified by the API read once it succeeds', async () => {
    const { app, stream } = await watch();
    storePayment(api, '1201');
    await send(app, ipnDelivery('payment', '1201')).expect(200);
    const entry = await stream.entry((e) => e.answer !== undefined);
    expect(entry).toMatchObject({
      channel: 'ipn',
      verification: { status: 'verified', by: 'api' },
      events: ['payment.approved'],
    });
  });

  it('refuses a stream past 32 open at once with 503', async () => {
    const test = createApp(apiOptions(api, { inspector: true }));
    running = await listen(test.app);
    const url = `${running.url}${EVENTS}`;
    const open = await Promise.all(Array.from({ length: 32 }, () => openInspectorStream(url)));
    try {
      expect(open.map((s) => s.status)).toEqual(Array.from({ length: 32 }, () => 200));
      const extra = await fetch(url);
      expect(extra.status).toBe(503);
    } finally {
      for (const s of open) s.close();
    }
  });
});

describe('what the inspector never shows', () => {
  it('keeps secrets, tokens and whole v1 hashes out of the page and the stream', async () => {
    const test = createApp(
      apiOptions(api, { inspector: true, secret: [FIXTURE_SECRET, 'SECOND-secret-value'] }),
    );
    test.mp.on('payment', () => {
      throw new Error(`listener saw ${FIXTURE_SECRET} and ${TOKEN}`);
    });
    const running = await listen(test.app);
    const stream = await openInspectorStream(`${running.url}${EVENTS}`);
    try {
      storePayment(api, '1301');
      const valid = paymentWebhook('1301');
      const forged = signedWebhook({ secret: 'attacker-secret', dataId: '1302', type: 'payment' });
      const ipn = ipnDelivery('payment', '1301', randomUUID());
      for (const delivery of [valid, forged, ipn]) await send(test.app, delivery);
      await stream.entry((e) => e.id === 3 && e.answer !== undefined);
      const page = await request(test.app).get(PAGE).expect(200);
      const hashes = [valid, forged, ipn].map((d) => d.headers['x-signature']?.split('v1=')[1] ?? '');
      for (const text of [page.text, stream.text()]) {
        for (const secret of [FIXTURE_SECRET, 'SECOND-secret-value', TOKEN, ...hashes]) {
          expect(text).not.toContain(secret);
        }
        expect(text).not.toMatch(/[0-9a-f]{64}/);
      }
      // Control: the stream did report the three deliveries.
      expect(stream.text()).toContain('"resourceId":"1302"');
      expect(stream.text()).toContain('"channel":"ipn"');
    } finally {
      stream.close();
      await running.close();
    }
  });
});
