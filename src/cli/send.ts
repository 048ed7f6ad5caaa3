// `send <file|->`: sends a delivery described as JSON (the fixtures' format), re-signed unless told not to.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse, stringify } from 'lossless-json';
import { parseJsonLossless } from '../body.js';
import { parseDelivery } from '../delivery.js';
import { MercadoPagoNotificationError } from '../errors.js';
import { signNotification } from '../signature.js';
import { closestName } from '../suggest.js';
import type { BuiltDelivery } from '../testing/build-delivery.js';
import { parseHttpUrl, postDelivery } from '../testing/post-delivery.js';
import { createExchangePrinter, summarize } from './exchange.js';
import { EXIT_FAILED, UsageError, addOutputOptions, secretFrom, type CommandContext } from './input.js';
import { outputMode, type CliIo, type OutputFlags } from './output.js';

const FORMAT = `
The file holds one delivery, as in the package's test fixtures:
  { "path_query": { "data.id": "123", "type": "payment" },
    "headers": { "x-request-id": "...", "x-signature": "ts=...,v1=...", ... },
    "body": { ... },                      (or "raw_body": "<exact body text>")
    "meta": { "channel": "webhook" } }    (optional; "ipn" deliveries are never re-signed)
The delivery is re-signed with a fresh ts over its data.id and x-request-id, unless --keep-signature. It is
checked before anything is sent: the file must be JSON, with those fields only, and be a delivery the router
recognises (a Webhook, an IPN or a Wallet Connect notification).`;

/** The fields of the fixtures' delivery format. */
const FIELDS = ['description', 'method', 'path_query', 'headers', 'body', 'raw_body', 'meta'];

/** Headers fetch sets itself (or refuses): a captured delivery's values would be wrong for the new request. */
const TRANSPORT_HEADERS = new Set([
  'connection',
  'content-length',
  'host',
  'keep-alive',
  'transfer-encoding',
]);

interface SendCommandOptions extends OutputFlags {
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
  if (text.trim() === '') {
    throw new UsageError(`${source} is empty: give one delivery as JSON (path_query, headers, body)`);
  }
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
  for (const field of Object.keys(fields)) {
    if (FIELDS.includes(field)) continue;
    const guess = closestName(field, FIELDS);
    throw new UsageError(
      `${source}: unknown field \`${field}\`${guess === undefined ? '' : `: did you mean \`${guess}\`?`} ` +
        `(fields: ${FIELDS.join(', ')})`,
    );
  }
  const method = fields['method'];
  if (method !== undefined && method !== 'POST') {
    throw new UsageError(
      `${source}: \`method\` must be "POST" (Mercado Pago only POSTs), got ${JSON.stringify(method)}`,
    );
  }
  const query = stringRecord(fields['path_query'], 'path_query', source);
  const headers = stringRecord(fields['headers'], 'headers', source);
  const raw = fields['raw_body'];
  if (raw !== undefined && typeof raw !== 'string')
    throw new UsageError(`${source}: \`raw_body\` must be a string`);
  const body = raw ?? (fields['body'] === undefined ? '' : (stringify(fields['body']) ?? ''));
  assertDelivery(query, headers, body, source);
  const meta = fields['meta'] as { channel?: unknown } | undefined;
  const ipn =
    meta?.channel === 'ipn' ||
    (query['data.id'] === undefined && query['topic'] !== undefined && query['id'] !== undefined);
  return { query, headers, body, ipn };
}

/** Refuses what the router would answer 400 INVALID_DELIVERY, with its reason, before anything is sent. */
function assertDelivery(
  query: Record<string, string>,
  headers: Record<string, string>,
  body: string,
  source: string,
): void {
  try {
    parseDelivery({
      url: `/?${new URLSearchParams(query).toString()}`,
      headers,
      body: parseJsonLossless(body),
      receivedAt: new Date(),
    });
  } catch (error) {
    if (!(error instanceof MercadoPagoNotificationError)) throw error;
    throw new UsageError(
      `${source} is not a delivery the router would accept: ${error.message.replace(/^\[mercadopago-notifications\] /, '')}`,
    );
  }
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
  const command = program
    .command('send')
    .description('send a delivery described as JSON, re-signed with your secret')
    .argument('<file>', 'the delivery as JSON, or - to read it from stdin')
    .requiredOption(
      '--url <endpoint>',
      "(required) your router's endpoint, e.g. http://127.0.0.1:3000/mercadopago/webhooks",
    )
    .option('--secret <secret>', 'secret signature to sign with (default: $MP_WEBHOOK_SECRET)')
    .option('--keep-signature', 'send x-signature as the file has it (to replay a captured delivery)');
  addOutputOptions(command)
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
        printer.error('IPN delivery: sent with its own x-signature (IPN signatures are never verifiable)');
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
      createExchangePrinter(
        printer,
        outputMode(options, io),
      )({
        ...exchange,
        event: undefined,
        kind: 'delivery',
        delivery: built,
      });
      const summary = summarize([exchange]);
      printer.error(summary.text);
      if (!summary.ok) setExitCode(EXIT_FAILED);
    });
}
