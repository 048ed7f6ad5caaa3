// Plain-text output for the CLI: colors only on a terminal (never when stdout is a pipe or a file, or with
// NO_COLOR set), so scripts and CI logs get plain lines.
import type { TriggerExchange } from '../testing/trigger.js';

/** What the CLI reads and writes; the bin entry passes the process's own streams. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Read by `send -`. */
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Settles when the process is asked to stop (SIGINT, SIGTERM): `fake-api` serves until then. */
  waitForStop(): Promise<unknown>;
}

/** Writes lines to stdout and stderr, styling them only on a color terminal. */
export interface Printer {
  readonly color: boolean;
  line(text?: string): void;
  error(text: string): void;
  /** Green for 2xx, red otherwise. */
  status(status: number, text: string): string;
  dim(text: string): string;
}

const ANSI = { green: 32, red: 31, dim: 2 } as const;

/** Whether `io`'s stdout takes ANSI colors (https://no-color.org). */
export function supportsColor(io: CliIo): boolean {
  return io.stdout.isTTY === true && io.env['NO_COLOR'] === undefined && io.env['TERM'] !== 'dumb';
}

export function createPrinter(io: CliIo): Printer {
  const color = supportsColor(io);
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    color,
    line: (text = '') => void io.stdout.write(`${text}\n`),
    error: (text) => void io.stderr.write(`${text}\n`),
    status: (status, text) => paint(status >= 200 && status < 300 ? ANSI.green : ANSI.red, text),
    dim: (text) => paint(ANSI.dim, text),
  };
}

/** Prints one request and its answer: method, URL, headers, body, then status and time. */
export function printExchange(printer: Printer, exchange: Omit<TriggerExchange, 'event' | 'kind'>): void {
  const { url, delivery, status, statusText, timeMs, responseBody } = exchange;
  printer.line(`  -> ${delivery.method} ${url}`);
  for (const [name, value] of Object.entries(delivery.headers))
    printer.line(printer.dim(`     ${name}: ${value}`));
  printer.line(printer.dim(`     ${delivery.body}`));
  printer.line(`  <- ${printer.status(status, `${status} ${statusText}`.trim())} in ${timeMs} ms`);
  // A refusal explains itself in the body (`{"error":{"code","message"}}`); a 2xx body says nothing new.
  if ((status < 200 || status >= 300) && responseBody !== '') printer.line(`     ${responseBody}`);
}
