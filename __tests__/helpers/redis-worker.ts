/**
 * One app instance in a process of its own, for the multi-process suite: Express with the real router and a
 * redisStore. Started by `startWorker()` (redis-workers.ts) with `node --import tsx`; configured by the
 * WORKER_CONFIG environment variable (JSON, {@link WorkerConfig}); talks to its parent over IPC:
 * - sends `{ type: 'listening', port }` once it listens on 127.0.0.1,
 * - sends `{ type: 'listener', name, resourceId }` each time a listener starts,
 * - on `{ type: 'hang', resourceId }`, the listener for that resource never finishes (the parent kills the process),
 * - answers `{ type: 'sync' }` with `{ type: 'synced' }`: IPC keeps order, so every earlier message has arrived.
 */
import express from 'express';
import { createClient } from 'redis';
import { mercadoPagoNotifications, redisStore } from '../../src/index.js';

/** What the parent tells a worker. */
export interface WorkerConfig {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly leaseMs: number;
  readonly secret: string;
  readonly accessToken: string;
  readonly apiBaseUrl: string;
  readonly handlerTimeoutMs: number;
  readonly fetchTimeoutMs: number;
}

/** Messages from a worker to its parent. */
export type WorkerMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'listener'; readonly name: string; readonly resourceId: string }
  | { readonly type: 'synced' };

/** Messages from the parent to a worker. */
export type ParentMessage =
  { readonly type: 'hang'; readonly resourceId: string } | { readonly type: 'sync' };

const config = JSON.parse(process.env.WORKER_CONFIG ?? '') as WorkerConfig;
const tell = (message: WorkerMessage): void => void process.send?.(message);
const hanging = new Set<string>();

const client = await createClient({ url: config.redisUrl })
  .on('error', () => undefined)
  .connect();
const mp = mercadoPagoNotifications({
  secret: config.secret,
  accessToken: config.accessToken,
  apiBaseUrl: config.apiBaseUrl,
  handlerTimeoutMs: config.handlerTimeoutMs,
  fetchTimeoutMs: config.fetchTimeoutMs,
  store: redisStore({ client, prefix: config.prefix, leaseMs: config.leaseMs }),
});
mp.onAny(async (event) => {
  tell({ type: 'listener', name: event.name, resourceId: event.resourceId });
  if (hanging.has(event.resourceId)) await new Promise<never>(() => undefined);
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'hang') hanging.add(message.resourceId);
  else tell({ type: 'synced' });
});
// The parent died or closed the channel: nothing is left to serve.
process.on('disconnect', () => process.exit(0));

const app = express();
app.use('/mp', mp);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') tell({ type: 'listening', port: address.port });
});
