import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { paymentWebhook, send } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { sleep } from '../helpers/timing.js';

// Faults that __tests__/integration/api-faults.test.ts and listeners.test.ts do not cover: other 5xx codes, a
// Retry-After too long to wait for, a resource that appears only later, late answers after a timeout, listeners
// that never settle or throw values that cannot even be printed.

const api = useFakeApi();

function options(extra: Partial<MercadoPagoNotificationsOptions> = {}): MercadoPagoNotificationsOptions {
  return apiOptions(api, { fetchTimeoutMs: 500, handlerTimeoutMs: 1_000, ...extra });
}

describe('API faults', () => {
  it.each([500, 502])(
    'emits the event when the API answers %d once and recovers on the retry',
    async (status) => {
      const id = `93${status}`;
      const path = storePayment(api, id);
      api.fail(path, { status });
      const { app, events } = createApp(options());
      expect(answerOf(await send(app, paymentWebhook(id)))).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
      expect(api.readsOf(path)).toBe(2);
    },
  );

  it.each([
    ['longer than the router waits (it fails at once)', '9401', '30', 1],
    ['an HTTP date (ignored: one short retry)', '9402', 'Wed, 21 Oct 2026 07:28:00 GMT', 2],
  ])(
    'answers 502 API_UNAVAILABLE to a 429 whose Retry-After is %s, then emits on the redelivery',
    async (_label, id, retryAfter, reads) => {
      const path = storePayment(api, id);
      const tooMany = { status: 429, headers: { 'retry-after': retryAfter } };
      api.fail(path, tooMany, tooMany);
      const { app, events } = createApp(options());
      const delivery = paymentWebhook(id);
      expect(answerOf(await send(app, delivery))).toEqual([502, 'API_UNAVAILABLE']);
      expect(api.readsOf(path)).toBe(reads);
      expect(events).toEqual([]);
      const delivered = async () => answerOf(await send(app, delivery));
      // The queued 429 (if any) is consumed by the redelivery's first read, which then retries.
      expect(await delivered()).toEqual(reads === 1 ? [502, 'API_UNAVAILABLE'] : [200, undefined]);
      if (reads === 1) expect(await delivered()).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    },
  );

  it('answers 404 while the API does not know the payment yet, then emits it once when a resend finds it', async () => {
    const { app, events } = createApp(options());
    const delivery = paymentWebhook('9403');
    expect(answerOf(await send(app, delivery))).toEqual([404, 'RESOURCE_NOT_FOUND']);
    expect(answerOf(await send(app, delivery))).toEqual([404, 'RESOURCE_NOT_FOUND']);
    storePayment(api, '9403');
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['payment.approved', '9403']]);
  });

  it('emits once when the resend comes after the late answers of two timed-out reads have arrived', async () => {
    const path = storePayment(api, '9404');
    api.fail(path, { delayMs: 800 }, { delayMs: 800 });
    const { app, events } = createApp(options({ fetchTimeoutMs: 300 }));
    const delivery = paymentWebhook('9404');
    expect(answerOf(await send(app, delivery))).toEqual([504, 'API_TIMEOUT']);
    await sleep(1_000); // the fake API answers the abandoned reads meanwhile
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBe(3);
  });
});

describe('listener faults', () => {
  it('keeps serving other deliveries and runs a never-settling listener once, however many resends arrive', async () => {
    storePayment(api, '9501');
    storePayment(api, '9502');
    const { app, mp, errors } = createApp(options({ handlerTimeoutMs: 200 }));
    let hung = 0;
    let other = 0;
    mp.on('payment.approved', (event) => {
      if (event.resourceId === '9501') {
        hung++;
        return new Promise(() => undefined);
      }
      other++;
      return undefined;
    });
    const delivery = paymentWebhook('9501');
    expect(answerOf(await send(app, delivery))).toEqual([503, 'LISTENER_TIMEOUT']);
    const resends = await Promise.all([send(app, delivery), send(app, delivery), send(app, delivery)]);
    expect(resends.map(answerOf)).toEqual(Array(3).fill([503, 'LISTENER_TIMEOUT']));
    expect(answerOf(await send(app, paymentWebhook('9502')))).toEqual([200, undefined]);
    expect(hung).toBe(1);
    expect(other).toBe(1);
    expect(errors.map((e) => e.error.code)).toContain('LISTENER_TIMEOUT');
  });

  const unprintable = Object.create(null) as object;
  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a number', 42],
    ['a symbol', Symbol('listener')],
    ['an object that cannot be printed', unprintable],
  ])(
    'responds 500 LISTENER_FAILED and reports the value when a listener throws %s',
    async (_label, value) => {
      storePayment(api, '9503');
      const { app, mp, errors } = createApp(options());
      mp.on('payment.approved', () => {
        throw value;
      });
      const res = await send(app, paymentWebhook('9503'));
      expect(answerOf(res)).toEqual([500, 'LISTENER_FAILED']);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error.cause).toBe(value);
      expect(errors[0]?.error.message).toContain('failed');
    },
  );

  it('keeps answering when an onError handler throws a value that cannot be printed or never settles', async () => {
    storePayment(api, '9504');
    const { app, mp } = createApp(options());
    mp.onError(() => {
      throw Object.create(null);
    });
    mp.onError(() => new Promise(() => undefined));
    let runs = 0;
    mp.on('payment.approved', () => {
      runs++;
      if (runs === 1) throw new Error('first run fails');
    });
    const delivery = paymentWebhook('9504');
    expect(answerOf(await send(app, delivery))).toEqual([500, 'LISTENER_FAILED']);
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(runs).toBe(2);
  });
});
