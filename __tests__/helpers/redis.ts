import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { freePort } from './processes.js';
import type { Requirement } from './requirements.js';

export { freePort } from './processes.js';
export { describeWith, type Requirement } from './requirements.js';

/** The shared Redis every machine of the project runs (HELPERS.md; `.ci/run` starts it). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

// Jest picks the tests before any hook runs, so the probes are synchronous: a child process answers them.
const PING_PROBE = `
const socket = require('node:net').connect(6379, '127.0.0.1');
socket.setTimeout(2000, () => process.exit(1));
socket.on('error', () => process.exit(1));
socket.on('connect', () => socket.write('PING\\r\\n'));
socket.on('data', (data) => process.exit(String(data).startsWith('+PONG') ? 0 : 1));
`;

const START_REDIS =
  'Start Redis with `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` to run it.';

export const REDIS: Requirement = {
  what: 'Redis on 127.0.0.1:6379',
  met: spawnSync(process.execPath, ['-e', PING_PROBE], { timeout: 5000 }).status === 0,
  requiredBy: 'REQUIRE_REDIS',
  hint: START_REDIS,
};

export const REDIS_SERVER_BINARY: Requirement = {
  what: 'redis-server on the PATH',
  met: spawnSync('redis-server', ['--version'], { timeout: 5000 }).status === 0,
  requiredBy: 'REQUIRE_REDIS',
  hint: 'Install redis-server (Debian: `apt-get install redis-server`) to run it.',
};

/** A key prefix of the calling test's own, so tests never see each other's keys. */
export function testPrefix(): string {
  return `mpn-test:${randomUUID()}:`;
}

/** A connected node-redis client that never throws from its `error` event. */
export async function connectNodeRedis(url = REDIS_URL) {
  return createClient({ url })
    .on('error', () => undefined)
    .connect();
}

/** A connected ioredis client that never throws from its `error` event. */
export async function connectIoRedis(url = REDIS_URL): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true }).on('error', () => undefined);
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` (SCAN + DEL, never FLUSHDB: the Redis is shared). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = await connectNodeRedis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = (await client.sendCommand([
        'SCAN',
        cursor,
        'MATCH',
        `${prefix}*`,
        'COUNT',
        '1000',
      ])) as [string, string[]];
      cursor = next;
      if (keys.length > 0) await client.sendCommand(['DEL', ...keys]);
    } while (cursor !== '0');
  } finally {
    client.destroy();
  }
}

/** A private redis-server for tests that stop, freeze or kill it. */
export interface PrivateRedis {
  readonly url: string;
  readonly process: ChildProcess;
  /** Kills it (SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += String(chunk);
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    process: child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
