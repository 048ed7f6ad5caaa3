// Starts the processes a scenario needs: servers under test on the server core, the fake API beside the load
// generator.
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOAD_CORE, SERVER_CORE, nodeCommand, startChild, type Child } from './processes.js';
import type { FakeApiConfig } from './fake-api-server.js';
import type { ServerConfig } from './server.js';

/** Options every server of a run shares. */
export interface ServerOptions {
  /** The package to load: dist/index.js (built) or src/index.ts. */
  readonly packagePath: string;
  /** When set, servers write a V8 CPU profile into this directory when they stop (node --cpu-prof). */
  readonly cpuProfileDir?: string | undefined;
}

/** Starts one server under test, pinned to the server core. */
export function startServer(
  kind: ServerConfig['kind'],
  options: ServerOptions,
  extra: Partial<Pick<ServerConfig, 'api' | 'redisUrl'>> = {},
  nodeFlags: readonly string[] = [],
): Promise<Child> {
  const config: ServerConfig = { kind, packageUrl: pathToFileURL(options.packagePath).href, ...extra };
  // One directory per server: the main thread and tsx's loader thread each write a profile.
  const flags =
    options.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', join(options.cpuProfileDir, kind)];
  return startChild({
    core: SERVER_CORE,
    command: nodeCommand('./server.ts', [], [...nodeFlags, ...flags]),
    readyPrefix: 'ready ',
    env: { BENCH_SERVER: JSON.stringify(config) },
    ipc: true,
  });
}

/** Starts the fake Mercado Pago API, seeded with `payments` approved payments, pinned to the load core. */
export function startFakeApi(config: FakeApiConfig): Promise<Child> {
  return startChild({
    core: LOAD_CORE,
    command: nodeCommand('./fake-api-server.ts'),
    readyPrefix: 'ready ',
    env: { BENCH_FAKE_API: JSON.stringify(config) },
    ipc: true,
  });
}

/** A private redis-server (no persistence) on a free port, pinned to the load core, so its counters are ours. */
export async function startRedis(): Promise<Child & { readonly url: string }> {
  const port = await freePort();
  const child = await startChild({
    core: LOAD_CORE,
    command: [
      'redis-server',
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    readyPrefix: 'Ready to accept connections',
  });
  return { ...child, url: `redis://127.0.0.1:${port}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
