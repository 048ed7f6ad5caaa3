// The CLI's commands run in this process (runCli with captured streams) against a real router served on
// 127.0.0.1 and the real fake API. cli-process.test.ts runs the bin as a real process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signNotification } from '../../src/index.js';
import { createApp, serveOnLoopback, type ServedApp, type TestApp } from '../helpers/app.js';
import { runCliInProcess } from '../helpers/cli.js';
import { TOKEN, apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery, loadResource, resourcePath } from '../helpers/fixtures.js';

// eslint-disable-next-line no-control-regex -- the point is to find escape sequences
const ANSI = /\u001b\[/;
const api = useFakeApi();
let test: TestApp;
let served: ServedApp;
let url: string;

beforeAll(async () => {
  test = createApp(apiOptions(api));
  served = await serveOnLoopback(test.app);
  url = `${served.url}/mp/webhooks`;
});
afterAll(() => served.close());
beforeEach(() => void (test.events.length = 0));

describe('trigger', () => {
  it('exits 0 after printing the stored resource, each request and each answer with its time', async () => {
    const run = await runCliInProcess(['trigger', 'payment.approved', '--url', url, '--api-url', api.url], {
      env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET },
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const id = test.events[0]?.resourceId ?? 'none';
    expect(test.events.map((event) => event.name)).toEqual(['payment.approved']);
    expect(run.stdout).toContain(`payment.approved: /v1/payments/${id} stored in the fake API`);
    expect(run.stdout).toContain(`-> POST ${url}?data.id=${id}&type=payment`);
    expect(run.stdout).toMatch(/x-request-id: [0-9a-f-]{36}\n/);
    expect(run.stdout).toMatch(/x-signature: ts=\d{10},v1=[0-9a-f]{64}\n/);
    expect(run.stdout).toMatch(/<- 200 OK in \d+ ms\n/);
    expect(run.stdout).toContain('1 delivery, every answer 2xx');
    expect(run.stdout).not.toMatch(ANSI);
  });

  it('exits 1 naming the fake API and how to start it when nothing listens there', async () => {
    const closed = await serveOnLoopback(createApp(apiOptions(api)).app);
    await closed.close();
    const run = await runCliInProcess(
      ['trigger', 'payment.approved', '--url', url, '--api-url', closed.url],
      {
        env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET },
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the fake API at ${closed.url}`);
    expect(run.stderr).toContain('npx mercadopago-notifications fake-api');
  });

  it('prints the IPN copy and the resend, and colors the status only on a terminal', async () => {
    const colored = await runCliInProcess(
      [
        'trigger',
        'payment.pending,payment.approved',
        '--with-ipn',
        '--resend',
        '--url',
        url,
        '--api-url',
        api.url,
      ],
      { env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET }, isTTY: true },
    );
    expect(colored.code).toBe(0);
    expect(colored.stdout).toContain('\u001b[32m200 OK\u001b[0m');
    expect(colored.stdout.match(/: (Webhook|IPN copy|resend)\n/g)).toEqual([
      ': Webhook\n',
      ': IPN copy\n',
      ': resend\n',
      ': Webhook\n',
      ': IPN copy\n',
      ': resend\n',
    ]);
    expect(colored.stdout).toContain('6 deliveries, every answer 2xx');
    expect(test.events.map((event) => event.name)).toEqual(['payment.pending', 'payment.approved']);

    const noColor = await runCliInProcess(
      ['trigger', 'payment.approved', '--url', url, '--api-url', api.url],
      {
        env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET, NO_COLOR: '1' },
        isTTY: true,
      },
    );
    expect(noColor.stdout).not.toMatch(ANSI);
  });

  it('exits 1 and prints the answer body when an answer is not 2xx, never echoing the secret', async () => {
    const secret = 'wrong-secret-that-must-not-be-printed';
    const run = await runCliInProcess([
      'trigger',
      'chargeback.opened',
      '--url',
      url,
      '--api-url',
      api.url,
      '--secret',
      secret,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/<- 401 Unauthorized in \d+ ms\n {5}\{"error":\{"code":"SIGNATURE_MISMATCH"/);
    expect(run.stdout).toContain('1 of 1 answers were not 2xx');
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });

  it('prints the note of an event that needs another first, and uses --id', async () => {
    const id = '233000061680860999';
    const run = await runCliInProcess([
      'trigger',
      'chargeback.updated',
      '--id',
      id,
      '--url',
      url,
      '--api-url',
      api.url,
      '--secret',
      FIXTURE_SECRET,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^chargeback\.updated: a chargeback update follows its opening, so chargeback\.opened is sent first\n/,
    );
    expect(test.events.map((event) => [event.name, event.resourceId])).toEqual([
      ['chargeback.opened', id],
      ['chargeback.updated', id],
    ]);
  });

  it.each<[string, string[], Record<string, string>, RegExp]>([
    [
      'an unknown event',
      ['payment.aproved'],
      {},
      /^error: trigger: unknown event `payment.aproved`: did you mean `payment.approved`\?\n$/,
    ],
    [
      'a missing secret',
      ['payment.approved'],
      {},
      /^error: missing secret: pass --secret <secret> or set MP_WEBHOOK_SECRET/,
    ],
    [
      'a bad URL',
      ['payment.approved', '--secret', 's'],
      {},
      /`url` must be an http\(s\) URL, got "not-a-url"/,
    ],
    [
      'an IPN copy of a topic without one',
      ['agreement.cancelled', '--with-ipn'],
      { MP_WEBHOOK_SECRET: 's' },
      /no IPN copy of agreement.cancelled/,
    ],
  ])('exits 2 with one line for %s', async (_, args, env, message) => {
    const badUrl = args.includes('--secret');
    const run = await runCliInProcess(
      ['trigger', ...args, '--url', badUrl ? 'not-a-url' : url, '--api-url', api.url],
      {
        env,
      },
    );
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(api.requests).toEqual([]);
  });

  it('exits 2 when --url is missing, naming the option', async () => {
    const run = await runCliInProcess(['trigger', 'payment.approved']);
    expect(run).toMatchObject({
      code: 2,
      stderr: "error: required option '--url <endpoint>' not specified\n",
    });
  });
});

describe('send', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-cli-send-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Stores the approved payment of webhook-payment-created.json and writes the delivery file. */
  async function paymentDeliveryFile(): Promise<string> {
    const resource = loadResource('payment-approved');
    api.set(resourcePath(resource), resource.resource);
    const file = join(dir, 'payment.json');
    await writeFile(file, JSON.stringify(loadDelivery('webhook-payment-created')));
    return file;
  }

  it('re-signs the delivery with the given secret and exits 0 on a 2xx', async () => {
    const file = await paymentDeliveryFile();
    const run = await runCliInProcess(['send', file, '--url', url, '--secret', FIXTURE_SECRET]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`-> POST ${url}?data.id=138095816241&type=payment`);
    expect(run.stdout).toContain('x-request-id: b18ae5fc-c32d-4ed5-a771-ca8c2cc33bd5');
    expect(run.stdout).not.toContain('ts=1766237532'); // a fresh ts
    expect(test.events.map((event) => event.name)).toEqual(['payment.approved']);
  });

  it('exits 1 when re-signed with another secret, and sends the file’s signature with --keep-signature', async () => {
    const file = await paymentDeliveryFile();
    const resigned = await runCliInProcess(['send', file, '--url', url, '--secret', 'another-secret']);
    expect(resigned.code).toBe(1);
    expect(resigned.stdout).toContain('401 Unauthorized');
    const kept = await runCliInProcess(['send', file, '--url', url, '--keep-signature']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('ts=1766237532,v1=c42df7cc');
  });

  it('reads the delivery from stdin with -, keeping every digit of a raw body', async () => {
    const fixture = loadDelivery('webhook-chargebacks-wh');
    const resource = loadResource('chargeback');
    api.set(resourcePath(resource), JSON.stringify(resource.resource));
    const run = await runCliInProcess(['send', '-', '--url', url], {
      env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET },
      stdin: JSON.stringify(fixture),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"id":233000061680860123');
    expect(test.events.map((event) => [event.name, event.resourceId])).toEqual([
      ['chargeback.opened', '233000061680860123'],
    ]);
  });

  it('sends an IPN with its own signature and says why, with no secret needed', async () => {
    const resource = loadResource('payment-approved');
    // A later change than the other tests' deliveries of this payment, so the router does not dedupe it.
    api.set(resourcePath(resource), { ...resource.resource, date_last_updated: '2026-01-01T00:00:00.000Z' });
    const run = await runCliInProcess(['send', '-', '--url', url], {
      stdin: JSON.stringify(loadDelivery('ipn-payment-feed')),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('IPN delivery: sent with its own x-signature');
    expect(test.events.map((event) => [event.name, event.delivery.channel])).toEqual([
      ['payment.approved', 'ipn'],
    ]);
  });

  it.each<[string, string, RegExp]>([
    ['text that is not JSON', '{"path_query":', /^error: stdin is not JSON/],
    ['a JSON array', '[]', /stdin must hold one delivery object/],
    ['a header that is not a string', '{"headers":{"x-retry":0}}', /`headers.x-retry` must be a string/],
    [
      'a query that is not an object',
      '{"path_query":"data.id=1"}',
      /`path_query` must be an object of strings/,
    ],
    ['a raw_body that is not a string', '{"raw_body":{}}', /`raw_body` must be a string/],
  ])('exits 2 for %s', async (_, stdin, message) => {
    const run = await runCliInProcess(['send', '-', '--url', url, '--keep-signature'], { stdin });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 naming a file it cannot read, and asks for a secret before re-signing', async () => {
    const missing = await runCliInProcess(['send', join(dir, 'nope.json'), '--url', url]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('nope.json: ENOENT') });
    const file = await paymentDeliveryFile();
    const noSecret = await runCliInProcess(['send', file, '--url', url]);
    expect(noSecret).toMatchObject({ code: 2, stderr: expect.stringContaining('missing secret') });
  });
});

describe('sign', () => {
  it('prints the x-signature value signNotification computes', async () => {
    const run = await runCliInProcess(
      ['sign', '--data-id', '123', '--request-id', 'r-1', '--ts', '1766237532'],
      {
        env: { MP_WEBHOOK_SECRET: 's3cret' },
      },
    );
    const expected = signNotification({
      secret: 's3cret',
      dataId: '123',
      requestId: 'r-1',
      ts: '1766237532',
    });
    expect(run).toEqual({ code: 0, stdout: `${expected}\n`, stderr: '' });
  });

  it('signs without the parts left out, at the current time', async () => {
    const run = await runCliInProcess(['sign', '--secret', 's3cret']);
    const ts = /^ts=(\d+),/.exec(run.stdout)?.[1] ?? '';
    expect(run.stdout).toBe(`${signNotification({ secret: 's3cret', ts })}\n`);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(600);
  });

  it.each<[string[], RegExp]>([
    [['--ts', '17x'], /--ts must be digits/],
    [[], /missing secret/],
  ])('exits 2 for %j', async (args, message) => {
    const run = await runCliInProcess(['sign', '--data-id', '1', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe('fake-api', () => {
  it('serves seed resources on the printed URL until stopped, keeping every digit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-cli-seed-'));
    try {
      const chargeback = loadResource('chargeback');
      await writeFile(
        join(dir, 'chargeback.json'),
        JSON.stringify(chargeback).replace('"233000061680860123"', '233000061680860123'),
      );
      await writeFile(
        join(dir, 'order.json'),
        JSON.stringify({ endpoint: '/v1/orders/ORD1', resource: { id: 'ORD1' } }),
      );
      await writeFile(join(dir, 'notes.txt'), 'not a resource');
      let stop: () => void = () => undefined;
      let printed = '';
      let started: () => void = () => undefined;
      const listening = new Promise<void>((resolve) => (started = resolve));
      const run = runCliInProcess(['fake-api', '--port', '0', '--seed', dir], {
        stop: new Promise<void>((resolve) => (stop = resolve)),
        onStdout: (text) => {
          printed += text;
          if (printed.includes('Ctrl-C stops')) started();
        },
      });
      await listening;
      const apiUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] ?? '';
      expect(printed).toContain('serving /v1/chargebacks/233000061680860123');
      expect(printed).toContain('PUT    /_fake/resources?path=<api path>');
      const answer = await fetch(`${apiUrl}/v1/chargebacks/233000061680860123`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toMatch(/^\{"id":233000061680860123,/);
      const order = await fetch(`${apiUrl}/v1/orders/ORD1`, { headers: { authorization: 'Bearer any' } });
      expect(await order.json()).toEqual({ id: 'ORD1' });
      stop();
      expect(await run).toMatchObject({ code: 0, stderr: '' });
      await expect(fetch(`${apiUrl}/v1/orders/ORD1`)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each<[string, (dir: string) => Promise<string[]>, RegExp]>([
    ['a port out of range', async () => ['--port', '70000'], /--port must be 0..65535, got "70000"/],
    [
      'a seed directory that does not exist',
      async (dir) => ['--seed', join(dir, 'nope')],
      /cannot read the seed directory .*ENOENT/,
    ],
    [
      'a seed file that is not JSON',
      async (dir) => (await writeFile(join(dir, 'a.json'), '{'), ['--seed', dir]),
      /a\.json is not JSON/,
    ],
    [
      'a seed file without an endpoint',
      async (dir) => (await writeFile(join(dir, 'a.json'), '{"resource":{}}'), ['--seed', dir]),
      /a\.json must hold \{ "endpoint"/,
    ],
    [
      'a seed endpoint that is not a URL',
      async (dir) => (
        await writeFile(join(dir, 'a.json'), '{"endpoint":"GET api/x","resource":{}}'),
        ['--seed', dir]
      ),
      /a\.json must hold \{ "endpoint"/,
    ],
  ])('exits 2 for %s', async (_, args, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-cli-seed-'));
    try {
      const run = await runCliInProcess(['fake-api', '--port', '0', ...(await args(dir))]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 naming the port when it is taken', async () => {
    const port = new URL(api.url).port;
    const run = await runCliInProcess(['fake-api', '--port', port]);
    expect(run).toMatchObject({ code: 1, stderr: `error: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n` });
  });
});

describe('help and usage', () => {
  it.each(['trigger', 'send', 'fake-api', 'sign'])('prints help for %s and exits 0', async (command) => {
    const run = await runCliInProcess([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: mercadopago-notifications ${command} [options]`);
  });

  it('documents that --api-url defaults to the fake API’s default address', async () => {
    const run = await runCliInProcess(['trigger', '--help']);
    expect(run.stdout).toMatch(
      /--api-url <url> +the fake API your app reads resources from\s+\(default:\s+"http:\/\/127\.0\.0\.1:3999"\)/,
    );
  });

  it('suggests the closest command for a misspelled one and exits 2', async () => {
    const run = await runCliInProcess(['triger']);
    expect(run).toMatchObject({
      code: 2,
      stderr: "error: unknown command 'triger'\n(Did you mean trigger?)\n",
    });
  });

  it('prints the commands on stderr and exits 2 when none is given', async () => {
    const run = await runCliInProcess([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Commands:\n {2}trigger \[options\] <event>/);
  });
});
