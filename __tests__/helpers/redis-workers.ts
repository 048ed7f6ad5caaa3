import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { urlOf, type OutgoingDelivery } from './deliveries.js';
import type { ParentMessage, WorkerConfig, WorkerMessage } from './redis-worker.js';

const WORKER_SCRIPT = join(__dirname, 'redis-worker.ts');

/** An app instance running in its own process (redis-worker.ts). */
export interface Worker {
  readonly name: string;
  readonly process: ChildProcess;
  /** Listener runs this process reported (started), in order. */
  readonly runs: ReadonlyArray<{ readonly name: string; readonly resourceId: string }>;
  /** POSTs a delivery to this process; resolves with the status and error code of the answer. */
  send(delivery: OutgoingDelivery): Promise<[number, string | undefined]>;
  /** Makes the listener for `resourceId` hang until the process is killed; resolves once the process knows. */
  hang(resourceId: string): Promise<void>;
  /** Resolves once every message the process sent before now has arrived. */
  sync(): Promise<void>;
  /** Resolves at the next listener run reported for `resourceId`. */
  nextRun(resourceId: string): Promise<void>;
  /** kill -9, and waits until the process is gone. */
  kill(): Promise<void>;
}

/** Forks a worker and resolves once it listens on 127.0.0.1. */
export async function startWorker(name: string, config: WorkerConfig): Promise<Worker> {
  const child = fork(WORKER_SCRIPT, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const runs: Array<{ name: string; resourceId: string }> = [];
  const waiting: Array<(message: WorkerMessage) => boolean> = [];
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'listener') runs.push({ name: message.name, resourceId: message.resourceId });
    for (const waiter of [...waiting]) if (waiter(message)) waiting.splice(waiting.indexOf(waiter), 1);
  });
  const next = (accept: (message: WorkerMessage) => boolean): Promise<WorkerMessage> =>
    new Promise((resolve) =>
      waiting.push((message) => {
        if (!accept(message)) return false;
        resolve(message);
        return true;
      }),
    );
  const tell = (message: ParentMessage): void => void child.send(message);

  const listening = await Promise.race([
    next((message) => message.type === 'listening'),
    exited.then(() => {
      throw new Error(`worker ${name} exited before listening (code ${child.exitCode})`);
    }),
  ]);
  async function sync(): Promise<void> {
    const synced = next((message) => message.type === 'synced');
    tell({ type: 'sync' });
    await synced;
  }
  const base = `http://127.0.0.1:${listening.type === 'listening' ? listening.port : 0}`;
  return {
    name,
    process: child,
    runs,
    async send(delivery) {
      const res = await fetch(base + urlOf(delivery), {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      const text = await res.text();
      const code = text === '' ? undefined : (JSON.parse(text) as { error?: { code?: string } }).error?.code;
      return [res.status, code];
    },
    async hang(resourceId) {
      tell({ type: 'hang', resourceId });
      await sync();
    },
    sync,
    async nextRun(resourceId) {
      await next((message) => message.type === 'listener' && message.resourceId === resourceId);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
