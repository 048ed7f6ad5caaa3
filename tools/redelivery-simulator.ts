// A stand-in for Mercado Pago's sender, driving the real router over loopback HTTP: payments change state in the
// fake API, and each change is notified as a signed Webhook, often with its IPN copy and duplicate copies. Every
// answer other than 200/201 is resent on a compressed schedule, with the same x-request-id and ts, until it is
// acknowledged (reference section 4). Meanwhile faults are injected in the API and in the merchant's listeners,
// and a forger sends deliveries that must be refused. Used by __tests__/reliability and `npm run soak`.
import { randomUUID } from 'node:crypto';
import { signNotification, type AnyMercadoPagoEvent } from '../src/index.js';
import type { FakeApiFault } from '../src/testing/fake-api.js';
import { TOOL_SECRET, memoryMiB, startToolTarget } from './fuzz-setup.js';
import { createWireClient, type WireAnswer, type WireRequest } from './wire.js';

/**
 * Mercado Pago resends "every 15 minutes, then at growing intervals" (current docs) or after 5 min, 45 min, 6 h, 2 d
 * and 4 d (older docs), and attempts keep coming. Compressed: 15 min -> 100 ms, growing after the third resend,
 * then every 3.2 s for as long as it takes.
 */
export const DEFAULT_RETRY_DELAYS_MS = [100, 100, 100, 200, 400, 800, 1_600, 3_200] as const;

/** Options of {@link runRedeliverySimulation}. */
export interface SimulationOptions {
  /** How long new payment changes are produced, in ms; resends then drain without faults. */
  readonly durationMs: number;
  /** Faults are injected while this returns true for the elapsed ms (and never after durationMs). */
  readonly faultsOn: (elapsedMs: number) => boolean;
  /** Payments changing state concurrently. @default 8 */
  readonly concurrency?: number;
  /** Chance that a delivery attempt meets an API fault, while faults are on. @default 0.25 */
  readonly apiFaultRate?: number;
  /** Chance that a listener run fails or overruns, while faults are on. @default 0.2 */
  readonly listenerFaultRate?: number;
  /** Chance that a change is also sent as an IPN copy. @default 0.5 */
  readonly ipnCopyRate?: number;
  /** Chance that a delivery is sent twice at once. @default 0.3 */
  readonly duplicateRate?: number;
  /** Forged deliveries per payment change. @default 1 */
  readonly forgeriesPerChange?: number;
  readonly retryDelaysMs?: readonly number[];
  /** Called every `progressEveryMs` with the figures so far. */
  readonly onProgress?: (figures: SimulationFigures) => void;
  readonly progressEveryMs?: number;
}

/** What a simulation did and what reached the listeners. */
export interface SimulationFigures {
  /** HTTP deliveries sent, resends, copies and forgeries included. */
  deliveries: number;
  resends: number;
  /** Resource states Mercado Pago notified: each must reach listeners exactly once. */
  eventsExpected: number;
  /** Distinct states whose listeners completed. */
  eventsDelivered: number;
  /** Expected states no listener completed (must be 0). */
  eventsLost: number;
  /** States whose listeners completed more than once (must be 0). */
  eventsDoubled: number;
  /** Listener completions for states nobody notified, e.g. forged ones (must be 0). */
  eventsUnexpected: number;
  /** Acknowledged copies of already delivered states: the Webhook/IPN copies, duplicates and resends absorbed. */
  duplicatesSuppressed: number;
  forgeriesSent: number;
  forgeriesRejected: number;
  apiFaultsInjected: number;
  listenerFaultsInjected: number;
  byStatus: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  memoryMiB: { start: { rss: number; heap: number }; end: { rss: number; heap: number } };
  elapsedMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const chance = (rate: number): boolean => Math.random() < rate;

/** The lives a payment can have, as the statuses it goes through. */
const LIVES = [
  ['pending', 'approved'],
  ['approved'],
  ['in_process', 'approved', 'refunded'],
  ['pending', 'cancelled'],
  ['rejected'],
  ['approved', 'charged_back'],
] as const;

/** Router budgets, compressed like the schedule. */
const FETCH_TIMEOUT_MS = 300;
const HANDLER_TIMEOUT_MS = 400;
/** The sender gives up on an answer after this long and resends (Mercado Pago waits 22 s; compressed). */
const SENDER_TIMEOUT_MS = 3_000;

const API_FAULTS: readonly FakeApiFault[] = [
  { status: 500 },
  { status: 502 },
  { status: 503 },
  { status: 429, headers: { 'retry-after': '0' } },
  { status: 429, headers: { 'retry-after': '30' } },
  { status: 404 },
  'reset',
  'malformed-json',
  { delayMs: FETCH_TIMEOUT_MS * 3 },
];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
}

const stateKey = (id: string, status: string, updated: string): string => `${id}:${status}:${updated}`;

/**
 * Runs the simulation to the end: traffic with faults for `durationMs`, then waits until every notification was
 * acknowledged (resends keep coming until it is). Resolves with the figures; lost, doubled and unexpected are the
 * properties a caller asserts.
 */
export async function runRedeliverySimulation(options: SimulationOptions): Promise<SimulationFigures> {
  const {
    durationMs,
    faultsOn: faultWindow,
    concurrency = 8,
    apiFaultRate = 0.25,
    listenerFaultRate = 0.2,
    ipnCopyRate = 0.5,
    duplicateRate = 0.3,
    forgeriesPerChange = 1,
    retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
  } = options;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const faultsOn = (): boolean => elapsed() < durationMs && faultWindow(elapsed());
  const expected = new Set<string>();
  const completions = new Map<string, number>();
  const latencies: number[] = [];
  const figures: SimulationFigures = {
    deliveries: 0,
    resends: 0,
    eventsExpected: 0,
    eventsDelivered: 0,
    eventsLost: 0,
    eventsDoubled: 0,
    eventsUnexpected: 0,
    duplicatesSuppressed: 0,
    forgeriesSent: 0,
    forgeriesRejected: 0,
    apiFaultsInjected: 0,
    listenerFaultsInjected: 0,
    byStatus: {},
    latencyMs: { p50: 0, p99: 0, max: 0 },
    memoryMiB: { start: memoryMiB(), end: memoryMiB() },
    elapsedMs: 0,
  };

  /** The merchant's listener: does its work, and while faults are on sometimes throws, rejects or overruns. */
  const listener = async (event: AnyMercadoPagoEvent): Promise<void> => {
    const resource = event.resource as { status?: string; date_last_updated?: string } | undefined;
    const key = stateKey(event.resourceId, resource?.status ?? '', resource?.date_last_updated ?? '');
    await sleep(Math.random() * 5);
    if (faultsOn() && chance(listenerFaultRate)) {
      figures.listenerFaultsInjected++;
      const fault = Math.floor(Math.random() * 5);
      if (fault === 0) throw new Error('the warehouse is down');
      if (fault === 1) throw pick(['a string', 42, undefined, { code: 'E_PLAIN_OBJECT' }, null]);
      if (fault === 2) return Promise.reject(new TypeError('rejected'));
      if (fault === 3) await sleep(HANDLER_TIMEOUT_MS * 1.5); // overruns handlerTimeoutMs, then succeeds
      if (fault === 4) {
        await sleep(HANDLER_TIMEOUT_MS * 1.5);
        throw new Error('failed after handlerTimeoutMs');
      }
    }
    completions.set(key, (completions.get(key) ?? 0) + 1);
  };

  const target = await startToolTarget(
    { fetchTimeoutMs: FETCH_TIMEOUT_MS, handlerTimeoutMs: HANDLER_TIMEOUT_MS },
    listener,
  );
  const client = createWireClient(target.url, concurrency * 8);
  figures.memoryMiB.start = memoryMiB(); // with the router, the fake API and the client up

  const sendTimed = async (wire: WireRequest): Promise<WireAnswer> => {
    figures.deliveries++;
    const timeout = sleep(SENDER_TIMEOUT_MS).then((): WireAnswer => ({
      status: 0,
      text: 'sender timeout',
      headers: {},
      ms: SENDER_TIMEOUT_MS,
    }));
    const answer = await Promise.race([client.send(wire), timeout]).catch((): WireAnswer => ({
      status: 0,
      text: 'connection error',
      headers: {},
      ms: 0,
    }));
    latencies.push(answer.ms);
    figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
    return answer;
  };

  /** Sends one notification until it is acknowledged with 200/201, resending on the compressed schedule. */
  const deliver = async (wire: WireRequest, apiPath: string): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (faultsOn() && chance(apiFaultRate)) {
        figures.apiFaultsInjected++;
        target.api.fail(apiPath, pick(API_FAULTS));
      }
      const headers = attempt === 0 ? wire.headers : { ...wire.headers, 'x-retry': String(attempt) };
      const answer = await sendTimed({ ...wire, headers });
      if (answer.status === 200 || answer.status === 201) return;
      figures.resends++;
      await sleep(retryDelaysMs[Math.min(attempt, retryDelaysMs.length - 1)] ?? 1_000);
    }
  };

  /** The Webhook of a change, its IPN copy and duplicates, as Mercado Pago sends them. */
  const notify = async (id: string, apiPath: string): Promise<number> => {
    const requestId = randomUUID();
    const ts = Math.floor(Date.now() / 1000);
    const webhook: WireRequest = {
      path: '/mp/webhooks',
      search: `data.id=${id}&type=payment`,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'MercadoPago WebHook v1.0 payment',
        'x-request-id': requestId,
        'x-signature': signNotification({ secret: TOOL_SECRET, dataId: id, requestId, ts }),
      },
      body: JSON.stringify({
        action: 'payment.updated',
        type: 'payment',
        data: { id },
        id: Date.now(),
        user_id: 1,
      }),
    };
    const copies = [webhook];
    if (chance(ipnCopyRate)) {
      copies.push({
        path: '/mp/ipn',
        search: `id=${id}&topic=payment`,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'MercadoPago Feed v2.0 payment',
          'x-request-id': requestId,
          'x-signature': `ts=${ts},v1=${'0'.repeat(64)}`,
        },
        body: JSON.stringify({
          resource: `https://api.mercadolibre.com/collections/notifications/${id}`,
          topic: 'payment',
        }),
      });
    }
    if (chance(duplicateRate)) copies.push(pick(copies));
    await Promise.all(copies.map((copy) => deliver(copy, apiPath)));
    return copies.length;
  };

  /** A forger: wrong secrets and flipped hashes on real payments, and IPNs about payments that do not exist. */
  const forge = async (id: string): Promise<void> => {
    const requestId = randomUUID();
    const ts = Math.floor(Date.now() / 1000);
    const genuine = signNotification({ secret: TOOL_SECRET, dataId: id, requestId, ts });
    const forged = pick<WireRequest>([
      {
        path: '/mp/webhooks',
        search: `data.id=${id}&type=payment`,
        headers: {
          'x-request-id': requestId,
          'x-signature': signNotification({ secret: 'guessed', dataId: id, requestId, ts }),
        },
        body: '{"action":"payment.updated","data":{"status":"approved"}}',
      },
      {
        path: '/mp/webhooks',
        search: `data.id=${id}&type=payment`,
        headers: {
          'x-request-id': requestId,
          'x-signature': `${genuine.slice(0, -1)}${genuine.endsWith('0') ? '1' : '0'}`,
        },
        body: '{}',
      },
      {
        path: '/mp/ipn',
        search: `id=9${id}&topic=payment`,
        headers: { 'x-request-id': requestId },
        body: '{"topic":"payment","status":"approved"}',
      },
    ]);
    figures.forgeriesSent++;
    const answer = await sendTimed(forged);
    if (answer.status === 401 || answer.status === 404) figures.forgeriesRejected++;
  };

  let acknowledgedCopies = 0;
  let nextId = 700_000;
  const worker = async (): Promise<void> => {
    while (elapsed() < durationMs) {
      const id = String(nextId++);
      const apiPath = `/v1/payments/${id}`;
      for (const status of pick(LIVES)) {
        const updated = new Date(Date.now() + nextId).toISOString();
        target.api.set(apiPath, {
          id: Number(id),
          status,
          status_detail: status,
          date_last_updated: updated,
        });
        expected.add(stateKey(id, status, updated));
        const forgeries = Array.from({ length: forgeriesPerChange }, () => forge(id));
        const copies = await notify(id, apiPath);
        acknowledgedCopies += copies;
        await Promise.all(forgeries);
      }
    }
  };

  const progress =
    options.onProgress === undefined
      ? undefined
      : setInterval(() => options.onProgress?.(summarize()), options.progressEveryMs ?? 10_000);
  function summarize(): SimulationFigures {
    const sorted = [...latencies].sort((a, b) => a - b);
    let delivered = 0;
    let doubled = 0;
    let unexpected = 0;
    for (const [key, runs] of completions) {
      if (!expected.has(key)) unexpected += runs;
      else {
        delivered++;
        if (runs > 1) doubled++;
      }
    }
    return {
      ...figures,
      eventsExpected: expected.size,
      eventsDelivered: delivered,
      eventsLost: [...expected].filter((key) => !completions.has(key)).length,
      eventsDoubled: doubled,
      eventsUnexpected: unexpected,
      duplicatesSuppressed: acknowledgedCopies - delivered,
      latencyMs: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) },
      memoryMiB: { start: figures.memoryMiB.start, end: memoryMiB() },
      elapsedMs: Math.round(elapsed()),
    };
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    // Slow listeners finish after their answer: let the last ones complete before counting.
    await sleep(HANDLER_TIMEOUT_MS * 2);
    return summarize();
  } finally {
    if (progress !== undefined) clearInterval(progress);
    client.close();
    await target.close();
  }
}
