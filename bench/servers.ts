// Starts the processes a scenario needs: servers under test on the server core, the fake API beside the load
// generator.
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
  extra: Partial<Pick<ServerConfig, 'api'>> = {},
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
