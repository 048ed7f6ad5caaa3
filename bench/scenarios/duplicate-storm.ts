// Scenario 2: one delivery repeated 100,000 times. The router (with accessToken, reading the fake API) against
// the hand-written route; the fake API counts the reads.
import { compare, ratio, type Measured } from '../compare.js';
import { BENCH_ACCESS_TOKEN } from '../constants.js';
import { paymentDelivery, repeatedDelivery } from '../deliveries.js';
import { fixed, measuredTable, type ScenarioReport } from '../report.js';
import { startFakeApi, startServer } from '../servers.js';
import type { ApiReads } from '../fake-api-server.js';
import type { Child } from '../processes.js';
import type { ScenarioContext } from './context.js';

const PAYMENT_ID = 7_000_000_001;
const COPIES = 100_000;
const QUICK_COPIES = 20_000;

export async function duplicateStormScenario(context: ScenarioContext): Promise<ScenarioReport> {
  const copies = context.quick ? QUICK_COPIES : COPIES;
  const plan = { ...context.plan, amount: Math.ceil(copies / context.plan.rounds) };
  const api = await startFakeApi({ firstPaymentId: PAYMENT_ID, payments: 1 });
  const servers: Child[] = [];
  try {
    servers.push(
      await startServer('router', context.servers, {
        api: { url: api.ready, accessToken: BENCH_ACCESS_TOKEN },
      }),
      await startServer('hand-written', context.servers),
    );
    const delivery = paymentDelivery(String(PAYMENT_ID));
    const contenders = (['router', 'hand-written'] as const).map((name, index) => ({
      name,
      server: servers[index] as Child,
      deliveries: repeatedDelivery(delivery),
    }));
    context.log(`scenario 2: ${plan.rounds} rounds of ${fixed(plan.amount)} copies per server`);
    const [router, handWritten] = (await compare(contenders, plan)) as [Measured, Measured];
    const reads = await api.ask<ApiReads>({ readsOf: `/v1/payments/${PAYMENT_ID}` });
    const sent = contenders[0]?.deliveries.sent ?? 0;
    const perCpu = ratio(router, handWritten);
    const perSecond = router.requestsPerSecond / handWritten.requestsPerSecond;
    return {
      id: '2',
      title: 'duplicate storm (one delivery repeated)',
      body: [
        `One signed payment delivery, ${fixed(plan.amount * plan.rounds)} measured copies per server ` +
          `(${fixed(plan.amount)} per round, ${plan.rounds} rounds interleaved, after a ${plan.warmupSeconds} s ` +
          'warm-up of the same copy). The router ' +
          'has an accessToken and reads the fake API (its own process); the hand-written route reads nothing.',
        '',
        measuredTable([router, handWritten]),
        '',
        `Router / hand-written: ${fixed(perCpu.total, 2)}x per CPU-second (rounds ${fixed(perCpu.low, 2)}-` +
          `${fixed(perCpu.high, 2)}), ${fixed(perSecond, 2)}x requests per second. API reads: ${reads.ofPath} ` +
          `for ${fixed(sent)} copies sent to the router (warm-up included).`,
      ].join('\n'),
      verdicts: [
        {
          target: 'router >= hand-written throughput (per CPU-second)',
          measured: `${fixed(perCpu.total, 2)}x`,
          met: perCpu.total >= 1,
        },
        {
          target: 'one API read, none after the first',
          measured: `${reads.ofPath} read(s)`,
          met: reads.ofPath === 1,
        },
        {
          target: 'every answer 2xx',
          measured: `${fixed(router.failed + handWritten.failed)} failed`,
          met: router.failed + handWritten.failed === 0,
        },
      ],
    };
  } finally {
    await Promise.all([...servers, api].map((child) => child.stop()));
  }
}
