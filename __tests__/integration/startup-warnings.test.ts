import { spawn } from 'node:child_process';
import { join } from 'node:path';
import createDebug from 'debug';
import { mercadoPagoNotifications, type MercadoPagoNotificationsOptions } from '../../src/index.js';
import { WARNING_NAME } from '../../src/startup-warnings.js';
import { createApp } from '../helpers/app.js';
import { send } from '../helpers/deliveries.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { NOW_MS, signedPayment } from '../helpers/payment.js';

const SECRET = 'startup-warning-secret-value';
const TOKEN = 'APP_USR-startup-warning-token';
const ROOT = join(__dirname, '..', '..');

interface CapturedWarning {
  readonly message: string;
  readonly type: string | undefined;
  readonly code: string | undefined;
}

/**
 * Records every process warning emitted while `work` runs. Jest gives each test file its own `process` object
 * whose 'warning' event never fires, so the call itself is recorded (and not printed); the last test checks the
 * real 'warning' event in a child process.
 */
async function warningsDuring(work: () => unknown): Promise<CapturedWarning[]> {
  const captured: CapturedWarning[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation((warning, options?: unknown) => {
    const { type, code } = (options ?? {}) as { type?: string; code?: string };
    captured.push({ message: String(warning), type, code });
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return captured;
}

const codesFor = async (options: MercadoPagoNotificationsOptions): Promise<Array<string | undefined>> =>
  (await warningsDuring(() => mercadoPagoNotifications(options))).map((w) => w.code);

describe('startup warnings', () => {
  it('emits nothing for a configuration that loses no notification', async () => {
    expect(await codesFor({ secret: SECRET, accessToken: TOKEN })).toEqual([]);
    expect(await codesFor({ accessToken: TOKEN })).toEqual([]);
    expect(
      await codesFor({ secret: [SECRET, 'other'], accessToken: TOKEN, handlerTimeoutMs: 22_000 }),
    ).toEqual([]);
  });

  it('warns MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN when IPN routes are mounted without accessToken', async () => {
    const [warning, ...rest] = await warningsDuring(() => mercadoPagoNotifications({ secret: SECRET }));
    expect(rest).toEqual([]);
    expect(warning).toEqual({
      type: WARNING_NAME,
      code: 'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
      message: expect.stringMatching(/^\[mercadopago-notifications\] no `accessToken`: .*IPN.*401/),
    });
  });

  it('does not warn about accessToken when requireSignature refuses IPN on purpose', async () => {
    expect(await codesFor({ secret: SECRET, requireSignature: true })).toEqual([]);
  });

  it.each([
    ['a trailing newline', `${SECRET}\n`],
    ['a leading space', ` ${SECRET}`],
    ['a trailing tab', `${SECRET}\t`],
  ])(
    'warns MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE for a secret with %s, never printing it',
    async (_t, secret) => {
      const warnings = await warningsDuring(() => mercadoPagoNotifications({ secret, accessToken: TOKEN }));
      expect(warnings.map((w) => [w.type, w.code])).toEqual([
        [WARNING_NAME, 'MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE'],
      ]);
      expect(warnings[0]?.message).toContain('secret #1 of 1');
      expect(warnings[0]?.message).not.toContain(SECRET);
      expect(warnings[0]?.message).not.toContain(SECRET.slice(0, 8));
    },
  );

  it('warns once per secret with whitespace and names which one, among several', async () => {
    const warnings = await warningsDuring(() =>
      mercadoPagoNotifications({ secret: [SECRET, 'second\n', ' third'], accessToken: TOKEN }),
    );
    expect(warnings.map((w) => w.message.match(/secret #\d of \d/)?.[0])).toEqual([
      'secret #2 of 3',
      'secret #3 of 3',
    ]);
    expect(warnings.map((w) => w.message).join('\n')).not.toMatch(/second|third/);
  });

  it.each([22_001, 30_000, 60_000])(
    'warns MERCADOPAGO_NOTIFICATIONS_HANDLER_TIMEOUT for handlerTimeoutMs %d (Mercado Pago waits 22 s)',
    async (handlerTimeoutMs) => {
      const warnings = await warningsDuring(() =>
        mercadoPagoNotifications({ secret: SECRET, accessToken: TOKEN, handlerTimeoutMs }),
      );
      expect(warnings.map((w) => w.code)).toEqual(['MERCADOPAGO_NOTIFICATIONS_HANDLER_TIMEOUT']);
      expect(warnings[0]?.message).toContain(`${handlerTimeoutMs} ms, above the 22000 ms`);
    },
  );

  it('reports every problem of one configuration, once each', async () => {
    expect(await codesFor({ secret: `${SECRET} `, handlerTimeoutMs: 25_000 })).toEqual([
      'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
      'MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE',
      'MERCADOPAGO_NOTIFICATIONS_HANDLER_TIMEOUT',
    ]);
  });

  it('warns once per router: when it is built, never again while it handles deliveries', async () => {
    const events: string[] = [];
    const warnings = await warningsDuring(async () => {
      const first = createApp({ secret: FIXTURE_SECRET, now: () => NOW_MS });
      const second = createApp({ secret: FIXTURE_SECRET, now: () => NOW_MS });
      for (const { app } of [first, first, second]) await send(app, signedPayment()).expect(200);
      events.push(...[first, second].flatMap((t) => t.events.map((e) => e.name)));
    });
    expect(events).toEqual(['notification.received', 'notification.received', 'notification.received']);
    expect(warnings.map((w) => w.code)).toEqual([
      'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
      'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
    ]);
  });

  it('logs each warning through debug (mercadopago-notifications:config), without the secret', async () => {
    const lines: string[] = [];
    const namespaces = createDebug.disable();
    const log = createDebug.log;
    createDebug.enable('mercadopago-notifications:config');
    createDebug.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      await warningsDuring(() =>
        mercadoPagoNotifications({ secret: `${SECRET}\n`, handlerTimeoutMs: 23_000 }),
      );
    } finally {
      createDebug.log = log;
      createDebug.enable(namespaces);
    }
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain('MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE');
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it("reaches process.on('warning') with its name and code in a real process", async () => {
    const script = [
      "import { mercadoPagoNotifications } from './src/index.ts';",
      "process.on('warning', (w) => { if (w.name === 'MercadoPagoNotificationsWarning') console.log('WARNING', w.code); });",
      `mercadoPagoNotifications({ secret: ${JSON.stringify(`${SECRET}\n`)} });`,
    ].join('\n');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--eval', script], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', () => resolve(text));
    });
    expect(output.split('\n').filter((line) => line.startsWith('WARNING'))).toEqual([
      'WARNING MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
      'WARNING MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE',
    ]);
    // Node prints the warnings to stderr too: the secret never appears there.
    expect(output).toContain('[MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE] MercadoPagoNotificationsWarning');
    expect(output).not.toContain(SECRET);
  }, 30_000);
});
