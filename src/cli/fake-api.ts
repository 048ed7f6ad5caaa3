// `fake-api`: serves the fake Mercado Pago API on 127.0.0.1 until the process is stopped.
import type { Command } from 'commander';
import { startFakeMercadoPagoApi } from '../testing/fake-api.js';
import { UsageError } from './input.js';
import type { CommandContext } from './input.js';
import { loadSeed } from './seed.js';

/** `trigger`'s default --api-url points here. */
const DEFAULT_PORT = 3999;

interface FakeApiCommandOptions {
  readonly port: string;
  readonly seed?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new UsageError(`--port must be 0..65535, got ${JSON.stringify(value)}`);
  return port;
}

export function registerFakeApiCommand(program: Command, { io, printer }: CommandContext): void {
  program
    .command('fake-api')
    .description('serve a fake Mercado Pago API on 127.0.0.1 for your app to read resources from')
    .option('--port <port>', 'port on 127.0.0.1; 0 picks a free one', String(DEFAULT_PORT))
    .option('--seed <dir>', 'serve the resources of every *.json file in <dir> ({ "endpoint", "resource" })')
    .addHelpText(
      'after',
      '\nPoint your router at it: mercadoPagoNotifications({ ..., apiBaseUrl: "http://127.0.0.1:3999" }).\n' +
        'Any bearer token is accepted. Stop it with Ctrl-C.',
    )
    .action(async (options: FakeApiCommandOptions) => {
      const port = parsePort(options.port);
      const seed = options.seed === undefined ? new Map<string, string>() : await loadSeed(options.seed);
      const api = await startFakeMercadoPagoApi({ port, resources: Object.fromEntries(seed) }).catch(
        (error: NodeJS.ErrnoException) => {
          throw new Error(`cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}`, {
            cause: error,
          });
        },
      );
      printer.line(`Fake Mercado Pago API listening on ${api.url}`);
      for (const path of seed.keys()) printer.line(`  serving ${path}`);
      printer.line('Routes (any Authorization: Bearer token is accepted):');
      printer.line(
        '  GET    /<api path>                          the stored resource, 404 when there is none',
      );
      printer.line('  PUT    /_fake/resources?path=<api path>     create or change a resource (JSON body)');
      printer.line('  DELETE /_fake/resources?path=<api path>     remove a resource');
      printer.line(
        '  POST   /_fake/faults?path=<api path>        queue faults: [{"status":500}, {"delayMs":3000}, "reset"]',
      );
      printer.line('  GET    /_fake/requests                      the API requests received so far');
      printer.line('  POST   /_fake/reset                         forget resources, faults and requests');
      printer.line(`Set apiBaseUrl: '${api.url}' in your router's options. Ctrl-C stops.`);
      const reason = await io.waitForStop();
      await api.close();
      printer.error(`Fake API stopped${typeof reason === 'string' ? ` (${reason})` : ''}.`);
    });
}
