// `sign`: prints the x-signature value Mercado Pago would send for a data.id, x-request-id and ts.
import type { Command } from 'commander';
import { signNotification } from '../signature.js';
import type { CommandContext } from './input.js';
import { UsageError, secretFrom } from './input.js';

interface SignCommandOptions {
  readonly dataId?: string;
  readonly requestId?: string;
  readonly ts?: string;
  readonly secret?: string;
}

export function registerSignCommand(program: Command, { io, printer }: CommandContext): void {
  program
    .command('sign')
    .description(
      'print an x-signature value: ts=<ts>,v1=<HMAC-SHA256 of id:<data.id>;request-id:<id>;ts:<ts>;>',
    )
    .option('--data-id <id>', 'the data.id query value (leave out for deliveries without one)')
    .option('--request-id <id>', 'the x-request-id header value (leave out for deliveries without one)')
    .option('--ts <ts>', 'timestamp in seconds (or 13-digit milliseconds) (default: now)')
    .option('--secret <secret>', 'secret signature to sign with (default: $MP_WEBHOOK_SECRET)')
    .addHelpText(
      'after',
      '\nExample:\n  $ mercadopago-notifications sign --data-id 123 --request-id 0b1c... --ts 1766237532',
    )
    .action((options: SignCommandOptions) => {
      if (options.ts !== undefined && !/^\d{1,16}$/.test(options.ts)) {
        throw new UsageError(
          `--ts must be digits (seconds or milliseconds), got ${JSON.stringify(options.ts)}`,
        );
      }
      printer.line(
        signNotification({
          secret: secretFrom(options.secret, io),
          ...(options.dataId === undefined ? {} : { dataId: options.dataId }),
          ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
          ...(options.ts === undefined ? {} : { ts: options.ts }),
        }),
      );
    });
}
