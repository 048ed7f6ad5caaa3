// `trigger <event>`: stores the resource in the fake API and sends the delivery Mercado Pago would send.
import type { Command } from 'commander';
import {
  DEFAULT_FAKE_API_URL,
  parseEventNames,
  triggerEvent,
  type TriggerReport,
} from '../testing/trigger.js';
import { printExchange, type Printer } from './output.js';
import { EXIT_FAILED, secretFrom, type CommandContext } from './input.js';

const EXAMPLES = `
Examples:
  $ mercadopago-notifications trigger payment.approved --url http://127.0.0.1:3000/mercadopago/webhooks
  $ mercadopago-notifications trigger payment.pending,payment.approved --with-ipn --url ...
  $ mercadopago-notifications trigger chargeback.opened --resend --secret "$MP_WEBHOOK_SECRET" --url ...

The app under test reads resources from the fake API: start it with \`mercadopago-notifications fake-api\` and
set the router's apiBaseUrl to its URL. Every event name of the package can be triggered.`;

interface TriggerCommandOptions {
  readonly url: string;
  readonly apiUrl: string;
  readonly secret?: string;
  readonly id?: string;
  readonly withIpn?: boolean;
  readonly resend?: boolean;
}

function printReport(printer: Printer, entry: TriggerReport): void {
  switch (entry.type) {
    case 'note':
      printer.line(`${entry.event}: ${entry.text}`);
      return;
    case 'resource':
      printer.line(`${entry.event}: ${entry.path} stored in the fake API`);
      printer.line(printer.dim(`  PUT ${entry.url}`));
      return;
    case 'exchange':
      printer.line(
        `${entry.event}: ${entry.kind === 'webhook' ? 'Webhook' : entry.kind === 'ipn' ? 'IPN copy' : 'resend'}`,
      );
      printExchange(printer, entry);
      return;
  }
}

export function registerTriggerCommand(program: Command, { io, printer, setExitCode }: CommandContext): void {
  program
    .command('trigger')
    .description(
      'store a resource in the fake API in the state an event names, then send its signed delivery',
    )
    .argument('<event>', 'event name, e.g. payment.approved, or a sequence: payment.pending,payment.approved')
    .requiredOption(
      '--url <endpoint>',
      "your router's endpoint, e.g. http://127.0.0.1:3000/mercadopago/webhooks",
    )
    .option('--api-url <url>', 'the fake API your app reads resources from', DEFAULT_FAKE_API_URL)
    .option('--secret <secret>', 'secret signature to sign with (default: $MP_WEBHOOK_SECRET)')
    .option('--id <resourceId>', 'resource id to use (default: a fresh one)')
    .option('--with-ipn', 'also send the IPN copy of each Webhook (same x-request-id and ts)')
    .option('--resend', 'send each Webhook a second time, byte for byte')
    .addHelpText('after', EXAMPLES)
    .action(async (event: string, options: TriggerCommandOptions) => {
      const events = parseEventNames(event); // before asking for a secret: a typo is the likelier mistake
      const result = await triggerEvent({
        events,
        url: options.url,
        apiUrl: options.apiUrl,
        secret: secretFrom(options.secret, io),
        ...(options.id === undefined ? {} : { resourceId: options.id }),
        withIpn: options.withIpn === true,
        resend: options.resend === true,
        report: (entry) => printReport(printer, entry),
      });
      const failed = result.exchanges.filter(({ status }) => status < 200 || status >= 300).length;
      const total = result.exchanges.length;
      if (failed === 0) printer.line(`${total} ${total === 1 ? 'delivery' : 'deliveries'}, every answer 2xx`);
      else {
        printer.line(`${failed} of ${total} answers were not 2xx`);
        setExitCode(EXIT_FAILED);
      }
    });
}
