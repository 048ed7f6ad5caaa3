// The answer-first flood (issue 10, case 7): unsigned Delivery notifications, each about its own order, sent over
// a fixed number of connections to the real router while every API read is slow. Delivery is answered before it
// is processed; the router processes at most answerFirstConcurrency such deliveries at once and makes the others
// wait on their own request. The figures show that reads in flight stay bounded and memory stays flat.
import { setTimeout as sleep } from 'node:timers/promises';
import { createCountingFetch } from './counting-fetch.js';
import { memoryMiB, startToolTarget } from './fuzz-setup.js';
import { createWireClient } from './wire.js';

/** Options of {@link runAnswerFirstFlood}. */
export interface AnswerFirstFloodOptions {
  /** Concurrent connections. @default 50 */
  readonly connections?: number;
  /** How long every API read takes, in ms. @default 2000 */
  readonly readDelayMs?: number;
}

/** Figures of one flood. */
export interface AnswerFirstFloodFigures {
  deliveries: number;
  connections: number;
  readDelayMs: number;
  byStatus: Record<string, number>;
  /** Events emitted (each delivery is about its own order: one each). */
  events: number;
  /** The most API reads in flight at once. */
  peakReadsInFlight: number;
  /**
   * Resident set and heap in MiB, each after a full collection when the process runs with --expose-gc: before,
   * the most of the samples taken every second during the flood, and after.
   */
  memory: {
    before: { rss: number; heap: number };
    peak: { rss: number; heap: number };
    after: { rss: number; heap: number };
  };
  elapsedMs: number;
}

const ORDER_PATH = '/proximity-integration/v1/orders/';
const FIRST_ORDER_ID = 700_000;
/** How often the work left is checked, in ms. */
const POLL_EVERY_MS = 50;
/** How often memory is sampled, in ms: each sample collects garbage first, so it measures live memory. */
const SAMPLE_MEMORY_EVERY_MS = 1_000;

/** Sends `count` unsigned Delivery notifications against an API whose every read is slow (see the file comment). */
export async function runAnswerFirstFlood(
  count: number,
  { connections = 50, readDelayMs = 2_000 }: AnswerFirstFloodOptions = {},
): Promise<AnswerFirstFloodFigures> {
  let events = 0;
  const reads = createCountingFetch();
  // Default answerFirstConcurrency; the read budget is above the delay, so every read succeeds.
  const target = await startToolTarget({ fetch: reads.fetch, fetchTimeoutMs: readDelayMs + 5_000 }, () => {
    events++;
  });
  for (let i = 0; i < count; i++) {
    const path = `${ORDER_PATH}${FIRST_ORDER_ID + i}`;
    target.api.set(path, {
      id: FIRST_ORDER_ID + i,
      status: 'ready_to_ship',
      last_updated: '2026-02-01T10:00:00Z',
    });
    target.api.fail(path, { delayMs: readDelayMs });
  }
  const client = createWireClient(target.url, connections);
  const byStatus: Record<string, number> = {};
  // What earlier work left behind (closed servers, timers) is collected before the baseline is taken.
  await sleep(250);
  memoryMiB();
  const before = memoryMiB();
  const peak = { ...before };
  const sampler = setInterval(() => {
    const { rss, heap } = memoryMiB();
    peak.rss = Math.max(peak.rss, rss);
    peak.heap = Math.max(peak.heap, heap);
  }, SAMPLE_MEMORY_EVERY_MS);
  const started = performance.now();
  try {
    let next = 0;
    const connection = async (): Promise<void> => {
      for (let i = next++; i < count; i = next++) {
        const answer = await client.send({
          path: '/mp/webhooks',
          search: 'topic=delivery',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            _id: `flood-${i}`,
            topic: 'delivery',
            resource: `/shipments/${FIRST_ORDER_ID + i}`,
          }),
        });
        byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: connections }, connection));
    // The deliveries answered first may still be reading: wait until no read is in flight.
    for (let idle = 0; idle < 2; idle = reads.inFlight() === 0 ? idle + 1 : 0) await sleep(POLL_EVERY_MS);
  } finally {
    clearInterval(sampler);
    client.close();
  }
  const elapsedMs = Math.round(performance.now() - started);
  const after = memoryMiB();
  await target.close();
  return {
    deliveries: count,
    connections,
    readDelayMs,
    byStatus,
    events,
    peakReadsInFlight: reads.peak(),
    memory: { before, peak, after },
    elapsedMs,
  };
}
