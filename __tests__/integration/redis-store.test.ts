import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import {
  redisStore,
  type DeliveryStore,
  type RedisStoreClient,
  type RedisStoreOptions,
} from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { ipnDelivery, paymentWebhook, send, type OutgoingDelivery } from '../helpers/deliveries.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import {
  REDIS,
  REDIS_SERVER_BINARY,
  connectIoRedis,
  connectNodeRedis,
  deleteKeys,
  describeWith,
  startPrivateRedis,
  testPrefix,
  type PrivateRedis,
} from '../helpers/redis.js';
import { sleep } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

/** Calls `attempt` every 50 ms until it returns true; fails after `limitMs` (a bound, not a speed check). */
async function eventually(attempt: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await attempt())) {
    if (Date.now() > deadline) throw new Error(`still false after ${limitMs} ms`);
    await sleep(50);
  }
}

/** A connected client of each supported library, and how to close it. */
const CLIENTS: ReadonlyArray<[string, () => Promise<[RedisStoreClient, () => Promise<unknown>]>]> = [
  ['node-redis', async () => connectNodeRedis().then((client) => [client, () => client.close()])],
  ['ioredis', async () => connectIoRedis().then((client) => [client, () => client.quit()])],
];

describeWith([REDIS], 'redisStore against Redis', () => {
  describe.each(CLIENTS)('with %s', (_name, connect) => {
    let client: RedisStoreClient;
    let close: () => Promise<unknown>;
    let prefix: string;
    const store = (options: Partial<RedisStoreOptions> = {}): DeliveryStore =>
      redisStore({ client, prefix, ...options });

    beforeAll(async () => {
      [client, close] = await connect();
    });
    afterAll(() => close());
    beforeEach(() => {
      prefix = testPrefix();
    });
    afterEach(() => deleteKeys(prefix));

    it('claims every key or none: a key claimed elsewhere leaves the other keys unclaimed', async () => {
      const [a, b] = [store(), store()];
      expect(await a.claim(['delivery:1', 'signature:1'])).toEqual({ status: 'claimed' });
      expect(await b.claim(['delivery:2', 'signature:1'])).toEqual({
        status: 'processing',
        key: 'signature:1',
      });
      expect(await b.claim(['delivery:2'])).toEqual({ status: 'claimed' });
    });

    it('answers done for a completed key and processing for a claimed one, naming the first such key', async () => {
      const [a, b] = [store(), store()];
      await a.claim(['delivery:1', 'event:1']);
      await a.complete(['delivery:1']);
      expect(await b.claim(['delivery:1', 'event:1'])).toEqual({ status: 'done', key: 'delivery:1' });
      expect(await b.claim(['other', 'event:1'])).toEqual({ status: 'processing', key: 'event:1' });
      expect([await b.has('delivery:1'), await b.has('event:1'), await b.has('other')]).toEqual([
        true,
        false,
        false,
      ]);
    });

    it('frees a claim at once when released, for any instance', async () => {
      const [a, b] = [store(), store()];
      await a.claim(['delivery:1', 'signature:1']);
      await a.release(['delivery:1', 'signature:1']);
      expect(await b.claim(['delivery:1', 'signature:1'])).toEqual({ status: 'claimed' });
    });

    it('lets another instance claim a key whose lease expired (its holder died)', async () => {
      const [dead, survivor] = [store({ leaseMs: 200 }), store()];
      await dead.claim(['delivery:1']);
      expect(await survivor.claim(['delivery:1'])).toEqual({ status: 'processing', key: 'delivery:1' });
      await eventually(async () => (await survivor.claim(['delivery:1'])).status === 'claimed');
    });

    it('does not release a claim that another instance took over after the lease expired', async () => {
      const [late, next, third] = [store({ leaseMs: 200 }), store(), store()];
      await late.claim(['delivery:1']);
      await eventually(async () => (await next.claim(['delivery:1'])).status === 'claimed');
      await late.release(['delivery:1']);
      expect(await third.claim(['delivery:1'])).toEqual({ status: 'processing', key: 'delivery:1' });
    });

    it('keeps processed keys for ttlMs and claims under leaseMs, all under its prefix', async () => {
      const a = store({ ttlMs: 60_000, leaseMs: 5_000 });
      await a.claim(['delivery:1', 'signature:1']);
      await a.complete(['delivery:1']);
      const inspector = await connectNodeRedis();
      const ttl = async (key: string) => Number(await inspector.sendCommand(['PTTL', prefix + key]));
      expect(await ttl('delivery:1')).toBeGreaterThan(5_000);
      expect(await ttl('delivery:1')).toBeLessThanOrEqual(60_000);
      expect(await ttl('signature:1')).toBeGreaterThan(0);
      expect(await ttl('signature:1')).toBeLessThanOrEqual(5_000);
      inspector.destroy();
    });

    it('fails the call when Redis refuses the script (a key of another type under the prefix)', async () => {
      const inspector = await connectNodeRedis();
      await inspector.sendCommand(['LPUSH', `${prefix}delivery:1`, 'not ours']);
      inspector.destroy();
      await expect(store().claim(['delivery:1'])).rejects.toThrow(/WRONGTYPE/);
    });

    it('forgets processed keys after ttlMs', async () => {
      const a = store({ ttlMs: 200 });
      await a.complete(['delivery:1']);
      expect(await a.has('delivery:1')).toBe(true);
      await eventually(async () => !(await a.has('delivery:1')));
      expect(await a.claim(['delivery:1'])).toEqual({ status: 'claimed' });
    });
  });
});

describeWith([REDIS], 'routers sharing one Redis (two instances in one process)', () => {
  const api = useFakeApi();
  let client: Awaited<ReturnType<typeof connectNodeRedis>>;
  let prefix: string;
  beforeAll(async () => {
    client = await connectNodeRedis();
  });
  afterAll(() => client.close());
  beforeEach(() => {
    prefix = testPrefix();
  });
  afterEach(() => deleteKeys(prefix));

  const instance = () =>
    createApp(apiOptions(api, { handlerTimeoutMs: 2_000, store: redisStore({ client, prefix }) }));

  it('runs the listener once when copies of a delivery reach both, one after the other', async () => {
    const [a, b] = [instance(), instance()];
    const path = storePayment(api, '9001');
    const delivery = paymentWebhook('9001');
    expect(answerOf(await send(a.app, delivery))).toEqual([200, undefined]);
    expect(answerOf(await send(b.app, delivery))).toEqual([200, undefined]);
    expect([...a.events, ...b.events].map((event) => event.name)).toEqual(['payment.approved']);
    expect(api.readsOf(path)).toBe(1);
  });

  it('answers 409 DELIVERY_IN_PROGRESS on one while the other runs the listener, and 200 once it is done', async () => {
    const [a, b] = [instance(), instance()];
    storePayment(api, '9002');
    let finish = (): void => undefined;
    const started = new Promise<void>((resolve) =>
      a.mp.on('payment.approved', () => {
        resolve();
        return new Promise<void>((done) => (finish = done));
      }),
    );
    const delivery = paymentWebhook('9002');
    const first = send(a.app, delivery).then((res) => res);
    await started;
    expect(answerOf(await send(b.app, delivery))).toEqual([409, 'DELIVERY_IN_PROGRESS']);
    finish();
    expect(answerOf(await first)).toEqual([200, undefined]);
    expect(answerOf(await send(b.app, delivery))).toEqual([200, undefined]);
    expect(b.events).toEqual([]);
  });

  it('runs the listener on the other instance when it failed on the first (the claim was released)', async () => {
    const [a, b] = [instance(), instance()];
    storePayment(api, '9003');
    a.mp.on('payment.approved', () => {
      throw new Error('fulfilment is down');
    });
    const delivery = paymentWebhook('9003');
    expect(answerOf(await send(a.app, delivery))).toEqual([500, 'LISTENER_FAILED']);
    expect(answerOf(await send(b.app, delivery))).toEqual([200, undefined]);
    expect(b.events.map((event) => event.name)).toEqual(['payment.approved']);
  });
});

describeWith(
  [REDIS_SERVER_BINARY],
  'Redis round trips per delivery (a private redis-server counts them)',
  () => {
    const api = useFakeApi();
    let server: PrivateRedis;
    let client: Awaited<ReturnType<typeof connectNodeRedis>>;
    let monitor: Socket;
    /** What MONITOR printed: one line per command, `[0 127.0.0.1:port]` for a client's, `[0 lua]` inside a script. */
    let monitored = '';
    beforeAll(async () => {
      server = await startPrivateRedis();
      client = await connectNodeRedis(server.url);
      monitor = connect(Number(new URL(server.url).port), '127.0.0.1');
      monitor.on('data', (chunk: Buffer) => void (monitored += String(chunk)));
      monitor.write('MONITOR\r\n');
    });
    afterAll(async () => {
      monitor.destroy();
      client.destroy();
      await server.kill();
    });

    /** Waits until MONITOR has shown an ECHO of `mark` and returns where that line ends. */
    async function markMonitor(mark: string): Promise<number> {
      await client.sendCommand(['ECHO', mark]);
      await eventually(async () => monitored.includes(mark));
      return monitored.indexOf('\n', monitored.indexOf(mark)) + 1;
    }

    /** The status of sending `delivery` to `app`, and how many commands clients sent Redis meanwhile. */
    async function cost(app: TestApp, delivery: OutgoingDelivery): Promise<[number, number]> {
      const from = await markMonitor(randomUUID());
      const res = await send(app.app, delivery);
      const end = randomUUID();
      await markMonitor(end);
      const lines = monitored.slice(from, monitored.indexOf(end)).split('\n');
      return [res.status, lines.filter((line) => / \[\d+ 127\.0\.0\.1:\d+\] /.test(line)).length - 1];
    }

    it('costs 2 for a signature-only delivery, 3 with an API read, 1 for a duplicate', async () => {
      const store = redisStore({ client, prefix: testPrefix() });
      await store.claim(['warm-up']); // loads the claim script (EVAL once); every later call goes by hash
      await store.complete(['warm-up']);
      expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
      const signatureOnly = createApp({ secret: FIXTURE_SECRET, store });
      const withApi = createApp(apiOptions(api, { store }));
      storePayment(api, '9100');
      const delivery = paymentWebhook('9100');
      expect(await cost(signatureOnly, paymentWebhook('9101'))).toEqual([200, 2]);
      expect(await cost(withApi, delivery)).toEqual([200, 3]);
      expect(await cost(withApi, delivery)).toEqual([200, 1]);
    });

    it('costs 2 for an IPN, which claims nothing before its read, and 1 for its copy of a state already emitted', async () => {
      const store = redisStore({ client, prefix: testPrefix() });
      await store.claim(['warm-up']);
      await store.complete(['warm-up']);
      const withApi = createApp(apiOptions(api, { store }));
      storePayment(api, '9102');
      expect(await cost(withApi, ipnDelivery('payment', '9102'))).toEqual([200, 2]);
      expect(await cost(withApi, ipnDelivery('payment', '9102'))).toEqual([200, 1]);
    });
  },
);
