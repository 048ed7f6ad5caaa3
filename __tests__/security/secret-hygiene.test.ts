import { format } from 'node:util';
import createDebug from 'debug';
import { signNotification, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import {
  fromFixture,
  ipnDelivery,
  send,
  signedWebhook,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { storePayment, useFakeApi } from '../helpers/fake-api.js';
import {
  DELIVERY_FIXTURES,
  FIXTURE_SECRET,
  FIXTURE_TEST_MODE_SECRET,
  loadDelivery,
} from '../helpers/fixtures.js';
import { expectWarnings } from '../helpers/warnings.js';

// Every scenario runs with DEBUG=mercadopago-notifications:* captured; no log line, answer or reported error may
// carry a secret, an access token or a full v1 hash.

const SECRET = 'HYGIENE-SECRET-5d1c0e9a7b3f4e2a8c6d0b1f';
const TOKEN = 'APP_USR-HYGIENE-TOKEN-44b1f0c2e9d8';
const REVOKED_TOKEN = 'APP_USR-HYGIENE-REVOKED-a7c3e1';
const api = useFakeApi(TOKEN);

const logLines: string[] = [];
const answers: string[] = [];
const sentHashes = new Set<string>();

let restore: () => void = () => undefined;
beforeAll(() => {
  const { log } = createDebug;
  const previous = process.env['DEBUG'];
  createDebug.log = (...args: unknown[]) => void logLines.push(format(...args));
  createDebug.enable('mercadopago-notifications:*');
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    logLines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  restore = () => {
    createDebug.log = log;
    createDebug.enable(previous ?? '');
    process.stderr.write = write;
  };
});
afterAll(() => restore());

function app(extra: Partial<MercadoPagoNotificationsOptions> = {}): TestApp {
  return createApp({
    secret: [SECRET, FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET],
    accessToken: TOKEN,
    apiBaseUrl: api.url,
    fetchTimeoutMs: 300,
    handlerTimeoutMs: 300,
    ...extra,
  });
}

async function deliver(test: TestApp, delivery: OutgoingDelivery): Promise<void> {
  for (const match of (delivery.headers['x-signature'] ?? '').matchAll(/v1=([0-9a-f]{64})/g)) {
    sentHashes.add(match[1] ?? '');
  }
  answers.push((await send(test.app, delivery)).text);
}

const webhook = (id: string, extra: { type?: string; secret?: string } = {}) =>
  signedWebhook({ secret: extra.secret ?? SECRET, dataId: id, type: extra.type ?? 'payment' });

/** Messages of an error and of its causes, as far as they are errors of ours or of the SDK. */
function messages(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [];
  const nested = error instanceof AggregateError ? error.errors.flatMap((e) => messages(e, depth + 1)) : [];
  return [error.message, String(error), ...nested, ...messages(error.cause, depth + 1)];
}

describe('secret hygiene', () => {
  const reported: TestApp['errors'] = [];

  it('runs the scenario set: genuine, duplicate, IPN, forged, API and listener faults, bad bodies, fixtures', async () => {
    const main = app();
    storePayment(api, '7701');
    const genuine = webhook('7701');
    await deliver(main, genuine);
    await deliver(main, genuine);
    await deliver(main, ipnDelivery('payment', '7701'));
    const signature = genuine.headers['x-signature'] ?? '';
    await deliver(main, withHeaders(webhook('7701'), { 'x-signature': `${signature.slice(0, -1)}f` }));
    await deliver(main, webhook('7701', { secret: `${SECRET}-wrong` }));
    await deliver(main, withHeaders(webhook('7701'), { 'x-signature': undefined }));
    await deliver(main, withHeaders(webhook('7701'), { 'x-signature': `ts=1,v2=${'a'.repeat(64)}` }));
    await deliver(main, { ...genuine, query: { 'data.id': '7701', type: 'merchant_order' } }); // replay
    const faults = [{ status: 500 }, { status: 401 }, 'reset', 'malformed-json', { delayMs: 1_000 }] as const;
    await Promise.all(
      faults.map((fault, i) => {
        const path = storePayment(api, `771${i}`);
        api.fail(path, fault, fault);
        return deliver(main, webhook(`771${i}`));
      }),
    );
    await deliver(main, webhook('7703')); // 404 twice
    const failing = app();
    storePayment(api, '7704');
    failing.mp.on('payment.approved', () => {
      throw new Error('the warehouse is down');
    });
    await deliver(failing, webhook('7704'));
    const slow = app();
    slow.mp.on('payment.approved', () => new Promise((resolve) => setTimeout(resolve, 600)));
    await deliver(slow, webhook('7704'));
    const revoked = app({ accessToken: () => REVOKED_TOKEN });
    await deliver(revoked, webhook('7701'));
    const throwingResolver = app({
      accessToken: () => {
        throw new Error('vault unavailable');
      },
    });
    await deliver(throwingResolver, webhook('7701'));
    expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const signatureOnly = app({ accessToken: undefined });
    await deliver(signatureOnly, webhook('7705', { type: 'payment' }));
    await deliver(app({ requireSignature: true }), ipnDelivery('payment', '7701'));
    await deliver(main, { ...genuine, body: 'x'.repeat(70_000) });
    await deliver(main, { ...genuine, query: { 'data.id': '../../etc/passwd', type: 'payment' } });
    await deliver(main, {
      ...genuine,
      query: { type: 'payment' },
      headers: { 'x-signature': signNotification({ secret: SECRET }) },
    });
    const fixtures = app();
    await Promise.all(DELIVERY_FIXTURES.map((name) => deliver(fixtures, fromFixture(loadDelivery(name)))));
    await new Promise((resolve) => setTimeout(resolve, 800)); // slow listeners and fraud alerts finish
    for (const test of [main, failing, slow, revoked, throwingResolver, signatureOnly, fixtures]) {
      reported.push(...test.errors);
    }
    expect(reported.length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(40);
    expect(sentHashes.size).toBeGreaterThan(20);
  }, 30_000);

  it('never writes a secret, an access token or a full v1 hash to the debug log, an answer or a reported error', () => {
    const forbidden = [SECRET, FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET, TOKEN, REVOKED_TOKEN, ...sentHashes];
    const texts = [...logLines, ...answers, ...reported.flatMap(({ error }) => messages(error))];
    expect(texts.length).toBeGreaterThan(100);
    const leaks = texts.filter((text) => forbidden.some((secret) => text.includes(secret)));
    expect(leaks).toEqual([]);
  });
});
