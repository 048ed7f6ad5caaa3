// `trigger <event>`: stores the resource in the fake API and sends the delivery Mercado Pago would send.
// `trigger --list` says what each event sends.
import { Option, type Command } from 'commander';
import {
  DEFAULT_FAKE_API_URL,
  parseEventNames,
  triggerEvent,
  type TriggerReport,
} from '../testing/trigger.js';
import { parseHttpUrl } from '../testing/post-delivery.js';
import { createExchangePrinter, type Exchange, summarize } from './exchange.js';
import { EXIT_FAILED, UsageError, addOutputOptions, secretFrom, type CommandContext } from './input.js';
import { outputMode, type OutputFlags, type OutputMode, type Printer } from './output.js';
import { eventsHelp, listTriggers, renderTriggerList } from './trigger-list.js';

const EXAMPLES = `
Examples:
  $ mercadopago-notifications trigger payment.approved --url http://127.0.0.1:3000/mercadopago/webhooks
  $ mercadopago-notifications trigger payment.pending,payment.approved --with-ipn --url ...
  $ mercadopago-notifications trigger chargeback.opened --resend --secret "$MP_WEBHOOK_SECRET" --url ...
  $ mercadopago-notifications trigger --list

The app under test reads resources from the fake API: start it with \`mercadopago-notifications fake-api\` and
set the router's apiBaseUrl to its URL. Results go to stdout (in full on a terminal, one line per delivery
otherwise); notes, the summary and errors to stderr.`;

interface TriggerCommandOptions extends OutputFlags {
  readonly url?: string;
  readonly apiUrl: string;
  readonly secret?: string;
  readonly id?: string;
  readonly withIpn?: boolean;
  readonly resend?: boolean;
  readonly list?: boolean;
}

function printReport(
  printer: Printer,
  mode: OutputMode,
  printExchange: (exchange: Exchange) => void,
  entry: TriggerReport,
): void {
  switch (entry.type) {
    case 'note':
      printer.error(`${entry.event}: ${entry.text}`);
      return;
    case 'resource':
      if (mode !== 'verbose') return;
      printer.line(`${entry.event}: ${entry.path} stored in the fake API`);
      printer.line(printer.dim(`  PUT ${entry.url}`));
      return;
    case 'exchange':
      printExchange(entry);
      return;
  }
}

export function registerTriggerCommand(program: Command, { io, printer, setExitCode }: CommandContext): void {
  const command = program
    .command('trigger')
    .description(
      'store a resource in the fake API in the state an event names, then send its signed delivery',
    )
    .argument('[event]', 'event name, e.g. payment.approved, or a sequence: payment.pending,payment.approved')
    .option(
      '--url <endpoint>',
      "(required) your router's endpoint, e.g. http://127.0.0.1:3000/mercadopago/webhooks",
    )
    .option('--api-url <url>', 'the fake API your app reads resources from', DEFAULT_FAKE_API_URL)
    .option('--secret <secret>', 'secret signature to sign with (default: $MP_WEBHOOK_SECRET)')
    .option('--id <resourceId>', 'resource id to use (default: a fresh one)')
    .option('--with-ipn', 'also send the IPN copy of each Webhook (same x-request-id and ts)')
    .option('--resend', 'send each Webhook a second time, byte for byte')
    .addOption(new Option('--list', 'list every event with what it stores and sends, then exit'));
  addOutputOptions(command)
    .addHelpText('after', `${eventsHelp()}\n${EXAMPLES}`)
    .action(async (event: string | undefined, options: TriggerCommandOptions) => {
      const mode = outputMode(options, io);
      if (options.list === true) {
        const topics = listTriggers();
        if (mode === 'json') printer.line(JSON.stringify(topics));
        else for (const line of renderTriggerList(topics)) printer.line(line);
        return;
      }
      if (event === undefined) {
        throw new UsageError(
          'missing <event>: name one, e.g. payment.approved (`trigger --list` shows them all)',
        );
      }
      const events = parseEventNames(event); // before the other checks: a typo is the likelier mistake
      if (options.url === undefined) {
        throw new UsageError(
          "missing required option --url <endpoint>: your router's endpoint, e.g. " +
            'http://127.0.0.1:3000/mercadopago/webhooks',
        );
      }
      parseHttpUrl(options.url, '--url');
      const printExchange = createExchangePrinter(printer, mode);
      parseHttpUrl(options.apiUrl, '--api-url');
      const result = await triggerEvent({
        events,
        url: options.url,
        apiUrl: options.apiUrl,
        secret: secretFrom(options.secret, io),
        resourceId: options.id,
        withIpn: options.withIpn === true,
        resend: options.resend === true,
        report: (entry) => printReport(printer, mode, printExchange, entry),
      });
      const summary = summarize(result.exchanges);
      printer.error(summary.text);
      if (!summary.ok) setExitCode(EXIT_FAILED);
    });
}
