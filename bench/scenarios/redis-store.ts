// Scenario 5: scenario 1's unique deliveries through redisStore against the default in-memory store, with a
// private redis-server whose counters and CPU time belong to this run alone.
import { createClient } from 'redis';
import { compare, ratio, type Measured } from '../compare.js';
import { uniqueDeliveries } from '../deliveries.js';
import { cpuSeconds, type Child } from '../processes.js';
import { fixed, measuredTable, type ScenarioReport } from '../report.js';
import { startRedis, startServer } from '../servers.js';
import type { ServerStats } from '../server.js';
import type { ScenarioContext } from './context.js';

/** A claim script and a complete script: the fewest a delivery can cost with claims that are leases. */
const MINIMUM_ROUND_TRIPS = 2;
/** EVALSHA then EVAL, once per script, the first time each runs. */
const MAX_SCRIPT_LOADS = 2 * 3;

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
    const stats = await (servers[1] as Child).ask<ServerStats>('stats');
    const calls = await commandCalls(redis.url);
    const scripts = (calls.get('evalsha') ?? 0) + (calls.get('eval') ?? 0);
    const perDelivery = (count: number) => count / stats.eventsEmitted;
    const roundTrips = perDelivery(stats.redisCommands);
    // Past claim + complete, only the first call of each script: EVALSHA answered NOSCRIPT, then EVAL.
    const extra = stats.redisCommands - MINIMUM_ROUND_TRIPS * stats.eventsEmitted;
    const perCpu = ratio(redisBacked, memory);
    const redisMicrosPerDelivery = (1e6 * redisCpu) / stats.eventsEmitted;
    const withRedisCpu =
      redisBacked.ok / (redisBacked.serverCpuSeconds + (redisCpu * redisBacked.ok) / stats.eventsEmitted);
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
        `Redis round trips per delivery: ${fixed(roundTrips, 2)} (${fixed(stats.redisCommands)} commands sent by ` +
          `the store for ${fixed(stats.eventsEmitted)} deliveries processed, warm-up included: one claim script ` +
          `and one complete script per delivery, plus ${fixed(extra)} in all: a script's first EVALSHA answered ` +
          `NOSCRIPT and was sent again as EVAL). Redis counted ${fixed(perDelivery(scripts), 2)} script calls ` +
          '(EVALSHA/EVAL) per delivery in INFO commandstats.',
      ].join('\n'),
      verdicts: [
        {
          target: 'Redis round trips per delivery at the minimum (claim + complete)',
          measured: fixed(roundTrips, 2),
          met: extra <= MAX_SCRIPT_LOADS,
        },
        {
          target: 'every answer 2xx',
          measured: `${fixed(memory.failed + redisBacked.failed)} failed`,
          met: memory.failed + redisBacked.failed === 0,
        },
      ],
    };
  } finally {
    await Promise.all([...servers, redis].map((child) => child.stop()));
  }
}
