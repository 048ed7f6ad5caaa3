#!/usr/bin/env node
// The `mercadopago-notifications` bin: runs the CLI with this process's streams and sets its exit code.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './program.js';
import { waitForStop } from './stop.js';

/** The version in the package.json above this file: dist/cli.js when installed, src/cli/index.ts in the repo. */
function packageVersion(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'mercadopago-notifications' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dirname(dir) === dir) return undefined;
  }
}

// `mercadopago-notifications trigger --list | head`: the reader is gone, nothing more to say.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  version: packageVersion(),
  waitForStop,
}).then(
  (code) => {
    process.exitCode = code; // not process.exit(): output still queued for a pipe must get out
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
