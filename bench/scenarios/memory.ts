// Scenario 4: 1,000,000 unique deliveries through the default in-memory store, over HTTP; resident memory is
// sampled every 100,000 deliveries and must stop growing once the store holds `dedup.max` keys.
import { runLoad } from '../load.js';
import { uniqueDeliveries } from '../deliveries.js';
import { residentMemory } from '../processes.js';
import { fixed, megabytes, table, type ScenarioReport } from '../report.js';
import { startServer } from '../servers.js';
import type { ScenarioContext } from './context.js';

const DELIVERIES = 1_000_000;
const QUICK_DELIVERIES = 300_000;
const SAMPLE_EVERY = 100_000;
const QUICK_SAMPLE_EVERY = 50_000;
/** The router's default `dedup.max`; each delivery stores two keys (the delivery and its single-use signature). */
const DEDUP_MAX = 50_000;
const KEYS_PER_DELIVERY = 2;
/** Below this growth per 100k deliveries, in the second half of the run, resident memory has stopped growing. */
const FLAT_BYTES_PER_100K = 2 * 2 ** 20;

interface Sample {
  readonly deliveries: number;
  readonly rss: number;
  readonly heapAfterGc: number;
  readonly perSecond: number;
}

export async function memoryScenario(context: ScenarioContext): Promise<ScenarioReport> {
  const total = context.quick ? QUICK_DELIVERIES : DELIVERIES;
  const every = context.quick ? QUICK_SAMPLE_EVERY : SAMPLE_EVERY;
  const server = await startServer('router', context.servers, {}, ['--expose-gc']);
  try {
    const deliveries = uniqueDeliveries(3_000_000_000);
    const start = residentMemory(server.pid);
    const samples: Sample[] = [];
    let failed = 0;
    while (samples.length * every < total) {
      deliveries.prepare(every);
      const run = await runLoad({
        url: server.ready,
        serverPid: server.pid,
        deliveries,
        connections: context.plan.connections,
        amount: every,
      });
      failed += run.failed;
      const { rss } = residentMemory(server.pid); // before the forced collection below
      const heapAfterGc = await server.ask<number>('heap-after-gc');
      samples.push({
        deliveries: (samples.length + 1) * every,
        rss,
        heapAfterGc,
        perSecond: run.ok / run.seconds,
      });
      context.log(`scenario 4: ${fixed(samples.length * every)} deliveries, RSS ${megabytes(rss)}`);
    }
    const { peak } = residentMemory(server.pid);
    const secondHalf = samples.slice(Math.floor(samples.length / 2) - 1);
    const first = secondHalf[0] as Sample;
    const last = secondHalf[secondHalf.length - 1] as Sample;
    const per100k = (bytes: number) => (bytes * 100_000) / (last.deliveries - first.deliveries);
    const rssGrowth = per100k(last.rss - first.rss);
    const heapGrowth = per100k(last.heapAfterGc - first.heapAfterGc);
    return {
      id: '4',
      title: 'memory, unique deliveries through the default in-memory store',
      body: [
        `${fixed(total)} unique signed deliveries over HTTP (${context.plan.connections} connections) to the router ` +
          `with the default store (dedup.max ${fixed(DEDUP_MAX)} keys, ${KEYS_PER_DELIVERY} keys per delivery: full ` +
          `after ${fixed(DEDUP_MAX / KEYS_PER_DELIVERY)} deliveries). Resident memory (VmRSS) is read from /proc ` +
          'after each batch; then the server runs a full garbage collection (--expose-gc) and reports the heap ' +
          `still in use. At start: RSS ${megabytes(start.rss)}.`,
        '',
        table(
          ['deliveries', 'RSS', 'heap after GC', 'req/s'],
          samples.map((s) => [
            fixed(s.deliveries),
            megabytes(s.rss),
            megabytes(s.heapAfterGc),
            fixed(s.perSecond),
          ]),
        ),
        '',
        `Peak RSS (VmHWM): ${megabytes(peak)}. Growth per 100k deliveries from ${fixed(first.deliveries)} to ` +
          `${fixed(last.deliveries)}: RSS ${megabytes(rssGrowth)}, heap after GC ${megabytes(heapGrowth)}.`,
      ].join('\n'),
      verdicts: [
        {
          target: 'resident memory stops growing once dedup.max is reached',
          measured: `${megabytes(rssGrowth)} RSS per 100k in the second half, peak ${megabytes(peak)}`,
          met: rssGrowth < FLAT_BYTES_PER_100K,
        },
        { target: 'every answer 2xx', measured: `${fixed(failed)} failed`, met: failed === 0 },
      ],
    };
  } finally {
    await server.stop();
  }
}
