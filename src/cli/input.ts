// What every command shares about its input: the secret, the output flags, the error for bad input, and the
// exit codes.
import { Option, type Command } from 'commander';
import type { CliIo, Printer } from './output.js';

/** Exit codes: 0 every answer was 2xx; 1 an answer was not 2xx or a server could not be reached; 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An input error the CLI reports in one line, followed by where to read the usage, with exit code 2. */
export class UsageError extends Error {}

/** The secret from `--secret` or MP_WEBHOOK_SECRET; a UsageError when neither is set. */
export function secretFrom(option: string | undefined, io: CliIo): string {
  const secret = option ?? io.env['MP_WEBHOOK_SECRET'];
  if (secret === undefined || secret === '') {
    throw new UsageError(
      'missing secret: pass --secret <secret> or set MP_WEBHOOK_SECRET to the secret signature your app verifies with',
    );
  }
  return secret;
}

/** Adds `--verbose`, `--quiet` and `--json`, each excluding the others. */
export function addOutputOptions(command: Command): Command {
  const options = [
    new Option('--verbose', 'print each request and answer in full (the default on a terminal)').conflicts([
      'quiet',
      'json',
    ]),
    new Option(
      '-q, --quiet',
      'print one line per delivery: status, event, time (the default otherwise)',
    ).conflicts('json'),
    new Option('--json', 'print one JSON object per delivery, for scripts'),
  ];
  for (const option of options) command.addOption(option);
  return command;
}

/** What a command's action uses: the streams, the printer, and where to record a failing exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly printer: Printer;
  setExitCode(code: number): void;
}
