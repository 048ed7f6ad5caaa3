import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { ipnDelivery, paymentWebhook } from '../helpers/deliveries.js';
import { storePayment, useFakeApi } from '../helpers/fake-api.js';
import { REDIS, REDIS_URL, deleteKeys, describeWith, testPrefix } from '../helpers/redis.js';
import { startWorker, type Worker } from '../helpers/redis-workers.js';
import { sleep } from '../helpers/timing.js';

/** Each process reads the API with a token of its own, so the fake API's log tells who read what. */
const TOKENS = ['APP_USR-process-a', 'APP_USR-process-b', 'APP_USR-process-c'];
/** Short, so the kill test waits little; still above handlerTimeoutMs + 2 × fetchTimeoutMs (4.5 s). */
const LEASE_MS = 6_000;

describeWith([REDIS], 'three app processes sharing one Redis and one fake API', () => {
  const api = useFakeApi(...TOKENS);
  const prefix = testPrefix();
  let workers: Worker[] = [];

  beforeAll(async () => {
    workers = await Promise.all(
      TOKENS.map((accessToken, index) =>
        startWorker(`process-${index}`, {
          redisUrl: REDIS_URL,
          prefix,
          leaseMs: LEASE_MS,
          secret: FIXTURE_SECRET,
          accessToken,
          apiBaseUrl: api.url,
          handlerTimeoutMs: 1_500,
          fetchTimeoutMs: 1_500,
        }),
      ),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await deleteKeys(prefix);
  });

  /** Listener runs every live process reported for `resourceId`, once all their messages have arrived. */
  async function runsOf(resourceId: string): Promise<string[]> {
    const live = workers.filter(
      (worker) => worker.process.exitCode === null && worker.process.signalCode === null,
    );
    await Promise.all(live.map((worker) => worker.sync()));
    return workers.flatMap((worker) =>
      worker.runs.filter((run) => run.resourceId === resourceId).map((run) => `${worker.name} ${run.name}`),
    );
  }

  /** Resends `send` until it is answered 200, as Mercado Pago retries; fails after `limitMs`. */
  async function retryUntilOk(send: () => Promise<[number, string | undefined]>, limitMs: number) {
    const deadline = Date.now() + limitMs;
    const answers: Array<[number, string | undefined]> = [];
    for (;;) {
      const answer = await send();
      answers.push(answer);
      if (answer[0] === 200 || Date.now() > deadline) return answers;
      await sleep(200);
    }
  }

  it('runs the listener once for 50 concurrent copies of one delivery spread over the three', async () => {
    const path = storePayment(api, '5001');
    const delivery = paymentWebhook('5001');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) => workers[index % workers.length]?.send(delivery)),
    );
    // The winner and the copies that joined it in its process: 200; copies elsewhere while it ran: 409.
    expect(answers.filter((answer) => answer?.[0] === 200).length).toBeGreaterThanOrEqual(1);
    for (const answer of answers)
      expect([
        [200, undefined],
        [409, 'DELIVERY_IN_PROGRESS'],
      ]).toContainEqual(answer);
    // Mercado Pago retries the 409s: each process now answers 200 without running anything again.
    for (const worker of workers) expect(await worker.send(delivery)).toEqual([200, undefined]);
    expect(await runsOf('5001')).toEqual([expect.stringMatching(/^process-\d payment\.approved$/)]);
    for (const token of TOKENS) {
      const reads = api.requests.filter((request) => request.path === path && request.token === token);
      expect(reads.length).toBeLessThanOrEqual(1);
    }
    expect(api.readsOf(path)).toBe(1);
  });

  it('gives one event for the Webhook copy on one process and the IPN copy on another', async () => {
    storePayment(api, '5002');
    const [a, b] = [workers[0], workers[1]] as [Worker, Worker];
    const webhook = paymentWebhook('5002');
    const ipn = ipnDelivery('payment', '5002');
    const [fromA, fromB] = await Promise.all([
      retryUntilOk(() => a.send(webhook), 10_000),
      retryUntilOk(() => b.send(ipn), 10_000),
    ]);
    expect(fromA.at(-1)).toEqual([200, undefined]);
    expect(fromB.at(-1)).toEqual([200, undefined]);
    expect(await runsOf('5002')).toEqual([expect.stringMatching(/^process-[01] payment\.approved$/)]);
    // Each attempt reads once: a copy answered 409 while the other ran (depends on timing) reads again
    // when Mercado Pago retries it, since the payment may have changed meanwhile.
    expect(api.readsOf('/v1/payments/5002')).toBe(fromA.length + fromB.length);
  });

  it('runs the listener on a survivor after the lease when the process running it is killed (kill -9)', async () => {
    storePayment(api, '5003');
    const [survivor, victim] = [workers[0], workers[2]] as [Worker, Worker];
    const delivery = paymentWebhook('5003');
    await victim.hang('5003');
    const started = victim.nextRun('5003');
    const lost = victim.send(delivery).catch((error: unknown) => error);
    await started;
    await victim.kill();
    // The request to the killed process gets no answer (fetch's error comes from another realm than jest's Error).
    expect(String(await lost)).toMatch(/fetch failed/);
    // The dead process's claim holds until its lease expires: the first retry finds it in progress.
    const answers = await retryUntilOk(() => survivor.send(delivery), LEASE_MS + 15_000);
    expect(answers[0]).toEqual([409, 'DELIVERY_IN_PROGRESS']);
    expect(answers.at(-1)).toEqual([200, undefined]);
    expect(await runsOf('5003')).toEqual(['process-0 payment.approved', 'process-2 payment.approved']);
  }, 40_000);
});
