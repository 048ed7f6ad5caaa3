// One request sent to the app and its answer, printed in the chosen output mode, with a hint when the answer
// points at a mistake in the set-up (a 404 from the app, not from the router).
import type { BuiltDelivery } from '../testing/build-delivery.js';
import type { PostedDelivery } from '../testing/post-delivery.js';
import type { OutputMode, Printer } from './output.js';

/** Longest answer text printed for a body that is not the router's JSON error. */
const MAX_BODY_TEXT = 200;
/** Width of the event column of quiet lines: most event names fit. */
const EVENT_WIDTH = 24;
const PREFIX = /^\[mercadopago-notifications\] /;

/** What was sent and what came back. */
export interface Exchange extends PostedDelivery {
  /** The event `trigger` sent, undefined for `send`. */
  readonly event: string | undefined;
  /** `webhook`, `ipn` (the IPN copy), `resend`, or `delivery` for `send`. */
  readonly kind: 'webhook' | 'ipn' | 'resend' | 'delivery';
  readonly delivery: BuiltDelivery;
}

const KIND_LABEL: Readonly<Record<Exchange['kind'], string>> = {
  webhook: 'Webhook',
  ipn: 'IPN copy',
  resend: 'resend',
  delivery: 'delivery',
};

/** The router's `{"error":{"code","message"}}`, when that is what the answer holds. */
function routerError(exchange: PostedDelivery): { code: string; message: string } | undefined {
  if (!exchange.contentType.includes('json')) return undefined;
  try {
    const parsed = JSON.parse(exchange.responseBody) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
  } catch {
    return undefined;
  }
}

/** The answer's body in one line: an HTML page (Express's 404) as its text, anything else clipped. */
function bodyText(exchange: PostedDelivery): string {
  const { responseBody, contentType } = exchange;
  const text = contentType.includes('html')
    ? responseBody
        .replace(/<(head|script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&')
    : responseBody;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_BODY_TEXT ? `${line.slice(0, MAX_BODY_TEXT)}…` : line;
}

const ok = (status: number): boolean => status >= 200 && status < 300;

/** Why a 404 came back, and what to check. */
function notFoundHint(exchange: Exchange): string {
  const error = routerError(exchange);
  if (error?.code === 'RESOURCE_NOT_FOUND') {
    return (
      'hint: the router could not read the resource from the API. Is its apiBaseUrl the fake API ' +
      '(`mercadopago-notifications fake-api`, or the --api-url given to trigger)?'
    );
  }
  const { origin, pathname } = new URL(exchange.url);
  return (
    `hint: nothing answered POST ${pathname}. The router answers POST on <mount>/webhooks, <mount>/ipn and ` +
    '<mount>/wallet-connect (or the `paths` you gave it), where <mount> is the path given to app.use(): ' +
    `app.use('/mercadopago', mp) -> --url ${origin}/mercadopago/webhooks`
  );
}

function printVerbose(printer: Printer, exchange: Exchange): void {
  const { url, delivery, status, statusText, timeMs } = exchange;
  if (exchange.event !== undefined) printer.line(`${exchange.event}: ${KIND_LABEL[exchange.kind]}`);
  printer.line(`  -> ${delivery.method} ${url}`);
  for (const [name, value] of Object.entries(delivery.headers))
    printer.line(printer.dim(`     ${name}: ${value}`));
  printer.line(printer.dim(`     ${delivery.body}`));
  printer.line(`  <- ${printer.status(status, `${status} ${statusText}`.trim())} in ${timeMs} ms`);
  // A refusal explains itself in the body; a 2xx body says nothing new.
  if (ok(status)) return;
  const error = routerError(exchange);
  const body =
    error === undefined ? bodyText(exchange) : `${error.code}: ${error.message.replace(PREFIX, '')}`;
  if (body !== '') printer.line(`     ${body}`);
}

function printQuiet(printer: Printer, exchange: Exchange): void {
  const { status, timeMs } = exchange;
  const what = exchange.event ?? exchange.delivery.query['type'] ?? exchange.delivery.query['topic'] ?? '-';
  const code = ok(status) ? '' : `  ${routerError(exchange)?.code ?? bodyText(exchange)}`;
  const columns = [what.padEnd(EVENT_WIDTH), KIND_LABEL[exchange.kind].padEnd(8), `${timeMs} ms`];
  printer.line(`${printer.status(status, String(status))}  ${columns.join('  ')}${code}`);
}

/** One JSON object per delivery, for scripts. */
export function exchangeJson(exchange: Exchange): Record<string, unknown> {
  const error = ok(exchange.status)
    ? null
    : (routerError(exchange) ?? { code: null, message: bodyText(exchange) });
  return {
    event: exchange.event ?? null,
    kind: exchange.kind,
    method: exchange.delivery.method,
    url: exchange.url,
    requestId: exchange.delivery.headers['x-request-id'] ?? null,
    status: exchange.status,
    ms: exchange.timeMs,
    error,
  };
}

/** Prints each exchange in `mode`; the first 404 of a run also gets a hint on stderr. */
export function createExchangePrinter(printer: Printer, mode: OutputMode): (exchange: Exchange) => void {
  const hinted = new Set<string>();
  return (exchange) => {
    if (mode === 'json') printer.line(JSON.stringify(exchangeJson(exchange)));
    else if (mode === 'quiet') printQuiet(printer, exchange);
    else printVerbose(printer, exchange);
    const hint = exchange.status === 404 ? notFoundHint(exchange) : undefined;
    if (hint !== undefined && !hinted.has(hint)) {
      hinted.add(hint);
      printer.error(hint);
    }
  };
}

/** `2 deliveries, every answer 2xx` or `1 of 3 answers were not 2xx`, for stderr; true when all were 2xx. */
export function summarize(exchanges: readonly PostedDelivery[]): { text: string; ok: boolean } {
  const failed = exchanges.filter(({ status }) => !ok(status)).length;
  const total = exchanges.length;
  if (failed === 0)
    return { text: `${total} ${total === 1 ? 'delivery' : 'deliveries'}, every answer 2xx`, ok: true };
  return { text: `${failed} of ${total} answers were not 2xx`, ok: false };
}
