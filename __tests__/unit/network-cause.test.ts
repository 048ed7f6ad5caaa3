// What the CLI shows when a request fails below HTTP: the root cause fetch keeps in `cause`, not "fetch failed".
import { networkCause, parseHttpUrl } from '../../src/testing/post-delivery.js';

/** An error as undici's fetch rejects: a TypeError "fetch failed" whose cause is the socket's error. */
function fetchFailed(cause: unknown): Error {
  return new TypeError('fetch failed', { cause });
}

describe('networkCause', () => {
  it.each<[string, unknown, string]>([
    [
      'a refused connection',
      fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' })),
      'connect ECONNREFUSED 127.0.0.1:3000',
    ],
    [
      'an unknown host',
      fetchFailed(new Error('getaddrinfo ENOTFOUND shop.invalid')),
      'getaddrinfo ENOTFOUND shop.invalid',
    ],
    [
      'every address of localhost refusing',
      fetchFailed(
        new AggregateError([
          new Error('connect ECONNREFUSED ::1:3000'),
          new Error('connect ECONNREFUSED 127.0.0.1:3000'),
        ]),
      ),
      'connect ECONNREFUSED ::1:3000; connect ECONNREFUSED 127.0.0.1:3000',
    ],
    [
      'a timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
      'no answer within 22 s',
    ],
    [
      'an abort',
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
      'no answer within 22 s',
    ],
    ['a cause without a message', fetchFailed({ code: 'EPIPE' }), 'EPIPE'],
    ['something that is not an error', 'socket hang up', 'socket hang up'],
  ])('names %s', (_label, error, expected) => {
    expect(networkCause(error)).toBe(expected);
  });
});

describe('parseHttpUrl', () => {
  it.each([
    ['localhost:3000/mp/webhooks', ': add the scheme, e.g. http://localhost:3000/mp/webhooks'],
    ['127.0.0.1:3000', ': add the scheme, e.g. http://127.0.0.1:3000'],
    ['ftp://127.0.0.1/x', ''],
    ['', ''],
  ])('refuses %j naming what to add when only the scheme is missing', (value, hint) => {
    expect(() => parseHttpUrl(value, '--url')).toThrow(
      new TypeError(
        `[mercadopago-notifications] --url must be an http(s) URL, got ${JSON.stringify(value)}${hint}`,
      ),
    );
  });

  it('accepts http and https URLs', () => {
    expect(parseHttpUrl('https://shop.example/mp/webhooks', '--url').pathname).toBe('/mp/webhooks');
    expect(parseHttpUrl('http://127.0.0.1:3000', '--url').port).toBe('3000');
  });
});
