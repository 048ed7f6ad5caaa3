// Runs the CLI: in this process through runCli() with captured streams, or as a real child process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

const ROOT = join(__dirname, '..', '..');
/** The version in package.json, which the bin prints for --version. */
export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** What a CLI run printed and its exit code. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCliInProcess}. */
export interface InProcessOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  /** Whether stdout claims to be a terminal. @default false */
  readonly isTTY?: boolean;
  /** Settles when a serving command (fake-api) should stop. @default settled at once */
  readonly stop?: Promise<unknown>;
  /** Called with each stdout chunk as it is written. */
  readonly onStdout?: (text: string) => void;
}

/** Runs the CLI with `args` in this process; stdout and stderr are captured, env holds only `env`. */
export async function runCliInProcess(
  args: readonly string[],
  options: InProcessOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: {
      isTTY: options.isTTY ?? false,
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text);
      },
    },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
    version: PACKAGE_VERSION,
    waitForStop: () => options.stop ?? Promise.resolve(),
  });
  return { code, stdout, stderr };
}

/** A CLI child process started with tsx from the sources, stdout and stderr piped (not a terminal). */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('MP_')),
  );
  return spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'index.ts'), ...args], {
    cwd: ROOT,
    env: { ...inherited, FORCE_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the CLI as a child process to its end. */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end();
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
