import { startFakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import type { FakeApiFault, FakeMercadoPagoApi } from '../../src/testing/fake-api.js';

const TOKEN = 'TEST-0000000000000000-000000-00000000000000000000000000000000-000000000';
const PAYMENT_PATH = '/v1/payments/138095816241';
const PAYMENT = { id: 138095816241, status: 'approved', status_detail: 'accredited' };
const CHARGEBACK_PATH = '/v1/chargebacks/233000061680860123';
const CHARGEBACK_TEXT = '{"id":233000061680860123}';

let api: FakeMercadoPagoApi;

beforeEach(async () => {
  api = await startFakeMercadoPagoApi({ resources: { [PAYMENT_PATH]: PAYMENT } });
});

afterEach(async () => {
  await api.close();
});

function get(path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(api.url + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

function control(method: string, route: string, body?: string): Promise<Response> {
  return fetch(api.url + route, { method, ...(body === undefined ? {} : { body }) });
}

function resourcesRoute(path: string): string {
  return `/_fake/resources?path=${encodeURIComponent(path)}`;
}

/** The Mercado Pago API error shape, as the fake answers it. */
function apiError(status: number, error: string, message: string) {
  return { message, error, status, cause: [] };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('serving resources', () => {
  it('answers 200 application/json with the stored resource', async () => {
    const res = await get(PAYMENT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(PAYMENT);
  });

  it('listens on 127.0.0.1 and reports its URL', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 404 with the API error shape when the path is unknown', async () => {
    const res = await get('/v1/payments/1');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(apiError(404, 'not_found', 'resource not found'));
  });

  it('matches the path exactly, ignoring the query string', async () => {
    expect((await get(`${PAYMENT_PATH}?access_token=x`)).status).toBe(200);
    expect((await get(`${PAYMENT_PATH}/`)).status).toBe(404);
    expect((await get('/v1/payments/13809581624')).status).toBe(404);
  });

  it('serves a string resource byte for byte, keeping ids above 2^53', async () => {
    api.set(CHARGEBACK_PATH, CHARGEBACK_TEXT);
    const res = await get(CHARGEBACK_PATH);
    expect(await res.text()).toBe(CHARGEBACK_TEXT);
    expect(res.headers.get('content-length')).toBe(String(CHARGEBACK_TEXT.length));
  });

  it('serves string resources given at start verbatim', async () => {
    await api.close();
    api = await startFakeMercadoPagoApi({ resources: { [CHARGEBACK_PATH]: CHARGEBACK_TEXT } });
    expect(await (await get(CHARGEBACK_PATH)).text()).toBe(CHARGEBACK_TEXT);
  });

  it('serves the replacement after set() and 404 after remove()', async () => {
    api.set(PAYMENT_PATH, { ...PAYMENT, status: 'refunded' });
    expect(await (await get(PAYMENT_PATH)).json()).toMatchObject({ status: 'refunded' });
    api.remove(PAYMENT_PATH);
    expect((await get(PAYMENT_PATH)).status).toBe(404);
  });

  it('answers 405 with the API error shape to methods other than GET', async () => {
    const res = await fetch(api.url + PAYMENT_PATH, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"status":"cancelled"}',
    });
    expect(res.status).toBe(405);
    expect(await res.json()).toMatchObject({ error: 'method_not_allowed', status: 405, cause: [] });
    expect(await (await get(PAYMENT_PATH)).json()).toEqual(PAYMENT);
  });
});

describe('authorization', () => {
  it('answers 401 invalid_token when the Authorization header is missing', async () => {
    const res = await get(PAYMENT_PATH, null);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'invalid_token', status: 401 });
  });

  it('answers 401 when the Authorization header is not a bearer token', async () => {
    const res = await fetch(api.url + PAYMENT_PATH, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(res.status).toBe(401);
  });

  it('accepts any bearer token when accessTokens is not set', async () => {
    expect((await get(PAYMENT_PATH, 'anything')).status).toBe(200);
  });

  it('answers 401 invalid_token to a token outside accessTokens and 200 to a listed one', async () => {
    await api.close();
    api = await startFakeMercadoPagoApi({ resources: { [PAYMENT_PATH]: PAYMENT }, accessTokens: [TOKEN] });
    const denied = await get(PAYMENT_PATH, 'APP_USR-other');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ message: 'invalid_token', status: 401 });
    expect((await get(PAYMENT_PATH, TOKEN)).status).toBe(200);
  });

  it('leaves queued faults for authorized reads when a read is unauthorized', async () => {
    api.fail(PAYMENT_PATH, { status: 500 });
    expect((await get(PAYMENT_PATH, null)).status).toBe(401);
    expect((await get(PAYMENT_PATH)).status).toBe(500);
  });
});

describe('faults', () => {
  it('answers the fault status with its headers and the API error shape as body', async () => {
    api.fail(PAYMENT_PATH, { status: 429, headers: { 'Retry-After': '2' } });
    const res = await get(PAYMENT_PATH);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual(apiError(429, 'too_many_requests', 'Too Many Requests'));
  });

  it('answers the fault body when one is given', async () => {
    const body = apiError(401, 'unauthorized', 'invalid_credentials');
    api.fail(PAYMENT_PATH, { status: 401, body });
    expect(await (await get(PAYMENT_PATH)).json()).toEqual(body);
  });

  it('answers normally only after the delay, while other paths answer at once', async () => {
    api.fail(PAYMENT_PATH, { delayMs: 300 });
    api.set(CHARGEBACK_PATH, CHARGEBACK_TEXT);
    let settled = false;
    const delayed = get(PAYMENT_PATH).finally(() => {
      settled = true;
    });
    expect((await get(CHARGEBACK_PATH)).status).toBe(200);
    expect(settled).toBe(false);
    const res = await delayed;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(PAYMENT);
  });

  it('destroys the socket without answering on reset, so fetch rejects', async () => {
    api.fail(PAYMENT_PATH, 'reset');
    await expect(get(PAYMENT_PATH)).rejects.toThrow('fetch failed');
    expect(api.requests).toEqual([expect.objectContaining({ path: PAYMENT_PATH, status: 0 })]);
  });

  it('answers 200 application/json with a body that is not JSON on malformed-json', async () => {
    api.fail(PAYMENT_PATH, 'malformed-json');
    const res = await get(PAYMENT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    await expect(res.json()).rejects.toThrow(/JSON/);
  });

  it('consumes queued faults in order, one per GET, then serves the resource again', async () => {
    api.fail(PAYMENT_PATH, { status: 500 }, { status: 503 });
    api.fail(PAYMENT_PATH, 'malformed-json');
    const statuses: number[] = [];
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await get(PAYMENT_PATH);
      statuses.push(res.status);
      bodies.push(await res.text());
    }
    expect(statuses).toEqual([500, 503, 200, 200]);
    expect(() => JSON.parse(bodies[2] ?? '')).toThrow(SyntaxError);
    expect(JSON.parse(bodies[3] ?? '')).toEqual(PAYMENT);
    expect(api.readsOf(PAYMENT_PATH)).toBe(4);
  });

  it('applies faults only to the path they were queued for', async () => {
    api.set(CHARGEBACK_PATH, CHARGEBACK_TEXT);
    api.fail(CHARGEBACK_PATH, { status: 500 });
    expect((await get(PAYMENT_PATH)).status).toBe(200);
    expect((await get(CHARGEBACK_PATH)).status).toBe(500);
  });

  it('answers a fault on a path that has no resource', async () => {
    api.fail('/v1/payments/1', { status: 502 });
    expect((await get('/v1/payments/1')).status).toBe(502);
    expect((await get('/v1/payments/1')).status).toBe(404);
  });

  const badFaults: [string, unknown][] = [
    ['an unknown string', 'timeout'],
    ['a status below 200', { status: 99 }],
    ['a status above 599', { status: 600 }],
    ['a fractional status', { status: 500.5 }],
    ['a negative delay', { delayMs: -1 }],
    ['a delay past setTimeout range', { delayMs: 2 ** 31 }],
    ['headers that are not an object', { status: 500, headers: 'retry-after: 2' }],
    ['a header that is not a string', { status: 500, headers: { 'retry-after': 2 } }],
    ['an invalid header name', { status: 500, headers: { 'retry after': '2' } }],
    ['a header value with a newline', { status: 500, headers: { 'retry-after': '2\r\nx: y' } }],
    ['a string body that is not JSON', { status: 500, body: 'oops' }],
    ['null', null],
  ];
  it.each(badFaults)('throws a TypeError and queues nothing for %s', (_, fault) => {
    expect(() => api.fail(PAYMENT_PATH, { status: 500 }, fault as FakeApiFault)).toThrow(TypeError);
    return expect(get(PAYMENT_PATH).then((res) => res.status)).resolves.toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, query, token and status of every API request in order', async () => {
    await get(`${PAYMENT_PATH}?x=1&y=2`);
    await get('/v1/payments/1', null);
    expect(api.requests).toEqual([
      { method: 'GET', path: PAYMENT_PATH, query: 'x=1&y=2', token: TOKEN, status: 200 },
      { method: 'GET', path: '/v1/payments/1', query: '', token: undefined, status: 401 },
    ]);
  });

  it('is a live view that grows as requests arrive', async () => {
    const log = api.requests;
    await get(PAYMENT_PATH);
    expect(log).toHaveLength(1);
  });

  it('counts GETs of a path in readsOf, faulted and unauthorized ones included, other methods excluded', async () => {
    api.fail(PAYMENT_PATH, { status: 500 });
    await get(PAYMENT_PATH);
    await get(PAYMENT_PATH, null);
    await get(`${PAYMENT_PATH}?q=1`);
    await fetch(api.url + PAYMENT_PATH, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.readsOf(PAYMENT_PATH)).toBe(3);
    expect(api.readsOf('/v1/payments/1')).toBe(0);
  });

  it('clears resources, faults and the log on reset(), keeping the live view', async () => {
    const log = api.requests;
    api.fail(PAYMENT_PATH, { status: 500 });
    await get('/v1/payments/1');
    api.reset();
    expect(log).toHaveLength(0);
    api.set(PAYMENT_PATH, PAYMENT);
    expect((await get(PAYMENT_PATH)).status).toBe(200);
    expect(log).toHaveLength(1);
  });
});

describe('control API', () => {
  it('round-trips a resource: PUT stores the text verbatim, GET serves it, DELETE removes it', async () => {
    const put = await control('PUT', resourcesRoute(CHARGEBACK_PATH), CHARGEBACK_TEXT);
    expect(put.status).toBe(204);
    expect(await (await get(CHARGEBACK_PATH)).text()).toBe(CHARGEBACK_TEXT);
    expect((await control('DELETE', resourcesRoute(CHARGEBACK_PATH))).status).toBe(204);
    expect((await get(CHARGEBACK_PATH)).status).toBe(404);
  });

  it('queues faults posted as a JSON array', async () => {
    const faults: FakeApiFault[] = [{ status: 503, headers: { 'retry-after': '1' } }, 'malformed-json'];
    const posted = await control(
      'POST',
      `/_fake/faults?path=${encodeURIComponent(PAYMENT_PATH)}`,
      JSON.stringify(faults),
    );
    expect(posted.status).toBe(204);
    const first = await get(PAYMENT_PATH);
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '1']);
    await expect((await get(PAYMENT_PATH)).json()).rejects.toThrow(/JSON/);
    expect((await get(PAYMENT_PATH)).status).toBe(200);
  });

  it('lists requests with tokens redacted, leaving control routes out', async () => {
    await get(`${PAYMENT_PATH}?a=b`);
    await get(PAYMENT_PATH, null);
    const res = await control('GET', '/_fake/requests');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { method: 'GET', path: PAYMENT_PATH, query: 'a=b', token: '<redacted>', status: 200 },
      { method: 'GET', path: PAYMENT_PATH, query: '', status: 401 },
    ]);
    expect(api.requests).toHaveLength(2);
  });

  it('clears everything on POST /_fake/reset', async () => {
    await get(PAYMENT_PATH);
    expect((await control('POST', '/_fake/reset')).status).toBe(204);
    expect(api.requests).toHaveLength(0);
    expect((await get(PAYMENT_PATH)).status).toBe(404);
  });

  const badCalls: [string, string, string, string | undefined][] = [
    ['a body that is not JSON', 'PUT', resourcesRoute(PAYMENT_PATH), '{"id":'],
    ['a missing path', 'PUT', '/_fake/resources', '{}'],
    ['a path without a leading slash', 'DELETE', resourcesRoute('v1/payments/1'), undefined],
    ['faults that are not JSON', 'POST', `/_fake/faults?path=${PAYMENT_PATH}`, '[{'],
    ['faults that are not an array', 'POST', `/_fake/faults?path=${PAYMENT_PATH}`, '{"status":500}'],
    ['an invalid fault', 'POST', `/_fake/faults?path=${PAYMENT_PATH}`, '[{"status":"500"}]'],
  ];
  it.each(badCalls)(
    'answers 400 with the API error shape to %s and keeps serving',
    async (_, method, route, body) => {
      const res = await control(method, route, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_request', status: 400, cause: [] });
      expect(await (await get(PAYMENT_PATH)).json()).toEqual(PAYMENT);
    },
  );

  it('answers 413 to a control body over 1 MiB', async () => {
    const res = await control('PUT', resourcesRoute(PAYMENT_PATH), `"${'x'.repeat(1024 * 1024)}"`);
    expect(res.status).toBe(413);
    expect(await (await get(PAYMENT_PATH)).json()).toEqual(PAYMENT);
  });

  it('answers 404 to an unknown control route', async () => {
    expect((await control('GET', '/_fake/nothing')).status).toBe(404);
    expect((await control('GET', '/_fake/resources')).status).toBe(404);
  });
});

describe('validation', () => {
  const badOptions: [string, object][] = [
    ['a negative port', { port: -1 }],
    ['a port above 65535', { port: 65536 }],
    ['a fractional port', { port: 1.5 }],
    ['accessTokens that is a string', { accessTokens: TOKEN }],
    ['an empty access token', { accessTokens: [''] }],
    ['a resource path without a leading slash', { resources: { 'v1/payments/1': {} } }],
    ['a resource string that is not JSON', { resources: { [PAYMENT_PATH]: 'approved' } }],
  ];
  it.each(badOptions)('rejects with a TypeError when given %s', async (_, options) => {
    await expect(startFakeMercadoPagoApi(options)).rejects.toThrow(TypeError);
  });

  it.each([['v1/payments/1'], [`${PAYMENT_PATH}?x=1`], ['/_fake/requests']])(
    'throws a TypeError from set() for the path %s',
    (path) => {
      expect(() => api.set(path, {})).toThrow(/mercadopago-notifications: fake API: path must start with/);
    },
  );

  it('throws a TypeError from set() for a value with no JSON form', () => {
    expect(() => api.set(PAYMENT_PATH, undefined)).toThrow(TypeError);
  });

  it('rejects when the port is already taken', async () => {
    const port = Number(new URL(api.url).port);
    await expect(startFakeMercadoPagoApi({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('close()', () => {
  it('stops listening so later requests fail, and resolves again when called twice', async () => {
    await api.close();
    await expect(get(PAYMENT_PATH)).rejects.toThrow('fetch failed');
    await expect(api.close()).resolves.toBeUndefined();
  });

  it('destroys open sockets, including one waiting for a delayed answer', async () => {
    api.fail(PAYMENT_PATH, { delayMs: 60_000 });
    const pending = get(PAYMENT_PATH);
    pending.catch(() => undefined);
    await waitFor(() => api.requests.length > 0);
    await api.close();
    await expect(pending).rejects.toThrow('fetch failed');
  });
});
