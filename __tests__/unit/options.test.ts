import {
  DEFAULT_API_BASE_URL,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_ANSWER_FIRST_CONCURRENCY,
  DEFAULT_DEDUP_MAX,
  DEFAULT_DEDUP_TTL_MS,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_INSPECTOR_MAX,
  normalizeOptions,
} from '../../src/options.js';
import type { MercadoPagoNotificationsOptions } from '../../src/types.js';
import type { DeliveryStore } from '../../src/store/types.js';

const SECRET = 'a-secret';

/** Lets the table hold values the public type forbids, as a JavaScript caller could pass them. */
function loose(options: Record<string, unknown>): MercadoPagoNotificationsOptions {
  return options as MercadoPagoNotificationsOptions;
}

function storeWithout(...missing: Array<keyof DeliveryStore>): Record<string, unknown> {
  const store: Record<string, unknown> = {
    ttlMs: 1000,
    claim: async () => ({ status: 'claimed' }),
    complete: async () => undefined,
    release: async () => undefined,
    has: async () => false,
  };
  for (const key of missing) delete store[key];
  return store;
}

describe('normalizeOptions rejects bad values', () => {
  const table: Array<[string, Record<string, unknown>, string]> = [
    ['neither secret nor accessToken is given', {}, '`secret`'],
    ['neither secret nor accessToken is given (accessToken named too)', {}, '`accessToken`'],
    ['secret is an empty string', { secret: '' }, '`secret`'],
    ['secret is blank', { secret: '   ' }, '`secret`'],
    ['secret is empty and accessToken is valid', { secret: '', accessToken: 'tok' }, '`secret`'],
    ['secret is a number', { secret: 42 }, '`secret`'],
    ['secret is an empty array', { secret: [] }, '`secret`'],
    ['secret array holds a non-string', { secret: [SECRET, 42] }, '`secret[1]`'],
    ['secret array holds an empty string', { secret: ['', SECRET] }, '`secret[0]`'],
    ['accessToken is empty', { accessToken: '' }, '`accessToken`'],
    ['accessToken is a number', { accessToken: 42 }, '`accessToken`'],
    ['apiBaseUrl is not a URL', { secret: SECRET, apiBaseUrl: 'not a url' }, '`apiBaseUrl`'],
    ['apiBaseUrl is an ftp URL', { secret: SECRET, apiBaseUrl: 'ftp://x' }, '`apiBaseUrl`'],
    ['apiBaseUrl is a path', { secret: SECRET, apiBaseUrl: '/v1' }, '`apiBaseUrl`'],
    ['apiBaseUrl is a number', { secret: SECRET, apiBaseUrl: 443 }, '`apiBaseUrl`'],
    ['handlerTimeoutMs is negative', { secret: SECRET, handlerTimeoutMs: -1 }, '`handlerTimeoutMs`'],
    ['handlerTimeoutMs is zero', { secret: SECRET, handlerTimeoutMs: 0 }, '`handlerTimeoutMs`'],
    ['handlerTimeoutMs is NaN', { secret: SECRET, handlerTimeoutMs: Number.NaN }, '`handlerTimeoutMs`'],
    ['handlerTimeoutMs is Infinity', { secret: SECRET, handlerTimeoutMs: Infinity }, '`handlerTimeoutMs`'],
    ['handlerTimeoutMs is a string', { secret: SECRET, handlerTimeoutMs: '1000' }, '`handlerTimeoutMs`'],
    ['fetchTimeoutMs is negative', { secret: SECRET, fetchTimeoutMs: -5 }, '`fetchTimeoutMs`'],
    ['fetchTimeoutMs is zero', { secret: SECRET, fetchTimeoutMs: 0 }, '`fetchTimeoutMs`'],
    ['fetchTimeoutMs is NaN', { secret: SECRET, fetchTimeoutMs: Number.NaN }, '`fetchTimeoutMs`'],
    ['toleranceSeconds is negative', { secret: SECRET, toleranceSeconds: -300 }, '`toleranceSeconds`'],
    ['toleranceSeconds is NaN', { secret: SECRET, toleranceSeconds: Number.NaN }, '`toleranceSeconds`'],
    ['dedup.max is not an integer', { secret: SECRET, dedup: { max: 1.5 } }, '`dedup.max`'],
    ['dedup.max is zero', { secret: SECRET, dedup: { max: 0 } }, '`dedup.max`'],
    ['dedup.ttlMs is negative', { secret: SECRET, dedup: { ttlMs: -1 } }, '`dedup.ttlMs`'],
    ['dedup is not an object', { secret: SECRET, dedup: 5 }, '`dedup`'],
    ['bodyLimitBytes is not an integer', { secret: SECRET, bodyLimitBytes: 10.5 }, '`bodyLimitBytes`'],
    ['bodyTimeoutMs is zero', { secret: SECRET, bodyTimeoutMs: 0 }, '`bodyTimeoutMs`'],
    ['bodyTimeoutMs is a string', { secret: SECRET, bodyTimeoutMs: '5000' }, '`bodyTimeoutMs`'],
    [
      'answerFirstConcurrency is zero',
      { secret: SECRET, answerFirstConcurrency: 0 },
      '`answerFirstConcurrency`',
    ],
    [
      'answerFirstConcurrency is a fraction',
      { secret: SECRET, answerFirstConcurrency: 1.5 },
      '`answerFirstConcurrency`',
    ],
    ['paths is not an object', { secret: SECRET, paths: '/webhooks' }, '`paths`'],
    ['paths has an unknown key', { secret: SECRET, paths: { payments: '/p' } }, '`paths.payments`'],
    ['a path has no leading slash', { secret: SECRET, paths: { ipn: 'ipn' } }, '`paths.ipn`'],
    ['a path is not a string', { secret: SECRET, paths: { webhooks: 1 } }, '`paths.webhooks`'],
    [
      'requireSignature is set without secret',
      { accessToken: 'tok', requireSignature: true },
      '`requireSignature',
    ],
    ['requireSignature is not a boolean', { secret: SECRET, requireSignature: 'yes' }, '`requireSignature`'],
    ['store is null', { secret: SECRET, store: null }, '`store`'],
    ['store is an empty object', { secret: SECRET, store: {} }, '`store`'],
    ['store has no claim', { secret: SECRET, store: storeWithout('claim') }, '`store`'],
    ['store has no complete', { secret: SECRET, store: storeWithout('complete') }, '`store`'],
    ['store has no release', { secret: SECRET, store: storeWithout('release') }, '`store`'],
    ['store has no has', { secret: SECRET, store: storeWithout('has') }, '`store`'],
    ['store has no ttlMs', { secret: SECRET, store: storeWithout('ttlMs') }, 'ttlMs'],
    ['store.ttlMs is zero', { secret: SECRET, store: { ...storeWithout(), ttlMs: 0 } }, '`store.ttlMs`'],
    ['fetch is not a function', { secret: SECRET, fetch: 'fetch' }, '`fetch`'],
    ['now is not a function', { secret: SECRET, now: 123 }, '`now`'],
    ['an option is unknown', { secret: SECRET, foo: 1 }, '`foo`'],
    ['inspector is a string', { secret: SECRET, inspector: 'yes' }, '`inspector`'],
    ['inspector is null', { secret: SECRET, inspector: null }, '`inspector`'],
    ['inspector is an array', { secret: SECRET, inspector: [] }, '`inspector`'],
    [
      'inspector.allowRemote is not a boolean',
      { secret: SECRET, inspector: { allowRemote: 1 } },
      '`inspector.allowRemote`',
    ],
    [
      'inspector.force is not a boolean',
      { secret: SECRET, inspector: { force: 'true' } },
      '`inspector.force`',
    ],
    ['inspector.max is zero', { secret: SECRET, inspector: { max: 0 } }, '`inspector.max`'],
    ['inspector.max is not an integer', { secret: SECRET, inspector: { max: 2.5 } }, '`inspector.max`'],
    ['inspector.max is over 10000', { secret: SECRET, inspector: { max: 10_001 } }, '`inspector.max`'],
    ['inspector has an unknown key', { secret: SECRET, inspector: { port: 1 } }, '`inspector.port`'],
  ];

  it.each(table)('throws a TypeError naming the option when %s', (_label, options, name) => {
    expect(() => normalizeOptions(loose(options))).toThrow(TypeError);
    expect(() => normalizeOptions(loose(options))).toThrow(name);
  });

  it.each([
    ['null', null],
    ['a string', 'secret'],
    ['undefined', undefined],
  ])('throws a TypeError when the options are %s', (_label, options) => {
    expect(() => normalizeOptions(options as unknown as MercadoPagoNotificationsOptions)).toThrow(TypeError);
  });

  it('says where both credentials come from when neither is given', () => {
    expect(() => normalizeOptions({})).toThrow(/Your integrations/);
  });
});

describe('normalizeOptions says what arrived', () => {
  /** The message normalizeOptions throws for `options`. */
  function messageFor(options: Record<string, unknown>): string {
    try {
      normalizeOptions(loose(options));
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('normalizeOptions did not throw');
  }
  /** Matches a message that ends with `text` (so "1 character" does not match "1 characters"). */
  const endsWith = (text: string): RegExp => new RegExp(`${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

  it.each([
    ['apiBaseUrl is not a URL', { apiBaseUrl: 'localhost:3999' }, 'got "localhost:3999"'],
    ['apiBaseUrl is a number', { apiBaseUrl: 443 }, 'got 443'],
    ['apiBaseUrl has credentials', { apiBaseUrl: 'ftp://user:pw@x.test' }, 'got "ftp://***@x.test"'],
    [
      'a timeout is negative',
      { handlerTimeoutMs: -1 },
      '`handlerTimeoutMs` must be a positive number, got -1',
    ],
    ['a timeout is a string', { fetchTimeoutMs: '5000' }, 'got "5000"'],
    ['dedup.max is fractional', { dedup: { max: 1.5 } }, 'got 1.5'],
    ['a path has no slash', { paths: { ipn: 'ipn' } }, '`paths.ipn` must start with "/", got "ipn"'],
    ['a flag is a string', { requireSignature: 'yes' }, 'got "yes"'],
    ['store.ttlMs is missing', { store: storeWithout('ttlMs') }, 'got undefined'],
    ['inspector is a number', { inspector: 1 }, 'got 1'],
    ['now is a number', { now: 123 }, 'got 123'],
  ])('quotes the value when %s', (_label, options, expected) => {
    expect(messageFor({ secret: SECRET, ...options })).toMatch(endsWith(expected));
  });

  it.each([
    ['a blank secret', { secret: '   ' }, 'got a string of 3 characters'],
    ['a one-space secret in a list', { secret: [SECRET, ' '] }, 'got a string of 1 character'],
    ['an empty accessToken', { accessToken: '' }, 'got an empty string'],
    ['an accessToken object', { accessToken: {} }, 'got an object'],
    ['a one-item secret list with a number', { secret: [7] }, 'got number 7'],
  ])('says only what kind of value arrived for %s', (_label, options, expected) => {
    expect(messageFor(options)).toMatch(endsWith(expected));
  });

  it('never quotes a secret or a token, even one passed to another option', () => {
    const message = messageFor({ secret: 'hunter2-secret', apiBaseUrl: 'APP_USR-1234-token' });
    expect(message).toMatch(endsWith('got a string of 18 characters'));
    expect(message).not.toMatch(/hunter2|APP_USR/);
  });

  it.each([
    [{ webhooks: '/a', ipn: '/a' }, '`paths.ipn` and `paths.webhooks` are the same route ("/a")'],
    [{ webhooks: '/ipn' }, 'the default of `paths.ipn` and `paths.webhooks` are the same route ("/ipn")'],
    [{ ipn: '/Feed/', walletConnect: '/feed' }, '`paths.walletConnect` and `paths.ipn` are the same route'],
  ])('refuses two paths that Express would route alike: %j', (paths, expected) => {
    const message = messageFor({ secret: SECRET, paths });
    expect(message).toContain(expected);
    expect(message).toContain('give each its own path');
  });
});

describe('normalizeOptions suggests the option meant', () => {
  it.each([
    ['secrets', { secrets: SECRET }, '`secret`'],
    ['acessToken', { secret: SECRET, acessToken: 'tok' }, '`accessToken`'],
    ['handlerTimeout', { secret: SECRET, handlerTimeout: 1000 }, '`handlerTimeoutMs`'],
    ['fetchTimeout', { secret: SECRET, fetchTimeout: 1000 }, '`fetchTimeoutMs`'],
    ['apiBaseURL', { secret: SECRET, apiBaseURL: 'https://x.test' }, '`apiBaseUrl`'],
    ['dedup.ttl', { secret: SECRET, dedup: { ttl: 1000 } }, '`dedup.ttlMs`'],
    ['paths.webhook', { secret: SECRET, paths: { webhook: '/w' } }, '`paths.webhooks`'],
    [
      'inspector.allowRemotes',
      { secret: SECRET, inspector: { allowRemotes: true } },
      '`inspector.allowRemote`',
    ],
    ['inspecter', { secret: SECRET, inspecter: true }, '`inspector`'],
  ])('throws "did you mean" for the misspelled option %s', (misspelled, options, meant) => {
    const call = (): unknown => normalizeOptions(loose(options));
    expect(call).toThrow(TypeError);
    expect(call).toThrow(`\`${misspelled}\``);
    expect(call).toThrow('did you mean');
    expect(call).toThrow(meant);
  });

  it('names an unknown option without a suggestion when no option is close', () => {
    let message = '';
    try {
      normalizeOptions(loose({ secret: SECRET, webhookSecretKey: 'x' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('`webhookSecretKey`');
    expect(message).not.toContain('did you mean');
  });
});

describe('normalizeOptions fills the defaults', () => {
  it('fills every default from a secret alone', () => {
    const config = normalizeOptions({ secret: SECRET });
    expect(config).toEqual({
      secrets: [SECRET],
      accessToken: undefined,
      accessTokenPerSeller: false,
      apiBaseUrl: DEFAULT_API_BASE_URL,
      toleranceSeconds: undefined,
      requireSignature: false,
      handlerTimeoutMs: DEFAULT_HANDLER_TIMEOUT_MS,
      fetchTimeoutMs: DEFAULT_FETCH_TIMEOUT_MS,
      dedup: { max: DEFAULT_DEDUP_MAX, ttlMs: DEFAULT_DEDUP_TTL_MS },
      store: undefined,
      paths: ['/webhooks', '/ipn', '/wallet-connect'],
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      bodyTimeoutMs: DEFAULT_BODY_TIMEOUT_MS,
      answerFirstConcurrency: DEFAULT_ANSWER_FIRST_CONCURRENCY,
      fetch: globalThis.fetch,
      now: Date.now,
      inspector: undefined,
      redact: expect.any(Function),
    });
  });

  it('uses the documented default values', () => {
    expect(DEFAULT_API_BASE_URL).toBe('https://api.mercadopago.com');
    expect(DEFAULT_HANDLER_TIMEOUT_MS).toBe(10_000);
    expect(DEFAULT_FETCH_TIMEOUT_MS).toBe(5_000);
    expect(DEFAULT_DEDUP_MAX).toBe(50_000);
    expect(DEFAULT_DEDUP_TTL_MS).toBe(48 * 3600_000);
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(10_000);
  });

  it('freezes the result and its nested values', () => {
    const config = normalizeOptions({ secret: [SECRET, 'other'] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.secrets)).toBe(true);
    expect(Object.isFrozen(config.paths)).toBe(true);
    expect(Object.isFrozen(config.dedup)).toBe(true);
  });

  it('freezes a dedup object that was given', () => {
    expect(Object.isFrozen(normalizeOptions({ secret: SECRET, dedup: { max: 10 } }).dedup)).toBe(true);
  });

  it('keeps a list of secrets in order and wraps a single one', () => {
    expect(normalizeOptions({ secret: ['new', 'old'] }).secrets).toEqual(['new', 'old']);
    expect(normalizeOptions({ secret: 'only' }).secrets).toEqual(['only']);
  });

  it("does not share the caller's secret array", () => {
    const secrets = ['one'];
    const config = normalizeOptions({ secret: secrets });
    secrets.push('two');
    expect(config.secrets).toEqual(['one']);
  });

  it('turns a string accessToken into a resolver that returns it', () => {
    const config = normalizeOptions({ accessToken: 'APP_USR-token' });
    expect(config.secrets).toEqual([]);
    expect(config.accessToken?.({ topic: 'payment', resourceId: '1' })).toBe('APP_USR-token');
  });

  it('keeps an accessToken resolver as given', () => {
    const resolver = (): string => 'tok';
    expect(normalizeOptions({ accessToken: resolver }).accessToken).toBe(resolver);
  });

  it('fills only the dedup bound that is missing', () => {
    expect(normalizeOptions({ secret: SECRET, dedup: { max: 10 } }).dedup).toEqual({
      max: 10,
      ttlMs: DEFAULT_DEDUP_TTL_MS,
    });
    expect(normalizeOptions({ secret: SECRET, dedup: { ttlMs: 60_000 } }).dedup).toEqual({
      max: DEFAULT_DEDUP_MAX,
      ttlMs: 60_000,
    });
  });

  it('merges custom paths with the defaults', () => {
    expect(normalizeOptions({ secret: SECRET, paths: { ipn: '/feed' } }).paths).toEqual([
      '/webhooks',
      '/feed',
      '/wallet-connect',
    ]);
    expect(
      normalizeOptions({ secret: SECRET, paths: { webhooks: '/a', ipn: '/b', walletConnect: '/c' } }).paths,
    ).toEqual(['/a', '/b', '/c']);
  });

  it('keeps the given timeouts, tolerance, store, fetch and clock', () => {
    const store = storeWithout() as unknown as DeliveryStore;
    const fetchImpl = (async () => new Response('{}')) as typeof fetch;
    const now = (): number => 42;
    const given = {
      requireSignature: true,
      toleranceSeconds: 300,
      handlerTimeoutMs: 2000,
      fetchTimeoutMs: 1000,
      store,
      fetch: fetchImpl,
      now,
    };
    expect(normalizeOptions({ secret: SECRET, ...given })).toMatchObject(given);
  });
});

describe('normalizeOptions apiBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://api.mercadopago.com/', 'https://api.mercadopago.com'],
    ['https://proxy.example.test/mp/', 'https://proxy.example.test/mp'],
    ['https://proxy.example.test/mp//', 'https://proxy.example.test/mp'],
  ])('normalises %s to %s (no trailing slash)', (given, expected) => {
    expect(normalizeOptions({ secret: SECRET, apiBaseUrl: given }).apiBaseUrl).toBe(expected);
  });
});

describe('normalizeOptions reads the inspector option', () => {
  it.each([
    ['true', true, { allowRemote: false, force: false, max: DEFAULT_INSPECTOR_MAX }],
    ['an empty object', {}, { allowRemote: false, force: false, max: DEFAULT_INSPECTOR_MAX }],
    ['every setting', { allowRemote: true, force: true, max: 5 }, { allowRemote: true, force: true, max: 5 }],
    ['false', false, undefined],
  ])('turns %s into its settings', (_label, inspector, expected) => {
    const config = normalizeOptions({ secret: SECRET, inspector });
    expect(config.inspector).toEqual(expected);
    if (expected !== undefined) expect(Object.isFrozen(config.inspector)).toBe(true);
  });

  it('keeps 100 deliveries by default', () => {
    expect(DEFAULT_INSPECTOR_MAX).toBe(100);
  });
});
