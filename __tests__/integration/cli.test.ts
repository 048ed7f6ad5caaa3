// The CLI's commands run in this process (runCli with captured streams) against a real router served on
// 127.0.0.1 and the real fake API. cli-process.test.ts runs the bin as a real process.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_NAMES, signNotification } from '../../src/index.js';
import { createApp, serveOnLoopback, type ServedApp, type TestApp } from '../helpers/app.js';
import { PACKAGE_VERSION, runCliInProcess } from '../helpers/cli.js';
import { TOKEN, apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery, loadResource, resourcePath } from '../helpers/fixtures.js';

// eslint-disable-next-line no-control-regex -- the point is to find escape sequences
const ANSI = /\u001b\[/;
/** `text` as a terminal shows it in green (the CLI's color for a 2xx). */
const green = (text: string): string => `\u001b[32m${text}\u001b[0m`;
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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

/** `trigger <args> --url <the test app> --api-url <the fake API>`, signed with the fixture secret. */
const triggerArgs = (...args: string[]): string[] => ['trigger', ...args, '--url', url, '--api-url', api.url];
const SIGNED = { env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET } };
const SEE_TRIGGER_HELP = 'see `mercadopago-notifications trigger --help`\n';

describe('trigger', () => {
  it('prints the stored resource, each request and each answer on a terminal, and the summary on stderr', async () => {
    const run = await runCliInProcess(triggerArgs('payment.approved'), { ...SIGNED, isTTY: true });
    expect(run).toMatchObject({ code: 0, stderr: '1 delivery, every answer 2xx\n' });
    const id = test.events[0]?.resourceId ?? 'none';
    expect(test.events.map((event) => event.name)).toEqual(['payment.approved']);
    expect(run.stdout).toContain(`payment.approved: /v1/payments/${id} stored in the fake API`);
    expect(run.stdout).toContain(`-> POST ${url}?data.id=${id}&type=payment`);
    expect(run.stdout).toMatch(/x-request-id: [0-9a-f-]{36}/);
    expect(run.stdout).toMatch(/x-signature: ts=\d{10},v1=[0-9a-f]{64}/);
    expect(run.stdout).toMatch(new RegExp(`<- ${escape(green('200 OK'))} in \\d+ ms\\n`));
  });

  it('prints one line per delivery (status, event, kind, time) when stdout is not a terminal', async () => {
    const run = await runCliInProcess(
      triggerArgs('payment.pending,payment.approved', '--with-ipn', '--resend'),
      SIGNED,
    );
    expect(run).toMatchObject({ code: 0, stderr: '6 deliveries, every answer 2xx\n' });
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(/^200 {2}payment\.pending +Webhook +\d+ ms$/),
      expect.stringMatching(/^200 {2}payment\.pending +IPN copy +\d+ ms$/),
      expect.stringMatching(/^200 {2}payment\.pending +resend +\d+ ms$/),
      expect.stringMatching(/^200 {2}payment\.approved +Webhook +\d+ ms$/),
      expect.stringMatching(/^200 {2}payment\.approved +IPN copy +\d+ ms$/),
      expect.stringMatching(/^200 {2}payment\.approved +resend +\d+ ms$/),
      '',
    ]);
    expect(test.events.map((event) => event.name)).toEqual(['payment.pending', 'payment.approved']);
  });

  it('prints one line per delivery with --quiet on a terminal too, and the full exchange with --verbose in a pipe', async () => {
    const quiet = await runCliInProcess(triggerArgs('payment.approved', '--quiet'), {
      ...SIGNED,
      isTTY: true,
    });
    expect(quiet.stdout).toMatch(
      new RegExp(`^${escape(green('200'))} {2}payment\\.approved +Webhook +\\d+ ms\\n$`),
    );
    const verbose = await runCliInProcess(triggerArgs('payment.approved', '--verbose'), SIGNED);
    expect(verbose.stdout).toMatch(/<- 200 OK in \d+ ms\n/);
    expect(verbose.stdout).not.toMatch(ANSI);
  });

  it('prints one JSON object per delivery with --json, stdout holding nothing else', async () => {
    const run = await runCliInProcess(triggerArgs('payment.approved', '--with-ipn', '--json'), SIGNED);
    expect(run).toMatchObject({ code: 0, stderr: '2 deliveries, every answer 2xx\n' });
    const lines = run.stdout.trimEnd().split('\n');
    const id = test.events[0]?.resourceId ?? 'none';
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        event: 'payment.approved',
        kind: 'webhook',
        method: 'POST',
        url: `${url}?data.id=${id}&type=payment`,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 200,
        ms: expect.any(Number),
        error: null,
      },
      expect.objectContaining({ event: 'payment.approved', kind: 'ipn', status: 200, error: null }),
    ]);
  });

  it('colors the status only on a terminal without NO_COLOR', async () => {
    const noColor = await runCliInProcess(triggerArgs('payment.approved', '--verbose'), {
      env: { MP_WEBHOOK_SECRET: FIXTURE_SECRET, NO_COLOR: '1' },
      isTTY: true,
    });
    expect(noColor.stdout).toMatch(/<- 200 OK in/);
    expect(noColor.stdout).not.toMatch(ANSI);
  });

  it('exits 1 naming the fake API, the network error and how to start it when nothing listens there', async () => {
    const closed = await serveOnLoopback(createApp(apiOptions(api)).app);
    await closed.close();
    const run = await runCliInProcess(
      ['trigger', 'payment.approved', '--url', url, '--api-url', closed.url],
      SIGNED,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the fake API at ${closed.url} (connect ECONNREFUSED`);
    expect(run.stderr).toContain('npx mercadopago-notifications fake-api');
  });

  it('exits 1 showing the network error when the app does not listen at --url', async () => {
    const closed = await serveOnLoopback(createApp(apiOptions(api)).app);
    await closed.close();
    const run = await runCliInProcess(
      ['trigger', 'payment.approved', '--url', `${closed.url}/mp/webhooks`, '--api-url', api.url],
      SIGNED,
    );
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(
      /^error: POST http:\/\/127\.0\.0\.1:\d+\/mp\/webhooks\?data\.id=\d+&type=payment failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\. Is your app listening there\?\n$/,
    );
  });

  it('exits 1 on a 404 from the app, with the page as one line and one hint naming the router paths', async () => {
    const wrong = `${served.url}/mp/webhook`;
    const run = await runCliInProcess(
      ['trigger', 'chargeback.updated', '--url', wrong, '--api-url', api.url, '--verbose'],
      SIGNED,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('     Cannot POST /mp/webhook\n');
    expect(run.stdout).not.toContain('<html');
    const hints = run.stderr.split('\n').filter((line) => line.startsWith('hint: '));
    expect(hints).toEqual([
      `hint: nothing answered POST /mp/webhook. The router answers POST on <mount>/webhooks, <mount>/ipn and <mount>/wallet-connect (or the \`paths\` you gave it), where <mount> is the path given to app.use(): app.use('/mercadopago', mp) -> --url ${served.url}/mercadopago/webhooks`,
    ]);
    expect(run.stderr).toContain('2 of 2 answers were not 2xx');
  });

  it('hints at apiBaseUrl when the router answers 404 RESOURCE_NOT_FOUND', async () => {
    const other = await serveOnLoopback(
      createApp(apiOptions(api, { apiBaseUrl: `${api.url}/elsewhere` })).app,
    );
    try {
      const run = await runCliInProcess(
        ['trigger', 'payment.approved', '--url', `${other.url}/mp/webhooks`, '--api-url', api.url],
        SIGNED,
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^404 {2}payment\.approved +Webhook +\d+ ms {2}RESOURCE_NOT_FOUND\n$/);
      expect(run.stderr).toContain('hint: the router could not read the resource from the API');
    } finally {
      await other.close();
    }
  });

  it('exits 1 and prints the refusal when an answer is not 2xx, never echoing the secret', async () => {
    const secret = 'wrong-secret-that-must-not-be-printed';
    const run = await runCliInProcess(triggerArgs('chargeback.opened', '--secret', secret, '--verbose'));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /<- 401 Unauthorized in \d+ ms\n {5}SIGNATURE_MISMATCH: x-signature does not match this delivery\n/,
    );
    expect(run.stderr).toBe('1 of 1 answers were not 2xx\n');
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });

  it('prints the note of an event that needs another first on stderr, and uses --id', async () => {
    const id = '233000061680860999';
    const run = await runCliInProcess(triggerArgs('chargeback.updated', '--id', id), SIGNED);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'chargeback.updated: a chargeback update follows its opening, so chargeback.opened is sent first\n' +
        '2 deliveries, every answer 2xx\n',
    );
    expect(test.events.map((event) => [event.name, event.resourceId])).toEqual([
      ['chargeback.opened', id],
      ['chargeback.updated', id],
    ]);
  });

  it.each<[string, string[], Record<string, string>, string]>([
    [
      'an unknown event',
      ['payment.aproved', '--url', 'http://127.0.0.1:9/x'],
      {},
      'error: trigger: unknown event `payment.aproved`: did you mean `payment.approved`?\n',
    ],
    [
      'a misspelled topic',
      ['paymnt', '--url', 'http://127.0.0.1:9/x'],
      {},
      'error: trigger: unknown event `paymnt`: did you mean an event of the topic `payment`? (payment.pending, payment.approved, payment.authorized, payment.in_process, payment.in_mediation, payment.rejected, payment.cancelled, payment.refunded, payment.charged_back)\n',
    ],
    [
      'a topic instead of an event',
      ['claim', '--url', 'http://127.0.0.1:9/x'],
      {},
      'error: trigger: `claim` is a topic, not an event: name one of its events (claim.opened, claim.closed)\n',
    ],
    [
      'a missing event',
      ['--url', 'http://127.0.0.1:9/x'],
      {},
      'error: missing <event>: name one, e.g. payment.approved (`trigger --list` shows them all)\n',
    ],
    [
      'a missing --url',
      ['payment.approved'],
      {},
      "error: missing required option --url <endpoint>: your router's endpoint, e.g. http://127.0.0.1:3000/mercadopago/webhooks\n",
    ],
    [
      'a URL without its scheme',
      ['payment.approved', '--url', 'localhost:4711/mp/webhooks'],
      {},
      'error: --url must be an http(s) URL, got "localhost:4711/mp/webhooks": add the scheme, e.g. http://localhost:4711/mp/webhooks\n',
    ],
    [
      'a bad --api-url',
      ['payment.approved', '--url', 'http://127.0.0.1:9/x', '--api-url', 'ftp://x'],
      {},
      'error: --api-url must be an http(s) URL, got "ftp://x"\n',
    ],
    [
      'a missing secret',
      ['payment.approved', '--url', 'http://127.0.0.1:9/x'],
      {},
      'error: missing secret: pass --secret <secret> or set MP_WEBHOOK_SECRET to the secret signature your app verifies with\n',
    ],
    [
      'an IPN copy of a topic without one',
      ['agreement.cancelled', '--with-ipn', '--url', 'http://127.0.0.1:9/x'],
      { MP_WEBHOOK_SECRET: 's' },
      'error: trigger: Mercado Pago sends no IPN copy of agreement.cancelled (topic wallet_connect)\n',
    ],
    [
      'two output modes',
      ['payment.approved', '--json', '--quiet'],
      {},
      "error: option '-q, --quiet' cannot be used with option '--json'\n",
    ],
    [
      'an unknown option',
      ['payment.approved', '--wiht-ipn'],
      {},
      "error: unknown option '--wiht-ipn'\n(Did you mean --with-ipn?)\n",
    ],
  ])('exits 2 for %s, pointing to trigger --help and sending nothing', async (_, args, env, message) => {
    const run = await runCliInProcess(['trigger', ...args], { env });
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${message}${SEE_TRIGGER_HELP}` });
    expect(api.requests).toEqual([]);
  });

  it('lists every event once, grouped by topic, with what it stores and sends', async () => {
    const run = await runCliInProcess(['trigger', '--list']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    const listed = lines.filter((line) => line.startsWith('  ')).map((line) => line.trim().split(/\s+/)[0]);
    expect(listed).toEqual([...EVENT_NAMES]);
    expect(lines).toContain(
      'chargeback: Webhook type=topic_chargebacks_wh, stores /v1/chargebacks/{id}, --with-ipn: IPN topic=chargebacks',
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}payment\.approved +status=approved status_detail=accredited$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}chargeback\.updated +documentation_status=review_pending \(sends chargeback\.opened first\)$/,
      ),
    );
    expect(lines).toContain(
      'application: Webhook type=mp-connect, nothing stored (no API read), no IPN copy',
    );
  });

  it('lists the events as JSON with --list --json', async () => {
    const run = await runCliInProcess(['trigger', '--list', '--json']);
    const topics = JSON.parse(run.stdout) as Array<{ topic: string; events: Array<{ name: string }> }>;
    expect(topics.flatMap((topic) => topic.events.map((event) => event.name))).toEqual([...EVENT_NAMES]);
    expect(topics[0]).toMatchObject({
      topic: 'payment',
      type: 'payment',
      resourcePath: '/v1/payments/{id}',
      ipnTopic: 'payment',
    });
  });

  it('names every event of every topic in trigger --help', async () => {
    const run = await runCliInProcess(['trigger', '--help']);
    const help = run.stdout.slice(run.stdout.indexOf('Events ('));
    for (const name of EVENT_NAMES) {
      const [topic = '', action = ''] = name.split('.');
      const block = new RegExp(`\\n  ${topic} +(?:[a-z_ ]+\\n {24})*[a-z_ ]*\\b${action}\\b`);
      expect({ name, listed: block.test(help) }).toEqual({ name, listed: true });
    }
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
    const run = await runCliInProcess(['send', file, '--url', url, '--secret', FIXTURE_SECRET, '--verbose']);
    expect(run).toMatchObject({ code: 0, stderr: '1 delivery, every answer 2xx\n' });
    expect(run.stdout).toContain(`-> POST ${url}?data.id=138095816241&type=payment`);
    expect(run.stdout).toContain('x-request-id: b18ae5fc-c32d-4ed5-a771-ca8c2cc33bd5');
    expect(run.stdout).not.toContain('ts=1766237532'); // a fresh ts
    expect(test.events.map((event) => event.name)).toEqual(['payment.approved']);
  });

  it('exits 1 when re-signed with another secret, and sends the file’s signature with --keep-signature', async () => {
    const file = await paymentDeliveryFile();
    const resigned = await runCliInProcess(['send', file, '--url', url, '--secret', 'another-secret']);
    expect(resigned).toMatchObject({ code: 1, stderr: '1 of 1 answers were not 2xx\n' });
    expect(resigned.stdout).toMatch(/^401 {2}payment +delivery +\d+ ms {2}SIGNATURE_MISMATCH\n$/);
    const kept = await runCliInProcess(['send', file, '--url', url, '--keep-signature', '--verbose']);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('ts=1766237532,v1=c42df7cc');
  });

  it('reads the delivery from stdin with -, keeping every digit of a raw body', async () => {
    const fixture = loadDelivery('webhook-chargebacks-wh');
    const resource = loadResource('chargeback');
    api.set(resourcePath(resource), JSON.stringify(resource.resource));
    const run = await runCliInProcess(['send', '-', '--url', url, '--verbose'], {
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
    expect(run.stderr).toContain('IPN delivery: sent with its own x-signature');
    expect(run.stdout).toMatch(/^200 {2}payment +delivery +\d+ ms\n$/);
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
    [
      'nothing at all',
      '',
      /^error: stdin is empty: give one delivery as JSON \(path_query, headers, body\)\n/,
    ],
    ['blank lines', '\n  \n', /^error: stdin is empty/],
    [
      'a misspelled field',
      '{"path_querry":{"data.id":"1","type":"payment"}}',
      /^error: stdin: unknown field `path_querry`: did you mean `path_query`\? \(fields: description, method, path_query, headers, body, raw_body, meta\)\n/,
    ],
    [
      'another method',
      '{"method":"GET","path_query":{"data.id":"1","type":"payment"}}',
      /`method` must be "POST"/,
    ],
    [
      'an object that is no delivery',
      '{"path_query":{"foo":"1"},"body":{"hello":"world"}}',
      /^error: stdin is not a delivery the router would accept: not a Mercado Pago delivery: no topic in the query/,
    ],
    [
      'a resource id the router refuses',
      '{"path_query":{"data.id":"../etc","type":"payment"}}',
      /is not a delivery the router would accept: .*unexpected characters/,
    ],
  ])('exits 2 for %s, before sending anything', async (_, stdin, message) => {
    const run = await runCliInProcess(['send', '-', '--url', url, '--keep-signature'], { stdin });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/see `mercadopago-notifications send --help`\n$/);
    expect(test.events).toEqual([]);
  });

  it('exits 2 for a --url without its scheme before reading the delivery', async () => {
    const run = await runCliInProcess(['send', '-', '--url', '127.0.0.1:3000/mp/webhooks'], { stdin: '' });
    expect(run.stderr).toBe(
      'error: --url must be an http(s) URL, got "127.0.0.1:3000/mp/webhooks": add the scheme, e.g. http://127.0.0.1:3000/mp/webhooks\n' +
        'see `mercadopago-notifications send --help`\n',
    );
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
      expect(await run).toMatchObject({ code: 0, stderr: 'Fake API stopped.\n' });
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

  it.each([['--version'], ['-v']])('prints the package version for %s and exits 0', async (flag) => {
    expect(await runCliInProcess([flag])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });

  it.each([
    ['send', ['send', 'a.json'], "error: required option '--url <endpoint>' not specified\n"],
    ['sign', ['sign', '--ts', 'now'], 'error: --ts must be digits (seconds or milliseconds), got "now"\n'],
    ['fake-api', ['fake-api', '--port', '-1'], 'error: --port must be 0..65535, got "-1"\n'],
  ])('ends every usage error of %s with where to read its usage', async (command, args, message) => {
    const run = await runCliInProcess(args);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `${message}see \`mercadopago-notifications ${command} --help\`\n`,
    });
  });

  it('marks the required option of trigger and send in their help', async () => {
    for (const command of ['trigger', 'send']) {
      const run = await runCliInProcess([command, '--help']);
      expect(run.stdout).toMatch(/--url <endpoint> +\(required\) your router's endpoint/);
    }
  });

  it('suggests the closest command for a misspelled one and exits 2', async () => {
    const run = await runCliInProcess(['triger']);
    expect(run).toMatchObject({
      code: 2,
      stderr:
        "error: unknown command 'triger'\n(Did you mean trigger?)\nsee `mercadopago-notifications --help`\n",
    });
  });

  it('prints the commands on stderr and exits 2 when none is given', async () => {
    const run = await runCliInProcess([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Commands:\n {2}trigger \[options\] \[event\]/);
  });
});
