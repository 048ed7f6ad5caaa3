import { randomUUID } from 'node:crypto';
import {
  signNotification,
  type DeliveryStore,
  type MercadoPagoNotificationsOptions,
} from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  ipnDelivery,
  paymentWebhook,
  send,
  signedWebhook,
  urlOf,
  walletConnectBody,
  withHeaders,
} from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { sleep } from '../helpers/timing.js';
import { invokeRouter } from '../../tools/wire.js';

// ---- local helpers -------------------------------------------------------------------------------------

const api = useFakeApi();

function options(extra: Partial<MercadoPagoNotificationsOptions> = {}): MercadoPagoNotificationsOptions {
  return apiOptions(api, { handlerTimeoutMs: 1_000, ...extra });
}

const approvedPayment = (id: string): string => storePayment(api, id);

/** A store that fails every call, synchronously or by rejecting, as a dead Redis would. */
function brokenStore(mode: 'throws' | 'rejects'): DeliveryStore {
  const fail = (method: string) =>
    mode === 'throws'
      ? () => {
          throw new Error(`store.${method}: connection refused`);
        }
      : async () => {
          throw new Error(`store.${method}: connection refused`);
        };
  return {
    ttlMs: 60_000,
    claim: fail('claim'),
    complete: fail('complete'),
    release: fail('release'),
    has: fail('has'),
  };
}

// ---- tests ---------------------------------------------------------------------------------------------

describe('delivery dedup', () => {
  it('emits once for a Wallet Connect resend signed anew (same body id and version, new x-request-id): the read state is the same', async () => {
    const agreementPath = '/v2/wallet_connect/agreements/aa11bb22cc33dd44ee55ff6600778899';
    api.set(agreementPath, { id: 'aa11bb22cc33dd44ee55ff6600778899', status: 'confirmed_by_user' });
    const { app, events } = createApp(options());
    const body = walletConnectBody('aa11bb22cc33dd44ee55ff6600778899', 'confirmed_by_user', {
      id: '44ae6c7564ed497f945f755fcaba9d99',
    });
    const copy = () =>
      signedWebhook({
        secret: FIXTURE_SECRET,
        dataId: 'aa11bb22cc33dd44ee55ff6600778899',
        type: 'wallet_connect',
        body,
        path: '/mp/wallet-connect',
      });
    expect(answerOf(await send(app, copy()))).toEqual([200, undefined]);
    expect(answerOf(await send(app, copy()))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['agreement.confirmed']);
    // A new signature is a new delivery: it is read, and the state it reports was already emitted.
    expect(api.readsOf(agreementPath)).toBe(2);
  });

  it('answers a resend of the same delivery 200 without reading the API or running listeners', async () => {
    const path = approvedPayment('9001');
    const { app, mp } = createApp(options());
    let runs = 0;
    mp.on('payment.approved', () => void runs++);
    const delivery = paymentWebhook('9001');
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(runs).toBe(1);
    expect(api.readsOf(path)).toBe(1);
  });

  it('answers a resend of the same IPN 200 and emits nothing again: an unsigned copy is deduplicated by its read state', async () => {
    const path = approvedPayment('9002');
    const { app, events } = createApp(options());
    const delivery = ipnDelivery('payment', '9002');
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);
    // Nothing in an IPN is signed, so nothing in it keys a memory: each copy is read again.
    expect(api.readsOf(path)).toBe(2);
  });

  it('processes the correctly signed delivery after a forged copy with the same request id was refused', async () => {
    const path = approvedPayment('9003');
    const { app, events } = createApp(options());
    const genuine = paymentWebhook('9003');
    const requestId = genuine.headers['x-request-id'] ?? '';
    const forged = withHeaders(genuine, {
      'x-signature': signNotification({ secret: 'attacker-secret', dataId: '9003', requestId }),
    });
    expect(answerOf(await send(app, forged))).toEqual([401, 'SIGNATURE_MISMATCH']);
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['payment.approved', 'signature+api']]);
    expect(api.readsOf(path)).toBe(1);
  });
});

describe('single-use signatures', () => {
  it('answers 200 and emits nothing when a processed signature is replayed with another type', async () => {
    const path = approvedPayment('9004');
    const { app, events } = createApp(options());
    const original = paymentWebhook('9004');
    expect(answerOf(await send(app, original))).toEqual([200, undefined]);
    const replay: typeof original = {
      ...original,
      query: { ...original.query, type: 'topic_brand_new_wh' },
      body: JSON.stringify({ action: 'replayed', data: { id: '9004' }, type: 'topic_brand_new_wh' }),
    };
    expect(answerOf(await send(app, replay))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBe(1);
  });

  it('responds 401 SIGNATURE_EXPIRED to a signature-only delivery older than dedup.ttlMs', async () => {
    const ttlMs = 60_000;
    const now = Date.now();
    const { app, events } = createApp(options({ dedup: { max: 1_000, ttlMs }, now: () => now }));
    const stale = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: '9005',
      type: 'topic_brand_new_wh',
      ts: Math.floor((now - ttlMs - 5_000) / 1000),
    });
    expect(answerOf(await send(app, stale))).toEqual([401, 'SIGNATURE_EXPIRED']);
    const fresh = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: '9005',
      type: 'topic_brand_new_wh',
      ts: Math.floor(now / 1000),
    });
    expect(answerOf(await send(app, fresh))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['notification.unhandled']);
  });
});

describe('event dedup', () => {
  it('emits one event for the Webhook and IPN copies of one payment state, reading the API at most twice', async () => {
    const path = approvedPayment('9101');
    const { app, events } = createApp(options());
    const requestId = randomUUID(); // Mercado Pago sends both copies with one x-request-id
    expect(answerOf(await send(app, paymentWebhook('9101', requestId)))).toEqual([200, undefined]);
    expect(answerOf(await send(app, ipnDelivery('payment', '9101', requestId)))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBeLessThanOrEqual(2);
    // A later IPN copy of the same state (its own request id) is still the same event.
    expect(answerOf(await send(app, ipnDelivery('payment', '9101')))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });

  it('emits one event for the Webhook and IPN copies sent together, reading the API at most twice', async () => {
    const path = approvedPayment('9102');
    const { app, events } = createApp(options());
    const answers = await Promise.all([
      send(app, paymentWebhook('9102')),
      send(app, ipnDelivery('payment', '9102')),
    ]);
    expect(answers.map(answerOf)).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBeLessThanOrEqual(2);
  });

  it('emits pending then approved when the payment changes state between deliveries', async () => {
    const { app, events } = createApp(options());
    storePayment(api, '9103', 'pending', 'pending_waiting_payment', '2026-01-02T10:00:00.000-04:00');
    expect(answerOf(await send(app, paymentWebhook('9103')))).toEqual([200, undefined]);
    expect(answerOf(await send(app, ipnDelivery('payment', '9103')))).toEqual([200, undefined]);
    storePayment(api, '9103', 'approved', 'accredited', '2026-01-02T10:05:00.000-04:00');
    expect(answerOf(await send(app, ipnDelivery('payment', '9103')))).toEqual([200, undefined]);
    expect(answerOf(await send(app, paymentWebhook('9103')))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.pending', 'payment.approved']);
  });
});

describe('concurrent copies', () => {
  it('runs listeners once and reads the API once for 20 concurrent copies of one delivery', async () => {
    const path = approvedPayment('9201');
    api.fail(path, { delayMs: 100 }); // the read is slow, so every copy arrives while it is pending
    const { app, mp } = createApp(options());
    let runs = 0;
    mp.on('payment.approved', async () => {
      runs++;
      await sleep(50);
    });
    const delivery = paymentWebhook('9201');
    const answers = await Promise.all(Array.from({ length: 20 }, () => send(app, delivery)));
    expect(answers.map(answerOf)).toEqual(Array(20).fill([200, undefined]));
    expect(runs).toBe(1);
    expect(api.readsOf(path)).toBe(1);
  });

  it('answers both 200 and runs listeners once for two copies handled in the same turn (bodies already parsed)', async () => {
    // As after express.json(): no stream to read, so both claims run in one turn of the event loop, and the
    // second must find the first in flight to wait for it (not answer 409 DELIVERY_IN_PROGRESS).
    const path = approvedPayment('9203');
    api.fail(path, { delayMs: 100 });
    const { mp } = createApp(options());
    let runs = 0;
    mp.on('payment.approved', () => void runs++);
    const delivery = paymentWebhook('9203');
    const url = urlOf({ ...delivery, path: '/webhooks' }); // the router itself, without the app's mount path
    const body: unknown = JSON.parse(delivery.body);
    const statuses = await Promise.all([
      invokeRouter(mp, url, delivery.headers, body),
      invokeRouter(mp, url, delivery.headers, body),
    ]);
    expect(statuses).toEqual([200, 200]);
    expect(runs).toBe(1);
    expect(api.readsOf(path)).toBe(1);
  });

  it('shares one API read between concurrent deliveries of one resource with different request ids', async () => {
    const path = approvedPayment('9202');
    api.fail(path, { delayMs: 200 });
    const { app, mp } = createApp(options());
    let runs = 0;
    mp.on('payment.approved', () => void runs++);
    const answers = await Promise.all([
      send(app, paymentWebhook('9202')),
      send(app, paymentWebhook('9202')),
      send(app, ipnDelivery('payment', '9202')),
      send(app, ipnDelivery('payment', '9202')),
    ]);
    expect(answers.map(answerOf)).toEqual(Array(4).fill([200, undefined]));
    expect(api.readsOf(path)).toBe(1);
    expect(runs).toBe(1);
  });
});

/** A minimal shared store, as a Redis-backed one would behave, for several routers (instances). */
function sharedStore(): DeliveryStore {
  const entries = new Map<string, 'processing' | 'done'>();
  return {
    ttlMs: 60_000,
    async claim(keys) {
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry !== undefined) return { status: entry, key };
      }
      for (const key of keys) entries.set(key, 'processing');
      return { status: 'claimed' };
    },
    async complete(keys) {
      for (const key of keys) entries.set(key, 'done');
    },
    async release(keys) {
      for (const key of keys) if (entries.get(key) === 'processing') entries.delete(key);
    },
    async has(key) {
      return entries.get(key) === 'done';
    },
  };
}

describe('shared store', () => {
  it('runs listeners once across two routers sharing a store, answering the concurrent copy non-2xx', async () => {
    approvedPayment('9250');
    const store = sharedStore();
    const a = createApp(options({ store }));
    const b = createApp(options({ store }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    a.mp.on('payment.approved', async () => {
      runs++;
      await gate;
    });
    b.mp.on('payment.approved', () => void runs++);
    const delivery = paymentWebhook('9250');
    const first = send(a.app, delivery).then((res) => res);
    while (runs === 0) await sleep(5);
    const copy = await send(b.app, delivery);
    expect(copy.status).toBeGreaterThanOrEqual(300);
    release();
    expect(answerOf(await first)).toEqual([200, undefined]);
    expect(answerOf(await send(b.app, delivery))).toEqual([200, undefined]);
    expect(runs).toBe(1);
  });
});

describe('store failures', () => {
  it.each(['throws', 'rejects'] as const)(
    'responds 503 STORE_UNAVAILABLE and runs no listener when every store method %s',
    async (mode) => {
      approvedPayment('9301');
      const { app, mp, events, errors } = createApp(options({ store: brokenStore(mode) }));
      let runs = 0;
      mp.on('payment.approved', () => void runs++);
      const res = await send(app, paymentWebhook('9301'));
      expect(answerOf(res)).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(res.text).not.toContain('connection refused');
      expect(runs).toBe(0);
      expect(events).toHaveLength(0);
      expect(errors.map((e) => e.error.code)).toContain('STORE_UNAVAILABLE');

      expect(answerOf(await send(app, ipnDelivery('payment', '9301')))).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(runs).toBe(0);
    },
  );
});

describe('dedup bounds', () => {
  it('processes the same event key again once dedup.ttlMs has passed on the injected clock', async () => {
    const path = approvedPayment('9401');
    let clock = Date.now();
    const { app, events } = createApp(options({ dedup: { max: 1_000, ttlMs: 60_000 }, now: () => clock }));

    expect(answerOf(await send(app, paymentWebhook('9401')))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);

    clock += 30_000; // within ttlMs: the IPN copy of the same state is a duplicate event
    expect(answerOf(await send(app, ipnDelivery('payment', '9401')))).toEqual([200, undefined]);
    expect(events).toHaveLength(1);

    clock += 31_000; // 61 s after the event: forgotten
    expect(answerOf(await send(app, ipnDelivery('payment', '9401')))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved', 'payment.approved']);
    expect(api.readsOf(path)).toBe(3);
  });

  it('processes a resend of the same delivery again once dedup.ttlMs has passed on the injected clock', async () => {
    const path = approvedPayment('9402');
    let clock = Date.now();
    const { app, mp } = createApp(options({ dedup: { max: 1_000, ttlMs: 60_000 }, now: () => clock }));
    let runs = 0;
    mp.on('payment.approved', () => void runs++);
    const delivery = paymentWebhook('9402');
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    clock += 59_000;
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect([runs, api.readsOf(path)]).toEqual([1, 1]);
    clock += 2_000;
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect([runs, api.readsOf(path)]).toEqual([2, 2]);
  });

  it('forgets the oldest deliveries and events beyond dedup.max', async () => {
    const run = async (dedup: MercadoPagoNotificationsOptions['dedup']): Promise<number> => {
      const { app, mp } = createApp(options(dedup === undefined ? {} : { dedup }));
      let runs = 0;
      mp.on('payment.approved', (event) => void (event.resourceId === '9501' && runs++));
      const first = paymentWebhook('9501');
      expect(answerOf(await send(app, first))).toEqual([200, undefined]);
      for (const id of ['9502', '9503', '9504', '9505']) {
        expect(answerOf(await send(app, paymentWebhook(id)))).toEqual([200, undefined]);
      }
      expect(answerOf(await send(app, first))).toEqual([200, undefined]);
      return runs;
    };
    for (const id of ['9501', '9502', '9503', '9504', '9505']) approvedPayment(id);
    expect(await run({ max: 3 })).toBe(2);
    expect(await run(undefined)).toBe(1);
  });
});
