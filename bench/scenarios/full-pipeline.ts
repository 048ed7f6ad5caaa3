// Scenario 3: the full pipeline (signature, dedup, API read, event) with an accessToken and the fake API in its
// own process; then 100 concurrent deliveries of one resource.
import { randomUUID } from 'node:crypto';
import { burst } from '../burst.js';
import { compare, type Measured } from '../compare.js';
import { BENCH_ACCESS_TOKEN } from '../constants.js';
import { paymentDelivery, uniqueDeliveries } from '../deliveries.js';
import { fixed, measuredTable, type ScenarioReport } from '../report.js';
import { startFakeApi, startServer } from '../servers.js';
import type { ApiReads } from '../fake-api-server.js';
import type { Child } from '../processes.js';
import type { ServerStats } from '../server.js';
import type { ScenarioContext } from './context.js';

const FIRST_PAYMENT_ID = 8_000_000_000;
/** Payments the fake API serves: one per delivery at up to this rate. */
const SEEDED_PER_SECOND = 6_000;
const CONCURRENT_COPIES = 100;
/**
 * How long the fake API takes to answer the read the concurrent copies share: about a real API read over the
 * internet (loopback answers in well under a millisecond, before the other copies have even arrived).
 */
const API_LATENCY_MS = 100;

export async function fullPipelineScenario(context: ScenarioContext): Promise<ScenarioReport> {
  const { plan } = context;
  const payments = SEEDED_PER_SECOND * (plan.warmupSeconds + plan.rounds * plan.seconds);
  const concurrentPaymentId = FIRST_PAYMENT_ID + payments; // seeded, never sent by the load
  context.log(`scenario 3: seeding the fake API with ${fixed(payments + 1)} payments`);
  const api = await startFakeApi({ firstPaymentId: FIRST_PAYMENT_ID, payments: payments + 1 });
  let server: Child | undefined;
  try {
    server = await startServer('router', context.servers, {
      api: { url: api.ready, accessToken: BENCH_ACCESS_TOKEN },
    });
    const deliveries = uniqueDeliveries(FIRST_PAYMENT_ID);
    context.log(`scenario 3: ${plan.rounds} rounds of ${plan.seconds} s`);
    const [router] = (await compare([{ name: 'router + API read', server, deliveries }], plan)) as [Measured];
    const readsBefore = await api.ask<ApiReads>({ readsOf: `/v1/payments/${concurrentPaymentId}` });
    const { eventsEmitted } = await server.ask<ServerStats>('stats');
    const readsPerDelivery = readsBefore.total / eventsEmitted;
    const copies = Array.from({ length: CONCURRENT_COPIES }, () =>
      paymentDelivery(String(concurrentPaymentId), randomUUID()),
    );
    await api.ask<boolean>({ delay: `/v1/payments/${concurrentPaymentId}`, ms: API_LATENCY_MS });
    const statuses = await burst(server.ready, copies);
    const readsAfter = await api.ask<ApiReads>({ readsOf: `/v1/payments/${concurrentPaymentId}` });
    const concurrentOk = statuses.filter((status) => status === 200).length;
    return {
      id: '3',
      title: 'full pipeline with accessToken and the fake API',
      body: [
        `${plan.rounds} rounds of ${plan.seconds} s after a ${plan.warmupSeconds} s warm-up; every delivery a new ` +
          'payment (distinct id and x-request-id), read from the fake API (src/testing/fake-api.ts, its own ' +
          'process, beside the load generator) with the payment fixture as its answer.',
        '',
        measuredTable([router]),
        '',
        `API reads per delivery: ${fixed(readsPerDelivery, 2)} (${fixed(readsBefore.total)} reads for ` +
          `${fixed(eventsEmitted)} deliveries processed, warm-up included). ${CONCURRENT_COPIES} concurrent deliveries of ` +
          `one payment (distinct x-request-id each, over ${CONCURRENT_COPIES} open connections; the fake API answers ` +
          `that read after ${API_LATENCY_MS} ms, as a real API read over the internet would): ` +
          `${readsAfter.ofPath} API read(s), ${concurrentOk} answered 200.`,
      ].join('\n'),
      verdicts: [
        {
          target: 'API reads per delivery 1.00',
          measured: fixed(readsPerDelivery, 2),
          met: readsBefore.total === eventsEmitted,
        },
        {
          target: `${CONCURRENT_COPIES} concurrent deliveries of one resource: exactly 1 API read`,
          measured: `${readsAfter.ofPath} read(s), ${concurrentOk}/${CONCURRENT_COPIES} answered 200`,
          met: readsAfter.ofPath === 1 && concurrentOk === CONCURRENT_COPIES,
        },
        { target: 'every answer 2xx', measured: `${fixed(router.failed)} failed`, met: router.failed === 0 },
      ],
    };
  } finally {
    await Promise.all([server, api].map((child) => child?.stop()));
  }
}
