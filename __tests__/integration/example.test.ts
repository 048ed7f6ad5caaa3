import { spawn } from 'node:child_process';
import { join } from 'node:path';
import express from 'express';
import { mercadoPagoNotifications, type MercadoPagoNotificationError } from '../../src/index.js';
import { startFakeMercadoPagoApi, type FakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import { send, signedWebhook } from '../helpers/deliveries.js';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_TIMEOUT_MS = 30_000;

/** Runs the example app to completion; resolves with its exit code and everything it printed. */
function runExample(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MP_')));
  delete env['PORT'];
  delete env['EXAMPLE_ONCE'];
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['example/server.ts', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), EXAMPLE_TIMEOUT_MS - 2_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('example app', () => {
  it(
    'exits 0 after a demo whose steps all behave, naming each event and the 401 of the forged delivery',
    async () => {
      const { code, output } = await runExample(['--once']);
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('8 of 8 steps behaved') });
      const stepLines = output.split('\n').filter((line) => /^\d+\. /.test(line));
      expect(stepLines).toEqual([
        expect.stringMatching(/^1\. .* -> 200, payment\.pending$/),
        expect.stringMatching(/^2\. .* -> 200, payment\.approved$/),
        expect.stringMatching(/^3\. IPN .* -> 200, no event/),
        expect.stringMatching(/^4\. duplicate .* -> 200, no event \(duplicate\)$/),
        expect.stringMatching(/^5\. forged signature -> 401, SIGNATURE_MISMATCH$/),
        expect.stringMatching(/^6\. .*ORD[0-9A-Z]+ -> 200, order\.[a-z_]+$/),
        expect.stringMatching(/^7\. .* -> 200, chargeback\.opened$/),
        expect.stringMatching(/^8\. .* -> 200, agreement\.cancelled$/),
      ]);
    },
    EXAMPLE_TIMEOUT_MS,
  );
});

describe('README quick start', () => {
  const SECRET = 'readme-webhook-secret';
  const TOKEN = 'APP_USR-readme-token';
  let api: FakeMercadoPagoApi;
  beforeAll(async () => {
    api = await startFakeMercadoPagoApi({ accessTokens: [TOKEN] });
  });
  afterAll(() => api.close());

  it.each(['without', 'with'])(
    'delivers payment.approved to the listener %s express.json() first',
    async (json) => {
      api.set('/v1/payments/5551', {
        id: 5551,
        status: 'approved',
        status_detail: 'accredited',
        external_reference: 'order-7',
      });
      const env = { MP_WEBHOOK_SECRET: SECRET, MP_ACCESS_TOKEN: TOKEN };
      const fulfilled: unknown[] = [];
      const fulfil = async (reference: unknown): Promise<void> => void fulfilled.push(reference);
      const errors: MercadoPagoNotificationError[] = [];

      // The README snippet, with apiBaseUrl pointed at the fake API and no listen().
      const app = express();
      if (json === 'with') app.use(express.json());
      const mp = mercadoPagoNotifications({
        secret: env.MP_WEBHOOK_SECRET,
        accessToken: env.MP_ACCESS_TOKEN,
        apiBaseUrl: api.url,
      });
      mp.on('payment.approved', async (event) => {
        await fulfil(event.resource.external_reference);
      });
      mp.onError((error) => void errors.push(error));
      app.use('/mercadopago', mp);

      // Signed with signNotification, as Mercado Pago signs: data.id, x-request-id and ts.
      const delivery = signedWebhook({
        secret: SECRET,
        dataId: '5551',
        type: 'payment',
        path: '/mercadopago/webhooks',
      });
      await send(app, delivery).expect(200);
      expect({ fulfilled, errors }).toEqual({ fulfilled: ['order-7'], errors: [] });
    },
  );
});
