import { performance } from 'node:perf_hooks';
import type { BuiltDelivery } from './build-delivery.js';

/** Mercado Pago's sender gives up after 22 s (reference 4). */
const SEND_TIMEOUT_MS = 22_000;

/** The answer to one posted delivery. */
export interface PostedDelivery {
  /** The full URL posted to. */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  /** The answer's `content-type` header, or '' when it had none. */
  readonly contentType: string;
  /** The answer's body text (the router explains a refusal there). */
  readonly responseBody: string;
  /** From sending the request to reading the whole answer. */
  readonly timeMs: number;
}

/** Parses an http(s) URL; a TypeError naming `what` otherwise, with the fix when only the scheme is missing. */
export function parseHttpUrl(value: string, what: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // `localhost:3000/mp` parses as a URL of scheme `localhost:`: say what to add.
    const hint =
      typeof value === 'string' && !value.includes('://') && value !== ''
        ? `: add the scheme, e.g. http://${value}`
        : '';
    throw new TypeError(
      `[mercadopago-notifications] ${what} must be an http(s) URL, got ${JSON.stringify(value)}${hint}`,
    );
  }
  return url;
}

/**
 * What went wrong underneath a failed fetch: fetch rejects with "fetch failed" and keeps the reason in `cause`
 * (`connect ECONNREFUSED 127.0.0.1:3000`, `getaddrinfo ENOTFOUND`, one error per address for `localhost`).
 */
export function networkCause(error: unknown): string {
  // Duck-typed, not instanceof: the error may come from another realm (a test runner's sandbox, a worker).
  type ErrorFields = { name?: unknown; message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  const fields = (value: unknown): ErrorFields => (typeof value === 'object' && value !== null ? value : {});
  const { name } = fields(error);
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  let deepest = error;
  while (fields(deepest).cause !== undefined) deepest = fields(deepest).cause;
  const { message, code, errors } = fields(deepest);
  if (Array.isArray(errors) && errors.length > 0) {
    return [...new Set(errors.map((inner: unknown) => networkCause(inner)))].join('; ');
  }
  if (typeof message === 'string' && message !== '') return message;
  return typeof code === 'string' ? code : String(deepest);
}

/**
 * Posts `delivery` to `origin` (scheme, host and port of your app) as Mercado Pago's sender does.
 * @throws Error naming the URL and the network's reason when nothing answers within 22 s or the connection fails.
 */
export async function postDelivery(origin: string, delivery: BuiltDelivery): Promise<PostedDelivery> {
  const url = `${origin}${delivery.path}`;
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: delivery.method,
      headers: delivery.headers,
      body: delivery.body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const responseBody = await response.text();
    const timeMs = Math.round(performance.now() - started);
    return {
      url,
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get('content-type') ?? '',
      responseBody,
      timeMs,
    };
  } catch (error) {
    throw new Error(
      `[mercadopago-notifications] POST ${url} failed: ${networkCause(error)}. Is your app listening there?`,
      { cause: error },
    );
  }
}
