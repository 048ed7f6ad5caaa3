import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { redisStore, type RedisStoreClient, type RedisStoreOptions } from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { paymentWebhook, send } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import {
  REDIS_SERVER_BINARY,
  connectNodeRedis,
  describeWith,
  freePort,
  startPrivateRedis,
  testPrefix,
  type PrivateRedis,
} from '../helpers/redis.js';

/** Mercado Pago gives up on a delivery after 22 s; a dead Redis must be answered well before that. */
const WELL_BEFORE_MERCADO_PAGO_GIVES_UP_MS = 15_000;

describeWith([REDIS_SERVER_BINARY], 'redisStore when Redis is unavailable', () => {
  const api = useFakeApi();
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function privateRedis(): Promise<PrivateRedis> {
    const server = await startPrivateRedis();
    cleanups.push(() => server.kill());
    return server;
  }

  async function nodeRedis(url: string) {
    const client = await connectNodeRedis(url);
    cleanups.push(() => client.destroy());
    return client;
  }

  function instance(client: RedisStoreClient, extra: Partial<RedisStoreOptions> = {}): TestApp {
    return createApp(
      apiOptions(api, {
        handlerTimeoutMs: 2_000,
        store: redisStore({ client, prefix: testPrefix(), ...extra }),
      }),
    );
  }

  /** Sends a fresh payment delivery and checks that it got 503 STORE_UNAVAILABLE, reported to onError, no event. */
  async function expectRefused(app: TestApp, id: string): Promise<string> {
    storePayment(api, id);
    const started = Date.now();
    const res = await send(app.app, paymentWebhook(id));
    expect(Date.now() - started).toBeLessThan(WELL_BEFORE_MERCADO_PAGO_GIVES_UP_MS);
    expect(answerOf(res)).toEqual([503, 'STORE_UNAVAILABLE']);
    expect(app.errors.map(({ error }) => error.code)).toEqual(['STORE_UNAVAILABLE']);
    expect(app.events).toEqual([]);
    // The sender is told nothing of the store; onError has the diagnosis.
    expect((res.body as { error: { message: string } }).error.message).not.toMatch(/Redis/);
    return app.errors[0]?.error.message ?? '';
  }

  it.each([
    [
      'node-redis',
      (url: string): RedisStoreClient => {
        const client = createClient({ url, socket: { reconnectStrategy: 100 } }).on('error', () => undefined);
        client.connect().catch(() => undefined);
        cleanups.push(() => client.destroy());
        return client;
      },
    ],
    [
      'ioredis',
      (url: string): RedisStoreClient => {
        const client = new Redis(url, { lazyConnect: true, retryStrategy: () => 100 }).on(
          'error',
          () => undefined,
        );
        client.connect().catch(() => undefined);
        cleanups.push(() => client.disconnect());
        return client;
      },
    ],
  ])('answers 503 STORE_UNAVAILABLE when the %s client cannot reach Redis at all', async (_name, client) => {
    const app = instance(client(`redis://127.0.0.1:${await freePort()}`));
    expect(await expectRefused(app, '7001')).toMatch(/Redis client is not ready/);
  });

  it('answers 503 STORE_UNAVAILABLE once the Redis it used is killed, and never runs listeners unclaimed', async () => {
    const server = await privateRedis();
    const app = instance(await nodeRedis(server.url));
    storePayment(api, '7002');
    expect(answerOf(await send(app.app, paymentWebhook('7002')))).toEqual([200, undefined]);
    app.events.length = 0;
    await server.kill();
    await expectRefused(app, '7003');
  });

  it('answers 503 STORE_UNAVAILABLE after commandTimeoutMs when Redis hangs, and undoes the late claim', async () => {
    const server = await privateRedis();
    const app = instance(await nodeRedis(server.url), { commandTimeoutMs: 300 });
    storePayment(api, '7004');
    storePayment(api, '7005');
    expect(answerOf(await send(app.app, paymentWebhook('7005')))).toEqual([200, undefined]);
    server.process.kill('SIGSTOP');
    cleanups.push(() => server.process.kill('SIGCONT'));
    app.events.length = 0;
    const delivery = paymentWebhook('7004');
    const res = await send(app.app, delivery);
    expect(answerOf(res)).toEqual([503, 'STORE_UNAVAILABLE']);
    expect(app.errors.map(({ error }) => error.message)).toEqual([
      expect.stringMatching(/commandTimeoutMs \(300 ms\)/),
    ]);
    server.process.kill('SIGCONT');
    // The claim ran once Redis woke up; without the undo Mercado Pago's retry would get 409 for leaseMs (30 s).
    expect(answerOf(await send(app.app, delivery))).toEqual([200, undefined]);
    expect(app.events.map((event) => event.name)).toEqual(['payment.approved']);
  });

  it('undoes a late claim before any command sent after the timeout, even when Redis never saw the undo script', async () => {
    const server = await privateRedis();
    const client = await nodeRedis(server.url);
    const prefix = testPrefix();
    const store = redisStore({ client, prefix, commandTimeoutMs: 300 });
    expect(await store.claim(['warm'])).toEqual({ status: 'claimed' }); // Redis now has the claim script only
    server.process.kill('SIGSTOP');
    cleanups.push(() => server.process.kill('SIGCONT'));
    await expect(store.claim(['late'])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // Queued behind the claim and its undo on the same connection: it must see the undo done. An undo sent by
    // hash would meet NOSCRIPT here and be sent again only after this GET.
    const after = client.sendCommand(['GET', `${prefix}late`]);
    server.process.kill('SIGCONT');
    expect(await after).toBeNull();
  });

  it('answers 503 STORE_UNAVAILABLE when Redis dies while listeners run, so Mercado Pago retries', async () => {
    const server = await privateRedis();
    const app = instance(await nodeRedis(server.url));
    app.mp.on('payment.approved', () => server.kill());
    storePayment(api, '7006');
    expect(answerOf(await send(app.app, paymentWebhook('7006')))).toEqual([503, 'STORE_UNAVAILABLE']);
    expect(app.errors.map(({ error }) => error.code)).toEqual(['STORE_UNAVAILABLE']);
  });

  it('loads its scripts into a Redis that has never seen them (EVAL once), then sends them by hash', async () => {
    const server = await privateRedis();
    const client = await nodeRedis(server.url);
    const store = redisStore({ client });
    await store.claim(['a']);
    await store.claim(['b']);
    const stats = String(await client.sendCommand(['INFO', 'commandstats']));
    expect(stats).toMatch(/cmdstat_eval:calls=1,/);
    expect(stats).toMatch(/cmdstat_evalsha:calls=2,/);
  });
});
