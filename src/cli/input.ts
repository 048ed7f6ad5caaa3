// What every command shares about its input: the secret, the error for bad input, and the exit codes.
import type { CliIo, Printer } from './output.js';

/** Exit codes: 0 every answer was 2xx; 1 an answer was not 2xx or a server could not be reached; 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An input error the CLI reports in one line with exit code 2. */
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

/** What a command's action uses: the streams, the printer, and where to record a failing exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly printer: Printer;
  setExitCode(code: number): void;
}
