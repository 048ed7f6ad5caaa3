import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { isSafeNumber, parse } from 'lossless-json';
import { MercadoPagoNotificationError } from './errors.js';

/** A request as the body reader sees it: whatever a body parser that ran before us left on it. */
type RequestWithBody = IncomingMessage & { body?: unknown; _body?: boolean };

/** Integers above 2^53 stay strings so ids such as chargeback ids keep every digit (reference pitfall 8). */
function parseNumber(text: string): number | string {
  return isSafeNumber(text) ? Number(text) : text;
}

const UNSAFE_DIGITS = /\d{16}/;

/** Parses JSON without losing digits; undefined for an empty or unparsable text (the body is only a hint). */
export function parseJsonLossless(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    // Only a run of 16+ digits can be an integer above 2^53: anything else parses exactly with the native parser.
    return UNSAFE_DIGITS.test(text) ? parse(text, null, parseNumber) : JSON.parse(text);
  } catch {
    return undefined;
  }
}

const BYTE_ORDER_MARK = 0xfeff;

/** UTF-8 text of the body, without a leading byte order mark (as raw-body's own decoder dropped it). */
function decodeUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
}

function fromParsed(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return parseJsonLossless(body.toString('utf8'));
  if (typeof body === 'string') return parseJsonLossless(body);
  return body;
}

/** Limits on reading a body from the stream. */
export interface BodyReadLimits {
  /** Largest body accepted, in bytes. */
  readonly limitBytes: number;
  /** Longest time the whole body may take to arrive, in ms. */
  readonly timeoutMs: number;
}

/**
 * Returns the request body, whether or not a body parser ran before the router (express.json, text or raw).
 * Reads the stream itself only when nobody has: never waits on a consumed stream. Bodies over `limitBytes`
 * are refused from Content-Length, or as soon as the limit is crossed, without buffering them whole; a body
 * still arriving after `timeoutMs` is refused too, so a slow client cannot hold the request open.
 */
export async function readRequestBody(
  req: RequestWithBody,
  { limitBytes, timeoutMs }: BodyReadLimits,
): Promise<unknown> {
  if (req._body === true || req.readableEnded || !req.readable) return fromParsed(req.body);
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MercadoPagoNotificationError(
            'BODY_TIMEOUT',
            `the body did not arrive within bodyTimeoutMs (${timeoutMs} ms)`,
          ),
        ),
      timeoutMs,
    );
  });
  // Bytes, decoded once at the end: raw-body's streaming decoder (iconv-lite) cost about 8 us per delivery,
  // as much as the rest of the read (bench/, scenario 1).
  const reading = getRawBody(req, { limit: limitBytes, length: req.headers['content-length'] });
  try {
    return parseJsonLossless(decodeUtf8(await Promise.race([reading, tooSlow])));
  } catch (error) {
    if (error instanceof MercadoPagoNotificationError) {
      // raw-body keeps waiting for a stream it no longer gets: stop reading and forget its late outcome.
      reading.catch(() => undefined);
      req.unpipe();
      req.pause();
      throw error;
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new MercadoPagoNotificationError('BODY_TOO_LARGE', `the body exceeds ${limitBytes} bytes`, {
        cause: error,
      });
    }
    throw new MercadoPagoNotificationError(
      'BODY_UNREADABLE',
      `the body could not be read (${type ?? 'aborted'})`,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}
