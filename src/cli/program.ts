// The `mercadopago-notifications` command line: commander wiring and exit codes. Each command lives in its own
// module; this one only registers them and turns what happened into an exit code.
import { Command, CommanderError } from 'commander';
import { registerFakeApiCommand } from './fake-api.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './input.js';
import { createPrinter, type CliIo } from './output.js';
import { registerSendCommand } from './send.js';
import { registerSignCommand } from './sign.js';
import { registerTriggerCommand } from './trigger.js';

/** Runs the CLI with `argv` (the arguments after the program name) and resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const printer = createPrinter(io);
  let exitCode = EXIT_OK;
  const program = new Command('mercadopago-notifications')
    .description(
      'Local development kit for Mercado Pago notifications: trigger signed deliveries, run a fake API, sign.',
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHasColors: () => printer.color,
      getErrHasColors: () => false,
    });
  const context = {
    io,
    printer,
    setExitCode: (code: number) => void (exitCode = Math.max(exitCode, code)),
  };
  registerTriggerCommand(program, context);
  registerSendCommand(program, context);
  registerFakeApiCommand(program, context);
  registerSignCommand(program, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    printer.error(`error: ${(error as Error).message.replace(/^\[mercadopago-notifications\] /, '')}`);
    return error instanceof UsageError || error instanceof TypeError ? EXIT_USAGE : EXIT_FAILED;
  }
  return exitCode;
}
