// Scenario 5: scenario 1's unique deliveries through redisStore against the default in-memory store, with a
// private redis-server whose counters and CPU time belong to this run alone.
import { createClient } from 'redis';
import { compare, ratio, type Measured } from '../compare.js';
import { uniqueDeliveries } from '../deliveries.js';
import { runLoad } from '../load.js';
import { cpuSeconds, type Child } from '../processes.js';
import { fixed, measuredTable, type ScenarioReport } from '../report.js';
import { startRedis, startServer } from '../servers.js';
import type { ServerStats } from '../server.js';
import type { ScenarioContext } from './context.js';

/** A claim script and a complete script: the fewest a delivery can cost with claims that are leases. */
const MINIMUM_ROUND_TRIPS = 2;
/** Deliveries sent, after the timed turns, to count round trips. */
const COUNTED_DELIVERIES = 2_000;

/** Calls of every command Redis ran (INFO commandstats), script-internal ones included. */
async function commandCalls(url: string): Promise<Map<string, number>> {
  const client = await createClient({ url }).connect();
  try {
    const info = await client.info('commandstats');
    return new Map(
      [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((match) => [match[1] ?? '', Number(match[2])]),
    );
  } finally {
    await client.quit();
  }
}

export async function redisStoreScenario(context: ScenarioContext): Promise<ScenarioReport> {
  const { plan } = context;
  const redis = await startRedis();
  const servers: Child[] = [];
  try {
    servers.push(
      await startServer('router', context.servers),
      await startServer('router', context.servers, { redisUrl: redis.url }),
    );
    const contenders = ['router, in-memory store', 'router, redisStore'].map((name, index) => ({
      name,
      server: servers[index] as Child,
      deliveries: uniqueDeliveries(5_000_000_000 + index * 100_000_000),
    }));
    const redisCpuBefore = cpuSeconds(redis.pid);
    context.log(`scenario 5: ${plan.rounds} rounds of ${plan.seconds} s per server`);
    const [memory, redisBacked] = (await compare(contenders, plan)) as [Measured, Measured];
    const redisCpu = cpuSeconds(redis.pid) - redisCpuBefore;
    // Round trips, counted apart from the timed turns (whose last requests are cut off mid-flight): a fixed
    // number of deliveries, every one answered, between two readings of the store's command counter.
    const redisServer = servers[1] as Child;
    const before = await redisServer.ask<ServerStats>('stats');
    const callsBefore = await commandCalls(redis.url);
    const counted = await runLoad({
      url: redisServer.ready,
      serverPid: redisServer.pid,
      deliveries: uniqueDeliveries(5_900_000_000),
      connections: plan.connections,
      amount: COUNTED_DELIVERIES,
    });
    const after = await redisServer.ask<ServerStats>('stats');
    const callsAfter = await commandCalls(redis.url);
    const processed = after.eventsEmitted - before.eventsEmitted;
    const commands = after.redisCommands - before.redisCommands;
    const scripts = ['evalsha', 'eval'].reduce(
      (sum, name) => sum + (callsAfter.get(name) ?? 0) - (callsBefore.get(name) ?? 0),
      0,
    );
    const roundTrips = commands / processed;
    const perCpu = ratio(redisBacked, memory);
    const redisMicrosPerDelivery = (1e6 * redisCpu) / before.eventsEmitted;
    const withRedisCpu =
      redisBacked.ok / (redisBacked.serverCpuSeconds + (redisCpu * redisBacked.ok) / before.eventsEmitted);
    return {
      id: '5',
      title: 'redisStore against the in-memory store (scenario 1 deliveries)',
      body: [
        `${plan.rounds} rounds of ${plan.seconds} s per server, interleaved, after a ${plan.warmupSeconds} s ` +
          'warm-up each; unique signed deliveries, secret only, as in scenario 1. redisStore uses a node-redis ' +
          'client on a private redis-server (no persistence) pinned beside the load generator.',
        '',
        measuredTable([memory, redisBacked]),
        '',
        `redisStore / in-memory: ${fixed(perCpu.total, 2)}x per server CPU-second (rounds ${fixed(perCpu.low, 2)}-` +
          `${fixed(perCpu.high, 2)}), ${fixed(redisBacked.requestsPerSecond / memory.requestsPerSecond, 2)}x ` +
          `requests per second; counting Redis's own CPU time (${fixed(redisMicrosPerDelivery, 1)} us per ` +
          `delivery) as well: ${fixed(withRedisCpu / memory.requestsPerCpuSecond, 2)}x.`,
        '',
        `Redis round trips per delivery: ${fixed(roundTrips, 2)}: ${fixed(commands)} commands sent by the store ` +
          `for ${fixed(processed)} deliveries (${fixed(COUNTED_DELIVERIES)} more unique deliveries after the timed ` +
          `turns, all answered: ${fixed(counted.ok)} 200), one claim script and one complete script each. Redis ` +
          `counted ${fixed(scripts / processed, 2)} script calls (EVALSHA/EVAL) per delivery in INFO commandstats.`,
      ].join('\n'),
      verdicts: [
        {
          target: 'Redis round trips per delivery at the minimum (claim + complete)',
          measured: fixed(roundTrips, 2),
          met: commands === MINIMUM_ROUND_TRIPS * processed,
        },
        {
          target: 'every answer 2xx',
          measured: `${fixed(memory.failed + redisBacked.failed)} failed`,
          met: memory.failed + redisBacked.failed + counted.failed === 0,
        },
      ],
    };
  } finally {
    await Promise.all([...servers, redis].map((child) => child.stop()));
  }
}
