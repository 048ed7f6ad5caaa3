#!/usr/bin/env node
// The `mercadopago-notifications` bin: runs the CLI with this process's streams and sets its exit code.
import { runCli } from './program.js';
import { waitForStop } from './stop.js';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
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
