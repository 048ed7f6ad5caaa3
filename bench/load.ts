// The load generator: autocannon, in this process (pinned to its own core), sending what a DeliveryStream hands out.
import autocannon from 'autocannon';
import { cpuSeconds } from './processes.js';
import type { DeliveryStream } from './deliveries.js';

/** One load run against one server. */
export interface LoadOptions {
  readonly url: string;
  /** Pid of the server, whose CPU time is measured over the run. */
  readonly serverPid: number;
  readonly deliveries: DeliveryStream;
  readonly connections: number;
  /** Run for this many seconds, or until `amount` requests have been answered. */
  readonly seconds?: number;
  readonly amount?: number;
}

/** What one run measured. */
export interface LoadResult {
  /** Answers with a 2xx status. */
  readonly ok: number;
  /** Answers with another status, plus connection errors and timeouts: must be 0. */
  readonly failed: number;
  readonly seconds: number;
  /** Server CPU time (user + system, all threads) during the run. */
  readonly serverCpuSeconds: number;
  /** Load generator CPU time during the run: near `seconds`, the generator, not the server, was the limit. */
  readonly generatorCpuSeconds: number;
  /** Latency of every 2xx answer, in ms (sub-millisecond resolution). */
  readonly latencies: number[];
}

export async function runLoad({
  url,
  serverPid,
  deliveries,
  connections,
  seconds,
  amount,
}: LoadOptions): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(serverPid);
  const generatorBefore = process.cpuUsage();
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        ...(amount === undefined ? { duration: seconds ?? 1 } : { amount }),
        requests: [{ setupRequest: (request) => ({ ...request, ...deliveries.next() }) }],
      },
      (error: unknown, done) => (error ? reject(error as Error) : resolve(done)),
    );
    // autocannon emits (client, status, bytes, ms) although its types leave the client out; its own
    // percentiles are whole milliseconds, too coarse for a 1.2x comparison at 2 ms.
    (instance as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, status: number, _bytes, ms: number) => {
        if (status >= 200 && status < 300) latencies.push(ms);
      },
    );
  });
  const generator = process.cpuUsage(generatorBefore);
  return {
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    seconds: result.duration,
    serverCpuSeconds: cpuSeconds(serverPid) - cpuBefore,
    generatorCpuSeconds: (generator.user + generator.system) / 1e6,
    latencies,
  };
}

/** The `q` quantile (0..1) of `values`, sorted in place. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] as number;
}
