// Side-by-side measurement: servers take turns round by round (A B C A B C ...), so that whatever else the
// machine does spreads evenly over them, and each is judged per CPU-second of its own process.
import { percentile, runLoad, type LoadResult } from './load.js';
import type { DeliveryStream } from './deliveries.js';
import type { Child } from './processes.js';

/** Requests per second assumed before a server's first turn, to sign its deliveries in advance. */
const FIRST_RATE_GUESS = 15_000;
/** Deliveries signed in advance of a turn: its last rate times this. */
const PREPARE_MARGIN = 1.3;

/** One server in a comparison. */
export interface Contender {
  readonly name: string;
  readonly server: Child;
  /** Where its deliveries come from (each contender has its own stream). */
  readonly deliveries: DeliveryStream;
}

/** How the rounds run. */
export interface RoundPlan {
  readonly rounds: number;
  /** Length of one measured turn, in seconds, unless `amount` is given. */
  readonly seconds: number;
  /** Answers per measured turn, instead of a duration. */
  readonly amount?: number;
  /** One unmeasured turn per server first (JIT warm-up), this long. */
  readonly warmupSeconds: number;
  readonly connections: number;
}

/** Totals of one contender over every measured round. */
export interface Measured {
  readonly name: string;
  readonly ok: number;
  readonly failed: number;
  readonly seconds: number;
  readonly serverCpuSeconds: number;
  readonly generatorCpuSeconds: number;
  readonly requestsPerSecond: number;
  readonly requestsPerCpuSecond: number;
  /** Over every 2xx answer of every measured round, in ms. */
  readonly p50: number;
  readonly p99: number;
  /** Requests per CPU-second in each round, to compare round by round. */
  readonly perCpuSecondByRound: readonly number[];
}

/** Runs the rounds and returns one row per contender, in the order given. */
export async function compare(contenders: readonly Contender[], plan: RoundPlan): Promise<Measured[]> {
  const runs = contenders.map(() => [] as LoadResult[]);
  const rates = contenders.map(() => FIRST_RATE_GUESS);
  const turn = async (index: number, length: { seconds: number } | { amount: number }) => {
    const contender = contenders[index] as Contender;
    contender.deliveries.prepare(
      'amount' in length
        ? length.amount
        : Math.ceil((rates[index] as number) * PREPARE_MARGIN * length.seconds),
    );
    const result = await runLoad({
      url: contender.server.ready,
      serverPid: contender.server.pid,
      deliveries: contender.deliveries,
      connections: plan.connections,
      ...length,
    });
    rates[index] = result.ok / result.seconds;
    return result;
  };
  for (const index of contenders.keys()) {
    if (plan.warmupSeconds > 0) await turn(index, { seconds: plan.warmupSeconds });
  }
  const measured = plan.amount === undefined ? { seconds: plan.seconds } : { amount: plan.amount };
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const index of contenders.keys()) runs[index]?.push(await turn(index, measured));
  }
  return contenders.map((contender, index) => summarize(contender.name, runs[index] ?? []));
}

/** Adds up the runs of one server. */
export function summarize(name: string, runs: readonly LoadResult[]): Measured {
  const sum = (pick: (run: LoadResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const ok = sum((run) => run.ok);
  const seconds = sum((run) => run.seconds);
  const serverCpuSeconds = sum((run) => run.serverCpuSeconds);
  const latencies = runs.flatMap((run) => run.latencies);
  return {
    name,
    ok,
    failed: sum((run) => run.failed),
    seconds,
    serverCpuSeconds,
    generatorCpuSeconds: sum((run) => run.generatorCpuSeconds),
    requestsPerSecond: ok / seconds,
    requestsPerCpuSecond: ok / serverCpuSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    perCpuSecondByRound: runs.map((run) => run.ok / run.serverCpuSeconds),
  };
}

/** `a / b` per CPU-second over all rounds, with the lowest and highest round-by-round ratio. */
export function ratio(a: Measured, b: Measured): { total: number; low: number; high: number } {
  const byRound = a.perCpuSecondByRound.map((value, round) => value / (b.perCpuSecondByRound[round] ?? NaN));
  return {
    total: a.requestsPerCpuSecond / b.requestsPerCpuSecond,
    low: Math.min(...byRound),
    high: Math.max(...byRound),
  };
}
