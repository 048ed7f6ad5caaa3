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
  /** The answer's body text (the router explains a refusal there). */
  readonly responseBody: string;
  /** From sending the request to reading the whole answer. */
  readonly timeMs: number;
}

/** Parses an http(s) URL; a TypeError naming `what` otherwise. */
export function parseHttpUrl(value: string, what: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `[mercadopago-notifications] ${what} must be an http(s) URL, got ${JSON.stringify(value)}`,
    );
  }
  return url;
}

/**
 * Posts `delivery` to `origin` (scheme, host and port of your app) as Mercado Pago's sender does.
 * @throws Error naming the URL when nothing answers within 22 s or the connection fails.
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
    return { url, status: response.status, statusText: response.statusText, responseBody, timeMs };
  } catch (error) {
    throw new Error(
      `[mercadopago-notifications] POST ${url} failed (${(error as Error).message}): is your app listening there?`,
      { cause: error },
    );
  }
}
