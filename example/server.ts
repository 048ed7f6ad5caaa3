// Example app (`npm run example`). With MP_WEBHOOK_SECRET and MP_ACCESS_TOKEN it serves the real Mercado Pago
// API's notifications on PORT (default 3000). With neither, it starts the fake API on 127.0.0.1, sends itself a
// scripted demo of real signed deliveries and keeps serving; `--once` (or EXAMPLE_ONCE=1) exits after the
// demo, with status 1 when a step did not behave as expected. SIGINT, SIGTERM or the end of the process that
// started it (npm, when npm itself gets the SIGTERM) close every server and end the process.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
// The fake Mercado Pago API of this repository (the tests use it too); it is not part of your app.
import { startFakeMercadoPagoApi } from '../src/testing/fake-api.js';
// Stops on SIGINT/SIGTERM, and when npm (which starts this through `sh -c`) is gone: see its comment.
import { waitForStop } from '../src/cli/stop.js';
import { createExampleApp } from './app.js';
import { runDemo } from './demo.js';

/** Demo credentials: accepted only by the embedded fake API. */
const DEMO_SECRET = 'demo-webhook-secret-not-a-real-one';
const DEMO_ACCESS_TOKEN = 'TEST-demo-access-token';
/** The CLI's default --api-url: http://127.0.0.1:3999. */
const DEFAULT_FAKE_API_PORT = 3999;

const log = (line: string): void => console.log(line);

function listen(app: Express, port: number, host?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host === undefined ? app.listen(port) : app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function portFromEnv(name: string, fallback: number): number {
  const port = Number(process.env[name] ?? fallback);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  throw new Error(`${name} must be an integer 0..65535, got ${process.env[name]}`);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** How to close each server still open; undefined once the process was asked to stop. */
let running: Array<() => Promise<void>> | undefined = [];

/** Registers a server to close when the process is asked to stop (at once if it already was). */
function closeOnStop(close: () => Promise<void>): void {
  if (running === undefined) void close();
  else running.push(close);
}

/** Closes every open server. */
function closeAll(): Promise<unknown> {
  const closing = Promise.all((running ?? []).map((close) => close()));
  running = undefined;
  return closing;
}

/** Closes every server once the process is asked to stop; a second Ctrl-C ends it at once. */
async function stopWhenAsked(): Promise<void> {
  const reason = await waitForStop();
  await closeAll();
  log(`Stopped (${reason}).`);
}

/** Real credentials: the default apiBaseUrl (https://api.mercadopago.com), every interface, PORT or 3000. */
async function serveRealApi(secret: string | undefined, accessToken: string | undefined): Promise<void> {
  if (secret === undefined) {
    log(
      'MP_WEBHOOK_SECRET is not set: every delivery is trusted only once its resource is read from the API.',
    );
  }
  if (accessToken === undefined) {
    log('MP_ACCESS_TOKEN is not set: nothing is read, events are notification.received without a resource.');
  }
  const { app } = createExampleApp({ secret, accessToken, log });
  const server = await listen(app, portFromEnv('PORT', 3000));
  closeOnStop(() => closeServer(server));
  const { port } = server.address() as AddressInfo;
  log(`Listening on http://localhost:${port}/mercadopago/webhooks (also /ipn and /wallet-connect).`);
  log('Expose it (for example with a tunnel) and set that URL in Your integrations > Webhooks.');
}

/**
 * No credentials: fake API, demo credentials, loopback only, then the scripted demo. When it keeps serving,
 * the app listens on PORT (default 3000) and the fake API on FAKE_API_PORT (default 3999, the CLI's default
 * --api-url), so `mercadopago-notifications trigger` works from another terminal; `--once` uses free ports.
 */
async function serveDemo(once: boolean): Promise<void> {
  const apiPort = once ? 0 : portFromEnv('FAKE_API_PORT', DEFAULT_FAKE_API_PORT);
  const api = await startFakeMercadoPagoApi({ port: apiPort, accessTokens: [DEMO_ACCESS_TOKEN] });
  closeOnStop(() => api.close());
  const { app, mp } = createExampleApp({
    secret: DEMO_SECRET,
    accessToken: DEMO_ACCESS_TOKEN,
    apiBaseUrl: api.url,
    log: (line) => log(`   ${line}`), // the app's lines, indented under the demo's step lines
    // Local only: never with a tunnel, whose clients all reach the app from 127.0.0.1.
    inspector: true,
  });
  const server = await listen(app, once ? 0 : portFromEnv('PORT', 3000), '127.0.0.1');
  closeOnStop(() => closeServer(server));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log(`No MP_WEBHOOK_SECRET / MP_ACCESS_TOKEN: demo mode with the fake Mercado Pago API at ${api.url}`);
  log(`Listening on ${baseUrl}/mercadopago/webhooks (also /ipn and /wallet-connect)`);
  log(`Delivery inspector: open ${baseUrl}/mercadopago/_inspector in a browser`);
  log('');
  const ok = await runDemo({ baseUrl, apiUrl: api.url, secret: DEMO_SECRET, mp, log });
  if (once) {
    await closeAll();
    process.exitCode = ok ? 0 : 1;
    return;
  }
  log('');
  log('Still serving. Trigger more events from another terminal, for example:');
  log(
    `  npx mercadopago-notifications trigger payment.pending,payment.approved --with-ipn --url ${baseUrl}/mercadopago/webhooks --api-url ${api.url} --secret ${DEMO_SECRET}`,
  );
  log('(in this repository: npm run cli -- trigger ...). Ctrl-C stops.');
}

const secret = process.env['MP_WEBHOOK_SECRET'] || undefined;
const accessToken = process.env['MP_ACCESS_TOKEN'] || undefined;
const once = process.argv.includes('--once') || process.env['EXAMPLE_ONCE'] === '1';

const started =
  secret === undefined && accessToken === undefined ? serveDemo(once) : serveRealApi(secret, accessToken);
void stopWhenAsked();
started.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
