import createDebug from 'debug';
import { buildError, MPConnectionError } from 'mercadopago/dist/utils/errors/index.js';
import { parseJsonLossless } from './body.js';
import { MercadoPagoNotificationError } from './errors.js';

const debug = createDebug('mercadopago-notifications:api');

/** Pause before the single retry: short, so both attempts fit in Mercado Pago's 22 s window. */
const RETRY_DELAY_MS = 250;
/** Longest Retry-After honoured before the retry; a longer one fails now and Mercado Pago retries later. */
const MAX_RETRY_AFTER_MS = 1_000;
/**
 * Largest API answer read, in bytes: a payment is a few KiB and a merchant order with many items some tens. A
 * larger answer (a wrong apiBaseUrl, a proxy gone bad) is refused as soon as it crosses this, never buffered whole.
 */
export const MAX_API_ANSWER_BYTES = 1024 * 1024;

/** Options of {@link createApiReader}. */
export interface ApiReaderOptions {
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly fetchTimeoutMs: number;
}

/** Reads resources from the Mercado Pago API. */
export interface ApiReader {
  /** GETs `path` with `token`; concurrent reads of one path with one token share a single request. */
  read(path: string, token: string): Promise<Record<string, unknown>>;
}

type Attempt =
  | { readonly ok: true; readonly resource: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
      readonly error: MercadoPagoNotificationError;
    };

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Thrown by {@link readText} for an answer over {@link MAX_API_ANSWER_BYTES}. */
class AnswerTooLarge extends Error {}

/** The answer's text, refused from Content-Length or as soon as it crosses MAX_API_ANSWER_BYTES. */
async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_API_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new AnswerTooLarge();
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop by a throw cancels the stream: the rest of the answer is never read.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_API_ANSWER_BYTES) throw new AnswerTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function attempt(options: ApiReaderOptions, path: string, token: string): Promise<Attempt> {
  const doFetch = options.fetch;
  let response: Response;
  let text: string;
  try {
    response = await doFetch(`${options.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(options.fetchTimeoutMs),
    });
    text = await readText(response);
  } catch (cause) {
    if (cause instanceof AnswerTooLarge) {
      const error = new MercadoPagoNotificationError(
        'API_UNAVAILABLE',
        `GET ${path} answered more than ${MAX_API_ANSWER_BYTES} bytes: refused unread (is apiBaseUrl right?)`,
      );
      return { ok: false, retryable: false, error };
    }
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    const error = timedOut
      ? new MercadoPagoNotificationError(
          'API_TIMEOUT',
          `GET ${path} took longer than ${options.fetchTimeoutMs} ms`,
          {
            cause: new MPConnectionError(cause),
          },
        )
      : new MercadoPagoNotificationError('API_UNAVAILABLE', `GET ${path} failed: network error`, {
          cause: new MPConnectionError(cause),
        });
    return { ok: false, retryable: true, error };
  }
  const body = parseJsonLossless(text);
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  if (response.ok) {
    if (record !== undefined) return { ok: true, resource: record };
    const error = new MercadoPagoNotificationError(
      'API_UNAVAILABLE',
      `GET ${path} answered ${response.status} with a body that is not a JSON object`,
    );
    return { ok: false, retryable: true, error };
  }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  const cause = buildError(
    response.status,
    record ?? {},
    retryAfter === undefined ? null : retryAfter / 1000,
  );
  const { status } = response;
  if (status === 404) {
    const error = new MercadoPagoNotificationError(
      'RESOURCE_NOT_FOUND',
      `GET ${path} answered 404: the API does not know this resource`,
      { cause },
    );
    return { ok: false, retryable: true, error };
  }
  if (status === 401 || status === 403) {
    const error = new MercadoPagoNotificationError(
      'API_UNAUTHORIZED',
      `GET ${path} answered ${status}: check accessToken (the resource must be read with the token of the seller that owns it)`,
      { cause },
    );
    return { ok: false, retryable: false, error };
  }
  const error = new MercadoPagoNotificationError('API_UNAVAILABLE', `GET ${path} answered ${status}`, {
    cause,
  });
  return {
    ok: false,
    retryable: status === 429 || status >= 500,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    error,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readWithRetry(
  options: ApiReaderOptions,
  path: string,
  token: string,
): Promise<Record<string, unknown>> {
  const first = await attempt(options, path, token);
  if (first.ok) return first.resource;
  const delayMs = Math.max(RETRY_DELAY_MS, first.retryAfterMs ?? 0);
  if (!first.retryable || delayMs > MAX_RETRY_AFTER_MS) throw first.error;
  debug('GET %s failed (%s), retrying once in %d ms', path, first.error.code, delayMs);
  await sleep(delayMs);
  const second = await attempt(options, path, token);
  if (second.ok) return second.resource;
  throw second.error;
}

/** Creates the API reader: bounded timeouts, one short retry, and shared concurrent reads. */
export function createApiReader(options: ApiReaderOptions): ApiReader {
  const inFlight = new Map<string, Promise<Record<string, unknown>>>();
  return {
    read(path, token) {
      const key = `${token}\n${path}`;
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const read = readWithRetry(options, path, token).finally(() => inFlight.delete(key));
      inFlight.set(key, read);
      return read;
    },
  };
}
