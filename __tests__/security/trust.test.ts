// The attacks of the trust review, each written as the attacker sends it: with nothing but an HTTP client and,
// in some cases, one signature copied from a genuine delivery. Every event's name, subject and dedup keys must come
// from signed values or from the API's answer; what a sender chooses freely (type, action, body, an unsigned
// x-request-id) only chooses which read to make.
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';
import createDebug from 'debug';
import request from 'supertest';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { MAX_API_ANSWER_BYTES } from '../../src/api.js';
import { createApp, serveOnLoopback, type ServedApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { send, signedWebhook, withBody, withQuery, type OutgoingDelivery } from '../helpers/deliveries.js';
import { TOKEN, apiOptions, useFakeApiWith } from '../helpers/fake-api.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import {
  NOW_MS,
  NOW_S,
  PAYMENT,
  PAYMENT_ID,
  PAYMENT_PATH,
  signedPayment,
  signedWithoutDataId,
} from '../helpers/payment.js';
import { SHIPMENT_PATH, shipment } from '../helpers/resources.js';
import { sleep, waitFor } from '../helpers/timing.js';

const SELLER = '424242';
const SELLER_TOKEN = 'APP_USR-seller-424242-token';
const api = useFakeApiWith({ accessTokens: [TOKEN], accounts: { [SELLER_TOKEN]: SELLER } });

function appFor(extra: Partial<MercadoPagoNotificationsOptions> = {}) {
  return createApp(apiOptions(api, { now: () => NOW_MS, ...extra }));
}

/** An unsigned request, as anyone can send it. */
function unsigned(
  path: string,
  query: Record<string, string>,
  body: unknown = '',
  headers: Record<string, string> = {},
): OutgoingDelivery {
  return {
    path,
    query,
    headers: { 'content-type': 'application/json', 'x-request-id': crypto.randomUUID(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A genuine delivery signed without data.id, as Point, Card Updater and Delivery are; the attacker copies it. */
function capturedWithoutDataId(query: Record<string, string>, body: unknown): OutgoingDelivery {
  return signedWithoutDataId(query, JSON.stringify(body));
}

/** Runs `work` with the package's debug namespaces captured, and returns every line they printed. */
async function debugLinesOf(namespaces: string, work: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const { log } = createDebug;
  const previous = process.env['DEBUG'];
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  createDebug.enable(namespaces);
  try {
    await work();
  } finally {
    createDebug.log = log;
    createDebug.enable(previous ?? '');
  }
  return lines.join('\n');
}

/** A fetch that holds every API read until `open()`: the Mercado Pago API at its slowest. */
function gatedFetch() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started = 0;
  const fetch: typeof globalThis.fetch = async (...args) => {
    started++;
    await gate;
    return globalThis.fetch(...args);
  };
  return { fetch, open, started: () => started };
}

describe('1. a forged IPN cannot become a fraud alert', () => {
  it.each([
    ['delivery_cancellation', '/mp/ipn'],
    ['stop_delivery_op_wh', '/mp/ipn'],
  ])(
    'responds 401 UNVERIFIABLE_DELIVERY at once to an unsigned ?topic=%s about a readable payment, reading nothing',
    async (topic, path) => {
      api.set(PAYMENT_PATH, PAYMENT);
      const { app, events, errors } = appFor();
      const res = await send(app, unsigned(path, { topic, id: PAYMENT_ID }));
      expect(answerOf(res)).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
      await sleep(50); // nothing runs after the answer either
      expect(events).toEqual([]);
      expect(api.requests).toEqual([]);
      expect(errors.map((e) => e.error.code)).toEqual(['UNVERIFIABLE_DELIVERY']);
      expect(errors[0]?.error.message).toContain('emitted only on a verified signature');
    },
  );

  it('responds 401 to a fraud alert Webhook without x-signature, with accessToken only too', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, events } = appFor({ secret: undefined });
    const res = await send(
      app,
      unsigned('/mp/webhooks', { 'data.id': PAYMENT_ID, type: 'stop_delivery_op_wh' }, { action: 'Created' }),
    );
    expect(answerOf(res)).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

describe('2. a copied payment signature cannot make an account-linking event that costs a genuine one', () => {
  /** The genuine payment delivery, and the attacker's copy of its signature as an mp-connect deauthorization. */
  function captured() {
    api.set(PAYMENT_PATH, PAYMENT);
    const genuine = signedPayment();
    const forged = withBody(withQuery(genuine, { 'data.id': PAYMENT_ID, type: 'mp-connect' }), {
      action: 'application.deauthorized',
      user_id: Number(SELLER),
    });
    return { genuine, forged };
  }

  it('still emits the genuine payment.approved after its signature was spent first on an mp-connect event', async () => {
    const { genuine, forged } = captured();
    const { app, events } = appFor();
    // The protocol leaves this one spend open (Mercado Pago signs neither type nor body): signature only.
    expect(answerOf(await send(app, forged))).toEqual([200, undefined]);
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['application.deauthorized', SELLER, 'signature'],
      ['payment.approved', PAYMENT_ID, 'signature+api'],
    ]);
  });

  it('emits nothing for the copy once the genuine delivery used the signature', async () => {
    const { genuine, forged } = captured();
    const { app, events } = appFor();
    await send(app, genuine).expect(200);
    expect(answerOf(await send(app, forged))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it("refuses the deauthorization when the seller's own token still works (GET /users/me), and loses nothing", async () => {
    const { genuine, forged } = captured();
    const { app, events, errors } = appFor({
      accessToken: ({ userId }) => (userId === SELLER ? SELLER_TOKEN : TOKEN),
    });
    expect(answerOf(await send(app, forged))).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(errors[0]?.error.message).toContain('contradicted by the API');
    expect(api.readsOf('/users/me')).toBe(1);
    // The refused copy recorded nothing: the genuine delivery that carried the signature is processed.
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it("confirms a deauthorization with the API when the seller's token is refused: verifiedBy signature+api", async () => {
    const { forged } = captured();
    api.revoke(SELLER_TOKEN);
    const { app, events } = appFor({
      accessToken: ({ userId }) => (userId === SELLER ? SELLER_TOKEN : TOKEN),
    });
    expect(answerOf(await send(app, forged))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['application.deauthorized', SELLER, 'signature+api'],
    ]);
  });

  it("confirms an authorization with the API when the seller's token answers the seller: signature+api", async () => {
    const { forged } = captured();
    const { app, events } = appFor({
      accessToken: ({ userId }) => (userId === SELLER ? SELLER_TOKEN : TOKEN),
    });
    const authorized = withBody(forged, { action: 'application.authorized', user_id: Number(SELLER) });
    expect(answerOf(await send(app, authorized))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['application.authorized', 'signature+api']]);
  });
});

describe('2b. a copy racing the genuine delivery it was copied from does not take its event (found by the trust oracle)', () => {
  it('emits the genuine agreement.confirmed after a concurrent copy spent the signature on payment_method_updated', async () => {
    const agreementId = '22abcd1235ed497f945f755fcaba3c00';
    api.set(`/v2/wallet_connect/agreements/${agreementId}`, { id: agreementId, status: 'confirmed_by_user' });
    const gated = gatedFetch();
    const { app, events } = appFor({ fetch: gated.fetch });
    const genuine = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: agreementId,
      type: 'wallet_connect',
      ts: NOW_S - 10,
      path: '/mp/wallet-connect',
      body: { type: 'wallet_connect', action: 'status.updated', data: { id: agreementId } },
    });
    const copy = withBody(genuine, {
      type: 'wallet_connect',
      action: 'payment_method.updated',
      data: { id: agreementId },
    });
    const copyAnswer = send(app, copy).then((res) => res); // supertest sends once awaited
    await waitFor(() => gated.started() === 1); // the copy holds the delivery, reading
    const genuineAnswer = send(app, genuine).then((res) => res);
    await sleep(100); // the genuine delivery finds it held and waits
    gated.open();
    expect([answerOf(await copyAnswer), answerOf(await genuineAnswer)]).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    expect(events.map((e) => e.name).sort()).toEqual([
      'agreement.confirmed',
      'agreement.payment_method_updated',
    ]);
  });

  it('emits the genuine fraud alert after a concurrent copy about a payment that does not exist failed', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const gated = gatedFetch();
    const { app, events, errors } = appFor({ fetch: gated.fetch });
    const body = (paymentId: number) => ({
      type: 'stop_delivery_op_wh',
      action: 'Created',
      data: { payment_id: paymentId },
    });
    const genuine = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: PAYMENT_ID,
      type: 'stop_delivery_op_wh',
      ts: NOW_S - 10,
      body: body(Number(PAYMENT_ID)),
    });
    // Both are answered 200 at once: fraud alerts are never resent, so what follows decides whether one is lost.
    expect(answerOf(await send(app, withBody(genuine, body(999999))))).toEqual([200, undefined]);
    await waitFor(() => gated.started() === 1);
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    await sleep(100);
    gated.open();
    await waitFor(() => events.length > 0);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['fraud_alert.created', PAYMENT_ID]]);
    expect(errors.map((e) => e.error.code)).toEqual(['RESOURCE_NOT_FOUND']);
  });
});

describe('3. a signature without data.id vouches only for the topics sent without one', () => {
  it.each([
    ['Point', { topic: 'point_integration_wh' }, { id: 'intent-1', state: 'FINISHED' }],
    ['Card Updater', { type: 'automatic-payments' }, { data: { customer_id: 'c1', new_card_id: 1 } }],
    ['Delivery', { topic: 'delivery' }, { _id: 'n1', topic: 'delivery', resource: '/shipments/12345' }],
  ])(
    'responds 401 to a %s signature copied onto ?type=stop_delivery_op_wh, even with requireSignature',
    async (_label, query, body) => {
      api.set(PAYMENT_PATH, PAYMENT);
      const { app, events, errors } = appFor({ requireSignature: true });
      const genuine = capturedWithoutDataId(query, body);
      const forged = withBody(withQuery(genuine, { type: 'stop_delivery_op_wh' }), {
        action: 'Created',
        data: { payment_id: Number(PAYMENT_ID) },
      });
      expect(answerOf(await send(app, forged))).toEqual([401, 'SIGNATURE_MISMATCH']);
      await sleep(50);
      expect(events).toEqual([]);
      expect(api.requests).toEqual([]);
      expect(errors[0]?.error.message).toContain('the signature covers no data.id');
    },
  );
});

describe('4. event names and dedup keys never come from a body id or a body action', () => {
  const AGREEMENT = '22abcd1235ed497f945f755fcaba3c6c';
  const AGREEMENT_PATH = `/v2/wallet_connect/agreements/${AGREEMENT}`;

  it('emits no agreement.payment_method_updated for unsigned Wallet Connect bodies with fresh ids: only the state, once', async () => {
    api.set(AGREEMENT_PATH, { id: AGREEMENT, status: 'confirmed_by_user' });
    const { app, events } = appFor({ secret: undefined });
    for (let i = 0; i < 5; i++) {
      const body = {
        id: crypto.randomUUID().replace(/-/g, ''),
        type: 'wallet_connect',
        entity: 'agreement',
        action: 'payment_method.updated',
        version: i,
        data: { id: AGREEMENT },
      };
      const delivery = unsigned('/mp/wallet-connect', { 'data.id': AGREEMENT, type: 'wallet_connect' }, body);
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    }
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['agreement.confirmed', 'api']]);
  });

  it('emits delivery.updated once for an unchanged order, whatever fresh _id each unsigned notification carries', async () => {
    api.set(SHIPMENT_PATH, shipment('ready_to_ship'));
    const { app, events } = appFor({ secret: undefined });
    for (let i = 0; i < 5; i++) {
      const body = { _id: crypto.randomUUID(), topic: 'delivery', resource: '/shipments/12345', actions: [] };
      expect(answerOf(await send(app, unsigned('/mp/webhooks', { topic: 'delivery' }, body)))).toEqual([
        200,
        undefined,
      ]);
    }
    await waitFor(() => api.readsOf(SHIPMENT_PATH) === 5);
    await sleep(50);
    expect(events.map((e) => e.name)).toEqual(['delivery.updated']);
  });

  it('responds 401 to Card Updater in IPN form, reading no card', async () => {
    const cardPath = '/v1/customers/c1/cards/1';
    api.set(cardPath, { id: '1', customer_id: 'c1' });
    const { app, events } = appFor();
    const ipn = unsigned(
      '/mp/ipn',
      { topic: 'topic_card_id_wh', id: '1' },
      { data: { customer_id: 'c1', new_card_id: 1 } },
    );
    expect(answerOf(await send(app, ipn))).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

describe("5. Mercado Pago's own fraud alert capture is read where it says the payment is", () => {
  it('emits fraud_alert.created for data.payment_id when data.id is the notification id', async () => {
    const paymentPath = '/v1/payments/123454321';
    api.set(paymentPath, { id: 123454321, status: 'approved', status_detail: 'accredited' });
    const { app, events } = appFor();
    // The docs' capture: ?data.id=123456, body id "123456", data.payment_id 123454321.
    const alert = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: '123456',
      type: 'stop_delivery_op_wh',
      ts: NOW_S - 10,
      body: {
        action: 'Created',
        api_version: 'v1',
        data: { description: 'desc', merchant_order: 249940988000, payment_id: 123454321, site_id: 'MLA' },
        date_created: '2026-01-14T23:59:50Z',
        id: '123456',
        live_mode: true,
        type: 'stop_delivery_op_wh',
        user_id: 224403329,
      },
    });
    expect(answerOf(await send(app, alert))).toEqual([200, undefined]);
    await waitFor(() => events.length > 0);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['fraud_alert.created', '123454321', 'signature+api'],
    ]);
    expect(api.requests.map((r) => r.path)).toEqual([paymentPath]);
  });
});

describe('6. a delivery that names its resource in a body that did not arrive is resent, not dropped', () => {
  it('responds 400 INVALID_DELIVERY to a signed Point delivery whose body is not JSON, then processes the resend', async () => {
    const intentPath = '/point/integration-api/payment-intents/intent-9';
    api.set(intentPath, { id: 'intent-9', state: 'FINISHED' });
    const { app, events } = appFor();
    const genuine = capturedWithoutDataId(
      { topic: 'point_integration_wh' },
      { id: 'intent-9', state: 'FINISHED' },
    );
    expect(answerOf(await send(app, { ...genuine, body: '{"id":"intent-9","sta' }))).toEqual([
      400,
      'INVALID_DELIVERY',
    ]);
    expect(events).toEqual([]);
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['point_intent.finished', 'intent-9']]);
  });
});

describe('7. work after an early 200 is bounded', () => {
  it('answers at most answerFirstConcurrency deliveries before processing; the others wait for their processing', async () => {
    const ids = ['201', '202', '203', '204', '205'];
    for (const id of ids) api.set(`/proximity-integration/v1/orders/${id}`, shipment('ready_to_ship', id));
    const gated = gatedFetch();
    const { app, events } = appFor({ secret: undefined, fetch: gated.fetch, answerFirstConcurrency: 2 });
    const server = await serveOnLoopback(app);
    try {
      const answeredAt: string[] = [];
      let opened = false;
      const sendOne = (i: number) =>
        request(server.url)
          .post('/mp/webhooks?topic=delivery')
          .set('content-type', 'application/json')
          .send({ _id: `n${i}`, topic: 'delivery', resource: `/shipments/${ids[i] ?? ''}` })
          .then((res) => {
            answeredAt.push(opened ? 'after' : 'before');
            return res.status;
          });
      const statuses = [0, 1, 2, 3, 4].map(sendOne);
      await waitFor(() => answeredAt.length === 2 && gated.started() === 5);
      await sleep(100); // the three others hold their requests: none is answered while the API is shut
      expect(answeredAt).toEqual(['before', 'before']);
      opened = true;
      gated.open();
      expect(await Promise.all(statuses)).toEqual([200, 200, 200, 200, 200]);
      expect(answeredAt).toEqual(['before', 'before', 'after', 'after', 'after']);
      await waitFor(() => events.length === 5);
      expect(events.map((e) => e.resourceId).sort()).toEqual(ids);
    } finally {
      await server.close();
    }
  });

  it('refuses an unsigned fraud alert flood with 401 and no read at all', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app } = appFor();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        send(app, unsigned('/mp/ipn', { topic: 'delivery_cancellation', id: PAYMENT_ID })),
      ),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    expect(api.requests).toEqual([]);
  });
});

describe('8. listener errors are masked everywhere the package writes them', () => {
  it('masks secrets and tokens in LISTENER_FAILED and in debug lines, and keeps the original as cause', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app, mp, errors } = appFor();
    const original = new Error(
      `cannot fulfil with ${FIXTURE_SECRET} and ${TOKEN} (Authorization: Bearer APP_USR-other-999)`,
    );
    mp.on('payment.approved', () => {
      throw original;
    });
    const logged = await debugLinesOf('mercadopago-notifications:*', async () => {
      expect(answerOf(await send(app, signedPayment()))).toEqual([500, 'LISTENER_FAILED']);
    });
    const failed = errors.find((e) => e.error.code === 'LISTENER_FAILED' && e.error.cause === original);
    expect(failed?.error.message).toBe(
      '[mercadopago-notifications] a listener for payment.approved failed: cannot fulfil with [secret] and [token] (Authorization: [token])',
    );
    expect(original.message).toContain(FIXTURE_SECRET);
    expect(logged).toContain('a listener for payment.approved failed');
    expect(logged).not.toContain(FIXTURE_SECRET);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('APP_USR-other-999');
  });
});

describe('9. the inspector answers only pages opened on a loopback name, and only its own page', () => {
  let served: ServedApp | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function inspector(extra: Partial<MercadoPagoNotificationsOptions> = {}) {
    served = await serveOnLoopback(appFor({ inspector: true, ...extra }).app);
    return served.url;
  }

  it.each(['attacker.example', 'attacker.example:80', '127.0.0.2', 'localhost.attacker.example'])(
    'responds 403 to a loopback request whose Host is %s (DNS rebinding)',
    async (host) => {
      const url = await inspector();
      for (const path of ['/mp/_inspector', '/mp/_inspector/events']) {
        const res = await request(url).get(path).set('host', host);
        expect(res.status).toBe(403);
        expect(res.text).toContain('localhost, 127.0.0.1 or [::1]');
      }
    },
  );

  it.each(['localhost:3000', '127.0.0.1', '[::1]:8080', 'LOCALHOST'])(
    'serves the page to Host %s',
    async (host) => {
      const url = await inspector();
      const res = await request(url).get('/mp/_inspector').set('host', host);
      expect(res.status).toBe(200);
    },
  );

  it('serves any Host with allowRemote', async () => {
    const url = await inspector({ inspector: { allowRemote: true } });
    expect((await request(url).get('/mp/_inspector').set('host', 'attacker.example')).status).toBe(200);
  });

  it('responds 403 to a cross-origin event-stream request, and streams to its own page', async () => {
    const url = await inspector();
    const host = new URL(url).host;
    const cross = await request(url)
      .get('/mp/_inspector/events')
      .set('host', host)
      .set('origin', 'http://attacker.example');
    expect(cross.status).toBe(403);
    // The page's own origin: the stream opens (read its status, then hang up).
    const own = await new Promise<number>((resolve, reject) => {
      const req = httpGet(
        `${url}/mp/_inspector/events`,
        { headers: { host, origin: `http://${host}` } },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.destroy();
        },
      );
      req.on('error', reject);
    });
    expect(own).toBe(200);
  });
});

describe('10. answers say nothing about the configuration', () => {
  it('answers a mismatch with no count of secrets nor casing detail; onError has the diagnosis', async () => {
    const { app, errors } = appFor({ secret: [FIXTURE_SECRET, 'second-secret'] });
    const forged = signedWebhook({ secret: 'wrong', dataId: 'ORD01ABC', type: 'order', ts: NOW_S - 10 });
    const res = await send(app, forged);
    expect(res.body).toEqual({
      error: {
        code: 'SIGNATURE_MISMATCH',
        message: '[mercadopago-notifications] x-signature does not match this delivery',
      },
    });
    expect(errors[0]?.error.message).toContain('tried 2 secrets x 2 id casings');
  });

  it('answers an unknown user_id exactly as a known seller with an unknown resource', async () => {
    const { app, errors } = appFor({
      accessToken: ({ userId }) => (userId === SELLER ? SELLER_TOKEN : undefined) as string,
    });
    const ipn = (userId: string) =>
      unsigned(
        '/mp/ipn',
        { topic: 'payment', id: '777000' },
        { resource: '/v1/payments/777000', topic: 'payment', user_id: userId },
      );
    const unknownSeller = await send(app, ipn('999'));
    const knownSeller = await send(app, ipn(SELLER));
    expect(unknownSeller.status).toBe(knownSeller.status);
    expect(unknownSeller.body).toEqual(knownSeller.body);
    expect(knownSeller.body).toEqual({
      error: {
        code: 'RESOURCE_NOT_FOUND',
        message: '[mercadopago-notifications] the resource this delivery names could not be read',
      },
    });
    expect(errors.map((e) => e.error.code)).toEqual(['ACCESS_TOKEN_UNAVAILABLE', 'RESOURCE_NOT_FOUND']);
  });

  it('numbers secrets from 1 in debug lines, as the inspector and the warnings do', async () => {
    api.set(PAYMENT_PATH, PAYMENT);
    const { app } = appFor({ secret: ['first-secret', FIXTURE_SECRET] });
    const logged = await debugLinesOf('mercadopago-notifications:signature', async () => {
      await send(app, signedPayment()).expect(200);
    });
    expect(logged).toContain('signature verified with secret #2');
  });
});

describe('11. an oversized API answer is refused without being buffered whole', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    server = undefined;
  });

  /** An API that streams `totalBytes` of JSON for any path, counting what it managed to write. */
  async function hugeApi(totalBytes: number, declareLength: boolean) {
    let written = 0;
    server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(declareLength ? { 'content-length': String(totalBytes) } : {}),
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (written < totalBytes && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => res.destroy());
      pump();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, written: () => written };
  }

  it.each([
    ['streamed without a length', false],
    ['declared by Content-Length', true],
  ])(
    'answers 502 API_UNAVAILABLE to an answer of 64 MiB %s, having read a few MiB at most',
    async (_l, declared) => {
      const huge = await hugeApi(64 * 1024 * 1024, declared);
      const { app, events, errors } = createApp({
        secret: FIXTURE_SECRET,
        accessToken: TOKEN,
        apiBaseUrl: huge.url,
        now: () => NOW_MS,
      });
      expect(answerOf(await send(app, signedPayment()))).toEqual([502, 'API_UNAVAILABLE']);
      expect(errors[0]?.error.message).toContain(`more than ${MAX_API_ANSWER_BYTES} bytes`);
      expect(events).toEqual([]);
      // The server kept writing until the router hung up: what it wrote bounds what could have been buffered.
      expect(huge.written()).toBeLessThan(16 * 1024 * 1024);
    },
  );
});
