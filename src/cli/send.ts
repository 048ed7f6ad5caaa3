// `send <file|->`: sends a delivery described as JSON (the fixtures' format), re-signed unless told not to.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse, stringify } from 'lossless-json';
import { signNotification } from '../signature.js';
import type { BuiltDelivery } from '../testing/build-delivery.js';
import { parseHttpUrl, postDelivery } from '../testing/post-delivery.js';
import { EXIT_FAILED, UsageError, secretFrom, type CommandContext } from './input.js';
import { printExchange, type CliIo } from './output.js';

const FORMAT = `
The file holds one delivery, as in the package's test fixtures:
  { "path_query": { "data.id": "123", "type": "payment" },
    "headers": { "x-request-id": "...", "x-signature": "ts=...,v1=...", ... },
    "body": { ... },                      (or "raw_body": "<exact body text>")
    "meta": { "channel": "webhook" } }    (optional; "ipn" deliveries are never re-signed)
The delivery is re-signed with a fresh ts over its data.id and x-request-id, unless --keep-signature.`;

/** Headers fetch sets itself (or refuses): a captured delivery's values would be wrong for the new request. */
const TRANSPORT_HEADERS = new Set([
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'transfer-encoding',
]);

interface SendCommandOptions {
  readonly url: string;
  readonly secret?: string;
  readonly keepSignature?: boolean;
}

interface DeliveryFile {
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly ipn: boolean;
}

function stringRecord(value: unknown, field: string, source: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${source}: \`${field}\` must be an object of strings`);
  }
  const entries = Object.entries(value).map(([key, item]): [string, string] => {
    if (typeof item !== 'string') throw new UsageError(`${source}: \`${field}.${key}\` must be a string`);
    return [field === 'headers' ? key.toLowerCase() : key, item];
  });
  return Object.fromEntries(entries);
}

/** Reads the fixtures' delivery format; ids in the body keep every digit. */
export function parseDeliveryFile(text: string, source: string): DeliveryFile {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${source} must hold one delivery object (path_query, headers, body)`);
  }
  const fields = parsed as Record<string, unknown>;
  const query = stringRecord(fields['path_query'], 'path_query', source);
  const headers = stringRecord(fields['headers'], 'headers', source);
  const raw = fields['raw_body'];
  if (raw !== undefined && typeof raw !== 'string')
    throw new UsageError(`${source}: \`raw_body\` must be a string`);
  const body = raw ?? (fields['body'] === undefined ? '' : (stringify(fields['body']) ?? ''));
  const meta = fields['meta'] as { channel?: unknown } | undefined;
  const ipn =
    meta?.channel === 'ipn' ||
    (query['data.id'] === undefined && query['topic'] !== undefined && query['id'] !== undefined);
  return { query, headers, body, ipn };
}

async function readSource(file: string, io: CliIo): Promise<string> {
  if (file !== '-') {
    return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function registerSendCommand(program: Command, { io, printer, setExitCode }: CommandContext): void {
  program
    .command('send')
    .description('send a delivery described as JSON, re-signed with your secret')
    .argument('<file>', 'the delivery as JSON, or - to read it from stdin')
    .requiredOption(
      '--url <endpoint>',
      "your router's endpoint, e.g. http://127.0.0.1:3000/mercadopago/webhooks",
    )
    .option('--secret <secret>', 'secret signature to sign with (default: $MP_WEBHOOK_SECRET)')
    .option('--keep-signature', 'send x-signature as the file has it (to replay a captured delivery)')
    .addHelpText('after', FORMAT)
    .action(async (file: string, options: SendCommandOptions) => {
      const endpoint = parseHttpUrl(options.url, '--url');
      const source = file === '-' ? 'stdin' : file;
      const delivery = parseDeliveryFile(await readSource(file, io), source);
      const headers = Object.fromEntries(
        Object.entries(delivery.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name)),
      );
      if (options.keepSignature !== true && !delivery.ipn) {
        const dataId = delivery.query['data.id'];
        const requestId = headers['x-request-id'];
        headers['x-signature'] = signNotification({
          secret: secretFrom(options.secret, io),
          ...(dataId === undefined ? {} : { dataId }),
          ...(requestId === undefined ? {} : { requestId }),
        });
      } else if (delivery.ipn && options.keepSignature !== true) {
        printer.line('IPN delivery: sent with its own x-signature (IPN signatures are never verifiable)');
      }
      const search = new URLSearchParams(endpoint.search);
      for (const [key, value] of Object.entries(delivery.query)) search.append(key, value);
      const built: BuiltDelivery = {
        method: 'POST',
        path: `${endpoint.pathname}?${search.toString()}`,
        query: delivery.query,
        headers,
        body: delivery.body,
      };
      const exchange = await postDelivery(endpoint.origin, built);
      printExchange(printer, { ...exchange, delivery: built });
      if (exchange.status < 200 || exchange.status >= 300) setExitCode(EXIT_FAILED);
    });
}
