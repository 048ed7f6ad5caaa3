import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parseJsonLossless, readRequestBody } from '../../src/body.js';
import { MercadoPagoNotificationError } from '../../src/errors.js';
import { loadDelivery } from '../helpers/fixtures.js';
import { sleep } from '../helpers/timing.js';

const LIMIT = 1024;
const CHARGEBACK_RAW = loadDelivery('webhook-chargebacks-wh').raw_body ?? '';

describe('parseJsonLossless', () => {
  it('keeps integers above 2^53 as strings with every digit', () => {
    expect(parseJsonLossless('{"id":233000061680860123,"list":[9007199254740993]}')).toEqual({
      id: '233000061680860123',
      list: ['9007199254740993'],
    });
  });

  it('keeps safe integers and decimals as numbers', () => {
    expect(parseJsonLossless('{"id":138095816241,"amount":10.5,"neg":-3,"max":9007199254740991}')).toEqual({
      id: 138095816241,
      amount: 10.5,
      neg: -3,
      max: Number.MAX_SAFE_INTEGER,
    });
  });

  it('keeps the chargeback fixture ids exact where JSON.parse rounds them', () => {
    const lossless = parseJsonLossless(CHARGEBACK_RAW) as { data: { id: unknown }; application_id: unknown };
    const rounded = JSON.parse(CHARGEBACK_RAW) as { data: { id: unknown } };
    expect(lossless.data.id).toBe('233000061680860123');
    expect(lossless.application_id).toBe('9007201037432481');
    expect(String(rounded.data.id)).not.toBe('233000061680860123');
  });

  it('parses strings, booleans, null and nesting like JSON.parse', () => {
    const text = '{"a":"x","b":true,"c":null,"d":[1,{"e":"f"}]}';
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['an empty text', ''],
    ['blanks', '  \n '],
    ['invalid JSON', '{"id":'],
    ['a form body', 'id=1&topic=payment'],
    ['trailing garbage', '{"id":1} x'],
  ])('returns undefined for %s', (_label, text) => {
    expect(parseJsonLossless(text)).toBeUndefined();
  });

  it('does not let a __proto__ key set the prototype', () => {
    const parsed = parseJsonLossless('{"__proto__":{"type":"payment"}}') as Record<string, unknown>;
    expect(parsed['type']).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

/** What the server side saw for one request. */
type Outcome = { ok: true; body: unknown } | { ok: false; error: unknown };

/** Long enough that no test here meets the body read timeout. */
const BODY_TIMEOUT_MS = 10_000;

let server: Server;
let port: number;
/** Each test installs the request handler it needs; the outcome of readRequestBody is captured below. */
let handle: (req: IncomingMessage, res: ServerResponse) => void;
let outcome: Promise<Outcome>;
let settleOutcome: (value: Outcome) => void;

function expectOutcome(): void {
  outcome = new Promise((resolve) => {
    settleOutcome = resolve;
  });
}

/** Calls readRequestBody on the real request and records what it gave, then answers. */
function readAndRecord(req: IncomingMessage, res: ServerResponse, limit = LIMIT): void {
  readRequestBody(req, { limitBytes: limit, timeoutMs: BODY_TIMEOUT_MS }).then(
    (body) => {
      settleOutcome({ ok: true, body });
      res.end('ok');
    },
    (error: unknown) => {
      settleOutcome({ ok: false, error });
      res.statusCode = 413;
      res.setHeader('connection', 'close');
      res.end();
    },
  );
}

beforeAll(async () => {
  server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  expectOutcome();
  handle = (req, res) => readAndRecord(req, res);
});

/** Sends a complete request and resolves with the response status. */
function post(body: string | Buffer, headers: Record<string, string | number> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/webhooks',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts a request, writes `first` and leaves it open; the caller destroys it. */
function openRequest(
  headers: Record<string, string | number>,
  first: string | Buffer,
): ReturnType<typeof request> {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks', headers });
  req.on('error', () => undefined);
  req.on('response', (res) => res.resume());
  req.flushHeaders();
  if (first.length > 0) req.write(first);
  return req;
}

/** Fails the test instead of hanging when the server never settles. */
async function outcomeWithin(ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readRequestBody did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function expectFailure(result: Outcome, code: string, status: number): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(MercadoPagoNotificationError);
  expect((result.error as MercadoPagoNotificationError).code).toBe(code);
  expect((result.error as MercadoPagoNotificationError).status).toBe(status);
}

describe('readRequestBody from the stream', () => {
  it('parses a JSON body without losing the digits of big integers', async () => {
    await post(CHARGEBACK_RAW);
    const result = await outcomeWithin(2000);
    expect(result).toMatchObject({ ok: true });
    const body = (result as { body: { data: { id: unknown; payment_id: unknown } } }).body;
    expect(body.data.id).toBe('233000061680860123');
    expect(body.data.payment_id).toBe(81968653106);
  });

  it('returns undefined for a body that is not JSON', async () => {
    await post('id=1&topic=payment', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: undefined });
  });

  it('returns undefined for an empty body', async () => {
    await post('');
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: undefined });
  });

  it('accepts a body of exactly the limit', async () => {
    const text = JSON.stringify({ pad: 'x'.repeat(LIMIT - 10) });
    expect(Buffer.byteLength(text)).toBe(LIMIT);
    await post(text);
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: { pad: 'x'.repeat(LIMIT - 10) } });
  });

  it('reads a UTF-8 body split across chunks', async () => {
    const text = Buffer.from(JSON.stringify({ name: 'Pagó €5 😀' }));
    const req = openRequest(
      { 'content-type': 'application/json', 'content-length': text.length },
      text.subarray(0, 12),
    );
    await sleep(20);
    req.end(text.subarray(12));
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: { name: 'Pagó €5 😀' } });
  });

  it('drops a leading UTF-8 byte order mark', async () => {
    await post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"1"}')]));
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: { id: '1' } });
  });

  it('reads invalid UTF-8 bytes as replacement characters', async () => {
    await post(Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]));
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: { name: '\ufffd(' } });
  });

  it.each([
    [
      'throws BODY_TOO_LARGE from Content-Length without waiting for the body',
      { 'content-length': LIMIT * 1000 },
      '{"a":',
    ],
    [
      'throws BODY_TOO_LARGE as soon as a chunked body crosses the limit',
      { 'transfer-encoding': 'chunked' },
      'x'.repeat(LIMIT + 1),
    ],
  ])('%s', async (_title, headers, first) => {
    const req = openRequest({ 'content-type': 'application/json', ...headers }, first);
    try {
      const result = await outcomeWithin(1000);
      expectFailure(result, 'BODY_TOO_LARGE', 413);
    } finally {
      req.destroy();
    }
  });

  it('throws BODY_UNREADABLE when the client aborts mid-body', async () => {
    const req = openRequest({ 'content-type': 'application/json', 'content-length': 200 }, '{"partial":');
    await sleep(20);
    req.destroy();
    const result = await outcomeWithin(2000);
    expectFailure(result, 'BODY_UNREADABLE', 400);
  });

  it('resolves at once, without hanging, when the stream was already consumed', async () => {
    handle = (req, res) => {
      req.resume();
      req.on('end', () => readAndRecord(req, res));
    };
    await post('{"id":1}');
    expect(await outcomeWithin(1000)).toMatchObject({ ok: true, body: undefined });
  });
});

describe('readRequestBody after a body parser', () => {
  /** Mounts `parser` then records what readRequestBody gives, and what the parser had left on req.body. */
  function behind(parser: express.RequestHandler): { leftBody: () => unknown } {
    let left: unknown;
    const app = express();
    app.use(parser);
    app.use((req, res) => {
      left = (req as { body?: unknown }).body;
      readAndRecord(req, res);
    });
    handle = (req, res) => void app(req, res);
    return { leftBody: () => left };
  }

  it('uses the object express.json() already parsed, as is', async () => {
    const { leftBody } = behind(express.json());
    await post('{"type":"payment","data":{"id":"1"}}');
    const result = await outcomeWithin(2000);
    expect(result).toMatchObject({ ok: true, body: { type: 'payment', data: { id: '1' } } });
    expect((result as { body: unknown }).body).toBe(leftBody());
  });

  it('parses a string left by express.text() losslessly', async () => {
    behind(express.text({ type: '*/*' }));
    await post(CHARGEBACK_RAW);
    const result = await outcomeWithin(2000);
    expect((result as { body: { data: { id: unknown } } }).body.data.id).toBe('233000061680860123');
  });

  it('parses a Buffer left by express.raw() losslessly', async () => {
    behind(express.raw({ type: '*/*' }));
    await post(CHARGEBACK_RAW);
    const result = await outcomeWithin(2000);
    expect((result as { body: { data: { id: unknown } } }).body.data.id).toBe('233000061680860123');
  });

  it('returns undefined for a string body that is not JSON', async () => {
    behind(express.text({ type: '*/*' }));
    await post('not json');
    expect(await outcomeWithin(2000)).toMatchObject({ ok: true, body: undefined });
  });

  it('reads the stream itself when express.json() skipped another content type', async () => {
    behind(express.json());
    await post(CHARGEBACK_RAW, { 'content-type': 'text/plain' });
    const result = await outcomeWithin(2000);
    expect((result as { body: { data: { id: unknown } } }).body.data.id).toBe('233000061680860123');
  });
});
