// HTTP plumbing of the fake API (fake-api.ts): validation of what tests and the control API send, error
// bodies in the real API's shape, and reading and writing bodies. No state lives here.
import { STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Prefix of every message the fake API throws or answers. */
export const FAKE_API_PREFIX = 'mercadopago-notifications: fake API';
/** Largest body the control routes read (1 MiB). */
export const MAX_CONTROL_BODY_BYTES = 1024 * 1024;
/** setTimeout fires at once for anything longer. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** A document cut off mid-way, as a dropped proxy connection leaves it. */
const MALFORMED_JSON_TEXT = '{"id":1,"status":"appro';

/** What the fake sends for one request: a status, JSON text and extra headers. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A validated fault, ready to serve: an answer to send instead, a delay, or a socket reset. */
export type QueuedFault = Answer | { readonly delayMs: number } | 'reset';

/** An error the control API answers with its own status (413). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Builds the real API's error body: `{"message","error","status","cause":[]}`. */
export function buildError(status: number, message: string, error?: string): Answer {
  const code = error ?? (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return { status, body: JSON.stringify({ message, error: code, status, cause: [] }) };
}

/** Turns a value into the JSON text served for it; a string is kept verbatim but must be JSON text. */
export function buildJsonText(value: unknown, what: string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof text !== 'string') {
    throw new TypeError(`${FAKE_API_PREFIX}: ${what} must be JSON-serializable, got ${typeof value}`);
  }
  try {
    JSON.parse(text);
  } catch {
    throw new TypeError(
      `${FAKE_API_PREFIX}: ${what} must be JSON text, got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return text;
}

/** Throws a TypeError unless `path` is an API path: leading `/`, no query, not a control route. */
export function assertApiPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('?') || path.startsWith('/_fake/')) {
    throw new TypeError(
      `${FAKE_API_PREFIX}: path must start with "/" and have no query string, got ${JSON.stringify(path)}`,
    );
  }
}

/** Validates one fault, from code or from the control API, and renders it into what the server sends. */
export function parseFault(fault: unknown): QueuedFault {
  if (fault === 'reset') return fault;
  if (fault === 'malformed-json') return { status: 200, body: MALFORMED_JSON_TEXT };
  const fields = (typeof fault === 'object' && fault !== null ? fault : {}) as Record<string, unknown>;
  const { delayMs, status, body, headers = {} } = fields;
  if (typeof delayMs === 'number' && delayMs >= 0 && delayMs <= MAX_DELAY_MS) return { delayMs };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(
      `${FAKE_API_PREFIX}: a fault is 'reset', 'malformed-json', { delayMs: 0..${MAX_DELAY_MS} } or ` +
        `{ status: 200..599, body?, headers? }, got ${JSON.stringify(fault)}`,
    );
  }
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError(`${FAKE_API_PREFIX}: fault headers must be an object of strings`);
  }
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name); // writeHead would throw mid-request: refuse the fault now instead
      validateHeaderValue(name, value);
      if (typeof value !== 'string') throw new Error('not a string');
    } catch {
      throw new TypeError(
        `${FAKE_API_PREFIX}: fault header ${JSON.stringify(name)} must be a valid header name with a string value`,
      );
    }
  }
  return {
    status,
    body:
      body === undefined
        ? buildError(status, STATUS_CODES[status] ?? 'error').body
        : buildJsonText(body, 'fault body'),
    headers: headers as Record<string, string>,
  };
}

/** Reads the token of an `Authorization: Bearer <token>` header. */
export function parseBearer(header: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
}

/** Sends an answer as `application/json`; its own headers win. */
export function send(res: ServerResponse, answer: Answer): void {
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(answer.body));
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.writeHead(answer.status).end(answer.body);
}

/** Reads a control request's body as UTF-8; rejects with a 413 HttpError past MAX_CONTROL_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
      else
        reject(
          new HttpError(413, `${FAKE_API_PREFIX}: control body exceeds ${MAX_CONTROL_BODY_BYTES} bytes`),
        );
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
