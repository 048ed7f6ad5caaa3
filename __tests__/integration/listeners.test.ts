import type { AnyMercadoPagoEvent, MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { fromFixture, ipnDelivery, paymentWebhook, send, signedWebhook } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, clockFor, loadDelivery } from '../helpers/fixtures.js';
import { sleep } from '../helpers/timing.js';

// ---- local helpers -------------------------------------------------------------------------------------

interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Polls `check` until it holds; fails the test with `what` after `timeoutMs`. */
async function waitFor(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A payment.approved listener that counts its runs and finishes only once `gate` is resolved. */
function gatedListener(mp: TestApp['mp']): { gate: Deferred; runs: number; finished: boolean } {
  const listener = { gate: deferred(), runs: 0, finished: false };
  mp.on('payment.approved', async () => {
    listener.runs++;
    await listener.gate.promise;
    listener.finished = true;
  });
  return listener;
}

const api = useFakeApi();

function options(extra: Partial<MercadoPagoNotificationsOptions> = {}): MercadoPagoNotificationsOptions {
  return apiOptions(api, { handlerTimeoutMs: 1_000, ...extra });
}

/** Stores an approved payment in the fake API and returns its path. */
const approvedPayment = (id: string): string => storePayment(api, id);

// ---- tests ---------------------------------------------------------------------------------------------

describe('listeners: concurrency and failures', () => {
  it('answers 200 after both listeners finish when each waits for the other to start (they run concurrently)', async () => {
    approvedPayment('1001');
    const { app, mp } = createApp(options());
    const aStarted = deferred();
    const bStarted = deferred();
    const finished: string[] = [];
    mp.on('payment.approved', async () => {
      aStarted.resolve();
      await bStarted.promise;
      finished.push('a');
    });
    mp.on('payment.approved', async () => {
      bStarted.resolve();
      await aStarted.promise;
      finished.push('b');
    });
    const res = await send(app, paymentWebhook('1001'));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(finished.sort()).toEqual(['a', 'b']);
  });

  it('responds 500 LISTENER_FAILED when a listener throws, runs it again on the redelivery, then treats a third copy as a duplicate', async () => {
    const path = approvedPayment('1002');
    const { app, mp, errors } = createApp(options());
    const failure = new Error('database unavailable');
    let calls = 0;
    mp.on('payment.approved', () => {
      calls++;
      if (calls === 1) throw failure;
    });
    const delivery = paymentWebhook('1002');

    expect(answerOf(await send(app, delivery))).toEqual([500, 'LISTENER_FAILED']);
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ code: 'LISTENER_FAILED', cause: failure });
    expect(errors[0]?.event).toMatchObject({ name: 'payment.approved', resourceId: '1002' });

    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(calls).toBe(2);
    expect(api.readsOf(path)).toBe(2);

    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(calls).toBe(2);
    expect(api.readsOf(path)).toBe(2);
    expect(errors).toHaveLength(1);
  });

  const thrownValues: Array<[string, () => unknown, unknown]> = (() => {
    const rejection = new Error('rejected on purpose');
    const object = { reason: 'plain object' };
    return [
      ['rejects with an Error', () => Promise.reject(rejection), rejection],
      [
        'throws a string',
        () => {
          throw 'boom';
        },
        'boom',
      ],
      [
        'throws null',
        () => {
          throw null;
        },
        null,
      ],
      [
        'rejects with a plain object',
        async () => {
          throw object;
        },
        object,
      ],
    ];
  })();

  it.each(thrownValues)(
    'responds 500 LISTENER_FAILED and hands the value to onError when a listener %s',
    async (_label, listener, value) => {
      approvedPayment('1003');
      const { app, mp, errors } = createApp(options());
      mp.on('payment.approved', listener);
      expect(answerOf(await send(app, paymentWebhook('1003')))).toEqual([500, 'LISTENER_FAILED']);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error.code).toBe('LISTENER_FAILED');
      expect(errors[0]?.error.cause).toBe(value);
      expect(errors[0]?.event?.name).toBe('payment.approved');
    },
  );

  const leakyFailures: Array<[string, () => never]> = [
    [
      'an Error',
      () => {
        throw new Error('connect ECONNREFUSED postgres://shop:hunter2@db.internal:5432/orders');
      },
    ],
    [
      'a string',
      () => {
        throw 'retry with token APP_USR-hunter2-listener-token';
      },
    ],
  ];

  it.each(leakyFailures)(
    "responds 500 LISTENER_FAILED without echoing the listener's message when it throws %s (it may hold credentials)",
    async (_label, listener) => {
      approvedPayment('1007');
      const { app, mp, errors } = createApp(options());
      mp.on('payment.approved', listener);
      const res = await send(app, paymentWebhook('1007'));
      expect(answerOf(res)).toEqual([500, 'LISTENER_FAILED']);
      expect(res.text).not.toContain('hunter2');
      // The application still sees everything through onError.
      expect(String((errors[0]?.error.cause as Error | string | undefined) ?? '')).toContain('hunter2');
    },
  );

  it('reports every failure to onError, with the event, when several listeners fail', async () => {
    approvedPayment('1004');
    const { app, mp, errors } = createApp(options());
    const first = new Error('first listener failed');
    const second = new Error('second listener failed');
    let healthyRan = false;
    mp.on('payment.approved', async () => {
      throw first;
    });
    mp.on('payment', () => {
      throw second;
    });
    mp.on('payment.approved', () => {
      healthyRan = true;
    });
    expect(answerOf(await send(app, paymentWebhook('1004')))).toEqual([500, 'LISTENER_FAILED']);
    expect(healthyRan).toBe(true);
    const listenerErrors = errors.filter((e) => e.error.cause === first || e.error.cause === second);
    expect(listenerErrors.map((e) => e.error.cause)).toEqual(expect.arrayContaining([first, second]));
    expect(listenerErrors).toHaveLength(2);
    for (const { error, event } of listenerErrors) {
      expect(error.code).toBe('LISTENER_FAILED');
      expect(event).toMatchObject({ name: 'payment.approved', resourceId: '1004' });
    }
  });

  it('keeps the answer unchanged and keeps serving when an onError handler throws or rejects', async () => {
    approvedPayment('1005');
    approvedPayment('1006');
    const { app, mp, errors } = createApp(options());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      mp.onError(() => {
        throw new Error('onError handler bug');
      });
      mp.onError(async () => {
        throw new Error('async onError handler bug');
      });
      let calls = 0;
      mp.on('payment.approved', () => {
        calls++;
        if (calls === 1) throw new Error('listener failed once');
      });
      const delivery = paymentWebhook('1005');
      expect(answerOf(await send(app, delivery))).toEqual([500, 'LISTENER_FAILED']);
      expect(errors.map((e) => e.error.code)).toEqual(['LISTENER_FAILED']);
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(answerOf(await send(app, paymentWebhook('1006')))).toEqual([200, undefined]);
      expect(calls).toBe(3);
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('listeners: handlerTimeoutMs', () => {
  it('responds 503 LISTENER_TIMEOUT when a listener outlives handlerTimeoutMs, lets it finish, and answers the redelivery 200 without running it again', async () => {
    const path = approvedPayment('2001');
    const { app, mp } = createApp(options({ handlerTimeoutMs: 100 }));
    const listener = gatedListener(mp);
    const delivery = paymentWebhook('2001');

    const first = await send(app, delivery);
    expect(answerOf(first)).toEqual([503, 'LISTENER_TIMEOUT']);
    expect(listener.finished).toBe(false);

    listener.gate.resolve();
    await waitFor(() => listener.finished, 'the slow listener to finish');
    await sleep(20); // let the router record the outcome

    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(listener.runs).toBe(1);
    expect(api.readsOf(path)).toBe(1);
  });

  it('answers a copy with a new x-request-id 200 without running the listener again once the slow listener finished', async () => {
    const path = approvedPayment('2003');
    const { app, mp } = createApp(options({ handlerTimeoutMs: 100 }));
    const listener = gatedListener(mp);
    expect(answerOf(await send(app, paymentWebhook('2003')))).toEqual([503, 'LISTENER_TIMEOUT']);
    listener.gate.resolve();
    await waitFor(() => listener.finished, 'the slow listener to finish');
    await sleep(20);
    expect(answerOf(await send(app, paymentWebhook('2003')))).toEqual([200, undefined]);
    expect(listener.runs).toBe(1);
    expect(api.readsOf(path)).toBe(2);
  });

  it('runs the listener again on the redelivery when it fails after handlerTimeoutMs', async () => {
    approvedPayment('2004');
    const { app, mp, errors } = createApp(options({ handlerTimeoutMs: 100 }));
    const gate = deferred();
    const failure = new Error('failed late');
    let runs = 0;
    mp.on('payment.approved', async () => {
      runs++;
      if (runs === 1) {
        await gate.promise;
        throw failure;
      }
    });
    const delivery = paymentWebhook('2004');
    expect(answerOf(await send(app, delivery))).toEqual([503, 'LISTENER_TIMEOUT']);
    gate.resolve();
    await waitFor(() => errors.some((e) => e.error.cause === failure), 'the late failure to reach onError');
    await sleep(20);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(runs).toBe(2);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(runs).toBe(2);
  });

  it('runs a slow listener once when a retry arrives while it is still running', async () => {
    approvedPayment('2002');
    const { app, mp } = createApp(options({ handlerTimeoutMs: 300 }));
    const listener = gatedListener(mp);
    const delivery = paymentWebhook('2002');

    const first = await send(app, delivery);
    expect(first.status).toBeGreaterThanOrEqual(300);
    expect(listener.finished).toBe(false);

    // The retry arrives while the listener is still running; the listener finishes while the retry waits.
    const retry = send(app, delivery).then((res) => res);
    await sleep(50);
    expect(listener.runs).toBe(1);
    listener.gate.resolve();
    expect(answerOf(await retry)).toEqual([200, undefined]);
    expect(listener.finished).toBe(true);
    expect(listener.runs).toBe(1);

    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(listener.runs).toBe(1);
  });
});

describe('listeners: registration', () => {
  it('delivers payment.approved to a listener registered for the topic payment', async () => {
    approvedPayment('3001');
    const { app, mp } = createApp(options());
    const heard: AnyMercadoPagoEvent[] = [];
    mp.on('payment', (event) => void heard.push(event));
    mp.on('merchant_order', (event) => void heard.push(event));
    expect(answerOf(await send(app, paymentWebhook('3001')))).toEqual([200, undefined]);
    expect(heard.map((e) => [e.name, e.topic, e.resourceId])).toEqual([
      ['payment.approved', 'payment', '3001'],
    ]);
  });

  it('stops calling listeners removed with off(), by name and by topic, and keeps the others', async () => {
    approvedPayment('3002');
    const { app, mp } = createApp(options());
    const calls: string[] = [];
    const byName = (): void => void calls.push('by-name');
    const byTopic = (): void => void calls.push('by-topic');
    const kept = (): void => void calls.push('kept');
    mp.on('payment.approved', byName);
    mp.on('payment', byTopic);
    mp.on('payment.approved', kept);
    mp.off('payment.approved', byName);
    mp.off('payment', byTopic);
    expect(answerOf(await send(app, paymentWebhook('3002')))).toEqual([200, undefined]);
    expect(calls).toEqual(['kept']);
  });
});

describe('listeners: fraud alerts', () => {
  it('answers a stop_delivery_op_wh fraud alert 200 before its listener finishes, then runs it to the end', async () => {
    api.set('/v1/payments/58980959081', { id: 58980959081, status: 'approved', status_detail: 'accredited' });
    const fixture = loadDelivery('webhook-stop-delivery-op-wh');
    const { app, mp } = createApp(options({ handlerTimeoutMs: 2_000, now: () => clockFor(fixture) }));
    const gate = deferred();
    let received: AnyMercadoPagoEvent | undefined;
    let finished = false;
    mp.on('fraud_alert.created', async (event) => {
      received = event;
      await gate.promise;
      finished = true;
    });

    const res = await send(app, fromFixture(fixture));
    expect(answerOf(res)).toEqual([200, undefined]);
    expect(finished).toBe(false);

    gate.resolve();
    await waitFor(() => finished, 'the fraud alert listener to finish');
    expect(received).toMatchObject({
      name: 'fraud_alert.created',
      resourceId: '58980959081',
      verifiedBy: 'signature+api',
      resource: { id: 58980959081, status: 'approved' },
    });
  });

  it('answers 200 to a fraud alert whose listener throws and reports the failure to onError', async () => {
    approvedPayment('4001');
    const { app, mp, errors } = createApp(options());
    const failure = new Error('could not cancel the shipment');
    let ran = false;
    mp.on('fraud_alert.created', () => {
      ran = true;
      throw failure;
    });
    const delivery = signedWebhook({ secret: FIXTURE_SECRET, dataId: '4001', type: 'stop_delivery_op_wh' });
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    await waitFor(() => errors.length > 0, 'the listener failure to reach onError');
    expect(ran).toBe(true);
    expect(errors[0]?.error).toMatchObject({ code: 'LISTENER_FAILED', cause: failure });
    expect(errors[0]?.event).toMatchObject({ name: 'fraud_alert.created', resourceId: '4001' });
  });

  it('responds 401 UNVERIFIABLE_DELIVERY at once to an unsigned delivery_cancellation IPN, reading nothing and emitting nothing', async () => {
    const path = approvedPayment('4002');
    const { app, events, errors } = createApp(options());
    const res = await send(app, ipnDelivery('delivery_cancellation', '4002'));
    expect(answerOf(res)).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(errors.map((e) => e.error.code)).toEqual(['UNVERIFIABLE_DELIVERY']);
    expect(events).toHaveLength(0);
    expect(api.readsOf(path)).toBe(0);
  });

  it('answers a signed fraud alert 200 but emits nothing and reports RESOURCE_NOT_FOUND for an unknown payment', async () => {
    const { app, events, errors } = createApp(options());
    const delivery = signedWebhook({ secret: FIXTURE_SECRET, dataId: '4003', type: 'stop_delivery_op_wh' });
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    await waitFor(() => errors.length > 0, 'the failed read to reach onError');
    expect(errors.map((e) => e.error.code)).toEqual(['RESOURCE_NOT_FOUND']);
    expect(events).toHaveLength(0);
  });
});
