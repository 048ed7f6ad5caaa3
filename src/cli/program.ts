// The `mercadopago-notifications` command line: commander wiring and exit codes. Each command lives in its own
// module; this one registers them, turns what happened into an exit code, and ends every usage error with where
// to read the usage (as gh and the Stripe CLI do).
import { Command, CommanderError } from 'commander';
import { registerFakeApiCommand } from './fake-api.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './input.js';
import { createPrinter, type CliIo } from './output.js';
import { registerSendCommand } from './send.js';
import { registerSignCommand } from './sign.js';
import { registerTriggerCommand } from './trigger.js';

const NAME = 'mercadopago-notifications';
const PREFIX = /^\[mercadopago-notifications\] /;

/** Runs the CLI with `argv` (the arguments after the program name) and resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const printer = createPrinter(io);
  let exitCode = EXIT_OK;
  const program = new Command(NAME)
    .description(
      'Local development kit for Mercado Pago notifications: trigger signed deliveries, run a fake API, sign.',
    )
    .version(io.version ?? 'unknown', '-v, --version', 'print the version')
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
  // The command the arguments name, for the help pointer: `trigger --help` rather than the program's.
  const named = program.commands.find((command) => command.name() === argv[0]);
  const seeHelp = `see \`${NAME}${named === undefined ? '' : ` ${named.name()}`} --help\``;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT_OK;
      // commander printed the error already; the full help needs no pointer to itself.
      if (error.code !== 'commander.help') printer.error(seeHelp);
      return EXIT_USAGE;
    }
    const usage = error instanceof UsageError || error instanceof TypeError;
    printer.error(`error: ${(error as Error).message.replace(PREFIX, '')}`);
    if (usage) printer.error(seeHelp);
    return usage ? EXIT_USAGE : EXIT_FAILED;
  }
  return exitCode;
}
