// Output of the CLI. Results go to stdout, in one of three forms: verbose (each request and answer in full, the
// default on a terminal), quiet (one line per delivery, the default when stdout is a pipe or a file) and JSON
// (one object per line, for scripts). Notes, summaries, hints and errors go to stderr, so stdout stays parsable.
// Colors only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb.

/** What the CLI reads and writes; the bin entry passes the process's own streams. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  /** Read by `send -`. */
  readonly stdin: AsyncIterable<Buffer | string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The package's version, printed by `--version`. */
  readonly version?: string | undefined;
  /** Settles when the process is asked to stop (SIGINT, SIGTERM, its parent gone): `fake-api` serves until then. */
  waitForStop(): Promise<unknown>;
}

/** How results are printed. */
export type OutputMode = 'verbose' | 'quiet' | 'json';

/** The output flags `trigger` and `send` take. */
export interface OutputFlags {
  readonly verbose?: boolean | undefined;
  readonly quiet?: boolean | undefined;
  readonly json?: boolean | undefined;
}

/** Writes lines to stdout and stderr, styling them only on a color terminal. */
export interface Printer {
  readonly color: boolean;
  /** A line of results, on stdout. */
  line(text?: string): void;
  /** A note, summary, hint or error, on stderr. */
  error(text: string): void;
  /** Green for 2xx, red otherwise. */
  status(status: number, text: string): string;
  dim(text: string): string;
}

const ANSI = { green: 32, red: 31, dim: 2 } as const;

/** Whether `io`'s stdout takes ANSI colors. */
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

/** The mode the flags ask for: verbose on a terminal, quiet otherwise, unless a flag says. */
export function outputMode(flags: OutputFlags, io: CliIo): OutputMode {
  if (flags.json === true) return 'json';
  if (flags.quiet === true) return 'quiet';
  if (flags.verbose === true) return 'verbose';
  return io.stdout.isTTY === true ? 'verbose' : 'quiet';
}
