// One server under test, started by the benchmark in its own process pinned to one core. Which server comes
// from BENCH_SERVER (JSON, see ServerConfig); it prints `ready <url>` once it listens on 127.0.0.1.
import express from 'express';
import { LRUCache } from 'lru-cache';
import { WebhookSignatureValidator } from 'mercadopago';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import { BENCH_SECRET, WEBHOOK_PATH } from './constants.js';
import { createClient } from 'redis';
import type * as Package from '../src/index.js';
import type { NodeRedisClientLike } from '../src/index.js';

/** What BENCH_SERVER describes. */
export interface ServerConfig {
  /**
   * - `router`: this package, mounted at /mp, with one listener that counts events;
   * - `hand-written`: express.json(), the SDK's WebhookSignatureValidator and an lru-cache, what users write by hand;
   * - `bare`: an Express route that answers 200 and does nothing else.
   */
  readonly kind: 'router' | 'hand-written' | 'bare';
  /** Router only: reads resources from this API with `accessToken`. */
  readonly api?: { readonly url: string; readonly accessToken: string };
  /** Router only: use redisStore on this Redis (node-redis client) instead of the in-memory store. */
  readonly redisUrl?: string;
  /** Router only: the built package (dist/index.js) or the sources, as a file URL. */
  readonly packageUrl: string;
}

/** Entries the hand-written route remembers: the router's default `dedup.max`. */
const HAND_WRITTEN_CACHE_MAX = 50_000;
const HAND_WRITTEN_CACHE_TTL_MS = 48 * 60 * 60 * 1000;

/** Events the router emitted (its listener only counts them): one per delivery processed to the end. */
let eventsEmitted = 0;
/** Commands the router's store sent to Redis, each one round trip. */
let redisCommands = 0;

/** What the server answers to the IPC message `'stats'`. */
export interface ServerStats {
  readonly eventsEmitted: number;
  readonly redisCommands: number;
  readonly memory: NodeJS.MemoryUsage;
}

async function routerApp(config: ServerConfig): Promise<RequestHandler> {
  const { mercadoPagoNotifications, redisStore } = (await import(config.packageUrl)) as typeof Package;
  const mp = mercadoPagoNotifications({
    secret: BENCH_SECRET,
    ...(config.redisUrl === undefined
      ? {}
      : { store: redisStore({ client: await countingRedisClient(config.redisUrl) }) }),
    ...(config.api === undefined ? {} : { accessToken: config.api.accessToken, apiBaseUrl: config.api.url }),
  });
  mp.onAny(() => {
    eventsEmitted += 1;
  });
  return mp;
}

/** A node-redis client that counts the commands it sends (the store sends each on its own). */
async function countingRedisClient(url: string): Promise<NodeRedisClientLike> {
  const client = await createClient({ url }).connect();
  return {
    get isReady() {
      return client.isReady;
    },
    sendCommand(args) {
      redisCommands += 1;
      return client.sendCommand(args);
    },
  };
}

/** The route the package replaces: parse, validate with the SDK, drop repeats with an lru-cache. */
function handWrittenRoute(secret: string): RequestHandler {
  const seen = new LRUCache<string, true>({ max: HAND_WRITTEN_CACHE_MAX, ttl: HAND_WRITTEN_CACHE_TTL_MS });
  return (req, res) => {
    const dataId = req.query['data.id'];
    const requestId = req.headers['x-request-id'];
    try {
      WebhookSignatureValidator.validate({
        xSignature: req.headers['x-signature'],
        xRequestId: requestId,
        dataId: typeof dataId === 'string' ? dataId : undefined,
        secret,
      });
    } catch {
      res.status(401).end();
      return;
    }
    const key = `${String(dataId)}:${String(requestId)}`;
    if (!seen.has(key)) seen.set(key, true); // a real app would handle the notification here, once
    res.status(200).end();
  };
}

/** The secret-only router warns at start that IPN would be refused: expected in these scenarios. */
const EXPECTED_WARNING = 'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN';

async function main(): Promise<void> {
  process.removeAllListeners('warning'); // Node's own printer; every other warning is still printed below
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code !== EXPECTED_WARNING) console.error(warning);
  });
  const config = JSON.parse(process.env['BENCH_SERVER'] ?? '') as ServerConfig;
  const app = express();
  switch (config.kind) {
    case 'router':
      app.use('/mp', await routerApp(config));
      break;
    case 'hand-written':
      app.post(WEBHOOK_PATH, express.json(), handWrittenRoute(BENCH_SECRET));
      break;
    case 'bare':
      app.post(WEBHOOK_PATH, (_req, res) => {
        res.status(200).end();
      });
      break;
  }
  process.on('message', (message) => {
    if (message === 'stats')
      process.send?.({ eventsEmitted, redisCommands, memory: process.memoryUsage() } satisfies ServerStats);
    // Heap still referenced, after a full collection (only with --expose-gc).
    if (message === 'heap-after-gc') {
      globalThis.gc?.();
      process.send?.(process.memoryUsage().heapUsed);
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`ready http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
}

void main();
