import type { AccessTokenResolver, MercadoPagoNotificationsOptions } from './types.js';
import type { DeliveryStore } from './store/types.js';
import { closestName } from './suggest.js';
import { createRedactor, type Redactor } from './redact.js';

/** Where the API is read unless `apiBaseUrl` says otherwise. */
export const DEFAULT_API_BASE_URL = 'https://api.mercadopago.com';
export const DEFAULT_HANDLER_TIMEOUT_MS = 10_000;
export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
export const DEFAULT_DEDUP_MAX = 50_000;
export const DEFAULT_DEDUP_TTL_MS = 48 * 3600_000;
/** 64 KiB: a Mercado Pago notification is well under 4 KiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
export const DEFAULT_INSPECTOR_MAX = 100;
/** Deliveries processed after an early 200 at once (fraud alerts, Delivery); past it they are processed first. */
export const DEFAULT_ANSWER_FIRST_CONCURRENCY = 64;
/** Bound on `inspector.max`: each kept delivery is about 1 KB. */
const MAX_INSPECTOR_MAX = 10_000;
/** 10 s for the whole body: a few KiB arrive in milliseconds, and a slow sender must not hold the request open. */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_PATHS = {
  webhooks: '/webhooks',
  ipn: '/ipn',
  walletConnect: '/wallet-connect',
} as const;

/** The validated, frozen configuration every request reads. */
export interface NormalizedOptions {
  readonly secrets: readonly string[];
  readonly accessToken: AccessTokenResolver | undefined;
  /** Whether `accessToken` was a function, i.e. it answers with each seller's own token (marketplaces). */
  readonly accessTokenPerSeller: boolean;
  readonly apiBaseUrl: string;
  readonly toleranceSeconds: number | undefined;
  readonly requireSignature: boolean;
  readonly handlerTimeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly dedup: { readonly max: number; readonly ttlMs: number };
  readonly store: DeliveryStore | undefined;
  readonly paths: readonly string[];
  readonly bodyLimitBytes: number;
  readonly bodyTimeoutMs: number;
  readonly answerFirstConcurrency: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Masks the configured secrets, a configured token and token-shaped text in every message shown. */
  readonly redact: Redactor;
  /** The inspector's settings when it was asked for; undefined when it was not. */
  readonly inspector:
    { readonly allowRemote: boolean; readonly force: boolean; readonly max: number } | undefined;
}

const OPTION_NAMES = [
  'secret',
  'accessToken',
  'apiBaseUrl',
  'toleranceSeconds',
  'requireSignature',
  'handlerTimeoutMs',
  'fetchTimeoutMs',
  'dedup',
  'store',
  'paths',
  'bodyLimitBytes',
  'bodyTimeoutMs',
  'answerFirstConcurrency',
  'fetch',
  'now',
  'inspector',
] as const;

/** Throws the package's TypeError for bad configuration. */
export function fail(rule: string): never {
  throw new TypeError(`[mercadopago-notifications] ${rule}`);
}

/** Longest part of a non-secret string value quoted back in an error message. */
const MAX_SHOWN_LENGTH = 80;

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * Says what kind of value arrived without echoing it: for values that may be secrets (`secret`, `accessToken`, a
 * Redis URL with a password). Use {@link show} for the rest.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : `a string of ${plural(value.length, 'character')}`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Shows a value that cannot be a secret (a URL, a path, a number) as it arrived, so the message says what to fix:
 * strings quoted (clipped, and without the user:password of a URL), numbers and booleans as written.
 */
export function show(value: unknown): string {
  if (typeof value !== 'string') {
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : describe(value);
  }
  // A token pasted into the wrong option is still a token.
  if (value === '' || /\b(?:APP_USR|TEST)-/.test(value)) return describe(value);
  const clipped = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value;
  return JSON.stringify(clipped.replace(/\/\/[^/@\s]*@/, '//***@'));
}

/** Throws for keys that are not in `known`, suggesting the closest known name. */
export function assertKnownKeys(object: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    fail(
      `unknown option \`${where}${key}\`${guess === undefined ? '' : `: did you mean \`${where}${guess}\`?`}`,
    );
  }
}

/** `value`, or `fallback` when it is undefined; throws unless it is a positive (integer) number. */
export function positiveNumber(name: string, value: unknown, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value));
  if (!ok) fail(`\`${name}\` must be a positive ${integer ? 'integer' : 'number'}, got ${show(value)}`);
  return value;
}

function normalizeSecrets(value: unknown): string[] {
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (list.length === 0)
    fail('`secret` must be a non-empty string or a non-empty array of them, got an empty array');
  return list.map((secret, index) => {
    if (typeof secret !== 'string' || secret.trim() === '') {
      const where = Array.isArray(value) ? `secret[${index}]` : 'secret';
      fail(
        `\`${where}\` must be a non-empty string (Your integrations > Webhooks > secret signature), got ${describe(secret)}`,
      );
    }
    return secret;
  });
}

function normalizeAccessToken(value: unknown): AccessTokenResolver | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as AccessTokenResolver;
  if (typeof value === 'string' && value.trim() !== '') return () => value;
  return fail(
    `\`accessToken\` must be a non-empty string or a function returning one, got ${describe(value)}`,
  );
}

function normalizeApiBaseUrl(value: unknown): string {
  if (value === undefined) return DEFAULT_API_BASE_URL;
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(`\`apiBaseUrl\` must be an http(s) URL such as ${DEFAULT_API_BASE_URL}, got ${show(value)}`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Express routes paths case-insensitively and ignores a trailing slash: `/A/` and `/a` are one route. */
const routeOf = (path: string): string => path.toLowerCase().replace(/(?<=.)\/+$/, '');

function normalizePaths(value: unknown): string[] {
  if (value === undefined) return Object.values(DEFAULT_PATHS);
  if (typeof value !== 'object' || value === null) fail(`\`paths\` must be an object, got ${show(value)}`);
  assertKnownKeys(value, Object.keys(DEFAULT_PATHS), 'paths.');
  const given = value as Record<string, unknown>;
  const nameByRoute = new Map<string, string>();
  return Object.entries(DEFAULT_PATHS).map(([name, fallback]) => {
    const path = given[name] ?? fallback;
    if (typeof path !== 'string' || !path.startsWith('/'))
      fail(`\`paths.${name}\` must start with "/", got ${show(path)}`);
    const other = nameByRoute.get(routeOf(path));
    if (other !== undefined) {
      const which = (key: string): string =>
        given[key] === undefined ? `the default of \`paths.${key}\`` : `\`paths.${key}\``;
      fail(
        `${which(name)} and ${which(other)} are the same route (${show(path)}): give each its own path ` +
          '(every path accepts every format, so one notification_url can still serve them all)',
      );
    }
    nameByRoute.set(routeOf(path), name);
    return path;
  });
}

function normalizeDedup(value: unknown): NormalizedOptions['dedup'] {
  if (value === undefined) return Object.freeze({ max: DEFAULT_DEDUP_MAX, ttlMs: DEFAULT_DEDUP_TTL_MS });
  if (typeof value !== 'object' || value === null) fail(`\`dedup\` must be an object, got ${show(value)}`);
  assertKnownKeys(value, ['max', 'ttlMs'], 'dedup.');
  const { max, ttlMs } = value as { max?: unknown; ttlMs?: unknown };
  return Object.freeze({
    max: positiveNumber('dedup.max', max, DEFAULT_DEDUP_MAX, true),
    ttlMs: positiveNumber('dedup.ttlMs', ttlMs, DEFAULT_DEDUP_TTL_MS),
  });
}

function normalizeStore(value: unknown): DeliveryStore | undefined {
  if (value === undefined) return undefined;
  const store = value as Partial<Record<keyof DeliveryStore, unknown>> | null;
  const methods = ['claim', 'complete', 'release', 'has'] as const;
  if (store === null || typeof store !== 'object' || methods.some((m) => typeof store[m] !== 'function')) {
    fail('`store` must implement the DeliveryStore interface (claim, complete, release, has, ttlMs)');
  }
  if (typeof store.ttlMs !== 'number' || !(store.ttlMs > 0)) {
    fail(
      `\`store.ttlMs\` must be a positive number (how long the store remembers deliveries), got ${show(store.ttlMs)}`,
    );
  }
  return value as DeliveryStore;
}

function normalizeInspector(value: unknown): NormalizedOptions['inspector'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return Object.freeze({ allowRemote: false, force: false, max: DEFAULT_INSPECTOR_MAX });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`\`inspector\` must be a boolean or an object, got ${show(value)}`);
  assertKnownKeys(value, ['allowRemote', 'force', 'max'], 'inspector.');
  const { allowRemote = false, force = false, max } = value as Record<string, unknown>;
  for (const [name, flag] of Object.entries({ allowRemote, force })) {
    if (typeof flag !== 'boolean') fail(`\`inspector.${name}\` must be a boolean, got ${show(flag)}`);
  }
  const kept = positiveNumber('inspector.max', max, DEFAULT_INSPECTOR_MAX, true);
  if (kept > MAX_INSPECTOR_MAX) fail(`\`inspector.max\` must be at most ${MAX_INSPECTOR_MAX}, got ${kept}`);
  return Object.freeze({ allowRemote: allowRemote as boolean, force: force as boolean, max: kept });
}

function optionalFunction<T>(name: string, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') fail(`\`${name}\` must be a function, got ${show(value)}`);
  return value as T;
}

/** Validates the options once, when the router is built, and fills the defaults. Throws TypeError on bad input. */
export function normalizeOptions(options: Readonly<MercadoPagoNotificationsOptions>): NormalizedOptions {
  if (typeof options !== 'object' || options === null) {
    fail(`options must be an object with \`secret\` and/or \`accessToken\`, got ${describe(options)}`);
  }
  assertKnownKeys(options, OPTION_NAMES, '');
  const secrets = normalizeSecrets(options.secret);
  const accessToken = normalizeAccessToken(options.accessToken);
  if (secrets.length === 0 && accessToken === undefined) {
    fail(
      'give `secret` (to verify signatures) and/or `accessToken` (to read resources from the API); got neither. ' +
        'Both come from Your integrations in the Mercado Pago dashboard.',
    );
  }
  const requireSignature = options.requireSignature ?? false;
  if (typeof requireSignature !== 'boolean') {
    fail(`\`requireSignature\` must be a boolean, got ${show(requireSignature)}`);
  }
  if (requireSignature && secrets.length === 0) fail('`requireSignature: true` needs `secret`');
  return Object.freeze({
    secrets: Object.freeze(secrets),
    accessToken,
    accessTokenPerSeller: typeof options.accessToken === 'function',
    apiBaseUrl: normalizeApiBaseUrl(options.apiBaseUrl),
    toleranceSeconds:
      options.toleranceSeconds === undefined
        ? undefined
        : positiveNumber('toleranceSeconds', options.toleranceSeconds, 0),
    requireSignature,
    handlerTimeoutMs: positiveNumber(
      'handlerTimeoutMs',
      options.handlerTimeoutMs,
      DEFAULT_HANDLER_TIMEOUT_MS,
    ),
    fetchTimeoutMs: positiveNumber('fetchTimeoutMs', options.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS),
    dedup: normalizeDedup(options.dedup),
    store: normalizeStore(options.store),
    paths: Object.freeze(normalizePaths(options.paths)),
    bodyLimitBytes: positiveNumber('bodyLimitBytes', options.bodyLimitBytes, DEFAULT_BODY_LIMIT_BYTES, true),
    bodyTimeoutMs: positiveNumber('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS),
    answerFirstConcurrency: positiveNumber(
      'answerFirstConcurrency',
      options.answerFirstConcurrency,
      DEFAULT_ANSWER_FIRST_CONCURRENCY,
      true,
    ),
    fetch: optionalFunction('fetch', options.fetch, globalThis.fetch),
    now: optionalFunction('now', options.now, Date.now),
    inspector: normalizeInspector(options.inspector),
    redact: createRedactor(secrets, typeof options.accessToken === 'string' ? [options.accessToken] : []),
  });
}
