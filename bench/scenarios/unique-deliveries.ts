// Scenario 1: unique signed Webhook deliveries, secret only: the router against the route users write by hand
// and against a bare route.
import { compare, ratio, type Measured } from '../compare.js';
import { uniqueDeliveries } from '../deliveries.js';
import { fixed, measuredTable, type ScenarioReport } from '../report.js';
import { startServer } from '../servers.js';
import type { Child } from '../processes.js';
import type { ScenarioContext } from './context.js';

export async function uniqueDeliveriesScenario(context: ScenarioContext): Promise<ScenarioReport> {
  const { plan } = context;
  const names = ['router', 'hand-written', 'bare'] as const;
  const servers = await Promise.all(names.map((kind) => startServer(kind, context.servers)));
  try {
    const contenders = names.map((name, index) => ({
      name,
      server: servers[index] as Child,
      deliveries: uniqueDeliveries(1_000_000_000 + index * 100_000_000),
    }));
    context.log(`scenario 1: ${plan.rounds} rounds of ${plan.seconds} s per server`);
    const [router, handWritten, bare] = (await compare(contenders, plan)) as [Measured, Measured, Measured];
    const vsHand = ratio(router, handWritten);
    const vsBare = ratio(router, bare);
    const handVsBare = ratio(handWritten, bare);
    const p99Ratio = router.p99 / handWritten.p99;
    const range = (r: { total: number; low: number; high: number }) =>
      `${fixed(r.total, 2)}x (rounds ${fixed(r.low, 2)}-${fixed(r.high, 2)})`;
    const failed = router.failed + handWritten.failed + bare.failed;
    return {
      id: '1',
      title: 'unique signed Webhook deliveries, secret only',
      body: [
        `${plan.rounds} rounds of ${plan.seconds} s per server, interleaved (router, hand-written, bare), after a ` +
          `${plan.warmupSeconds} s warm-up each; every request a new payment id and x-request-id, validly signed.`,
        '',
        measuredTable([router, handWritten, bare]),
        '',
        `Per CPU-second: router / hand-written ${range(vsHand)}; router / bare ${range(vsBare)}; ` +
          `hand-written / bare ${range(handVsBare)}. p99: router / hand-written ${fixed(p99Ratio, 2)}x.`,
      ].join('\n'),
      verdicts: [
        {
          target: 'router >= 1.0x hand-written per CPU-second',
          measured: `${fixed(vsHand.total, 2)}x`,
          met: vsHand.total >= 1,
        },
        {
          target: 'router ~0.85x bare per CPU-second (aim)',
          measured: `${fixed(vsBare.total, 2)}x`,
          met: vsBare.total >= 0.85,
        },
        {
          target: 'router p99 <= 1.2x hand-written p99',
          measured: `${fixed(p99Ratio, 2)}x`,
          met: p99Ratio <= 1.2,
        },
        { target: 'every answer 2xx', measured: `${fixed(failed)} failed`, met: failed === 0 },
      ],
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
