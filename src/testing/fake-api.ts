import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FAKE_API_PREFIX,
  HttpError,
  assertApiPath,
  buildError,
  buildJsonText,
  parseBearer,
  parseFault,
  readBody,
  send,
} from './fake-api-http.js';
import type { Answer, QueuedFault } from './fake-api-http.js';

/** One request the fake received on an API path (control routes are not recorded). */
export interface FakeApiRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/v1/payments/123`. */
  readonly path: string;
  /** Raw query string without the leading `?`; `''` when there is none. */
  readonly query: string;
  /** Bearer token sent, or `undefined` when no `Authorization: Bearer` header arrived. */
  readonly token: string | undefined;
  /** Status the fake answered, or `0` when a `'reset'` fault destroyed the socket. */
  readonly status: number;
}

/**
 * One scripted misbehaviour, consumed by a single GET of a path:
 * - `{ status, body?, headers? }` answers this instead of the resource; a string body is sent verbatim, no body
 *   sends the API error shape for that status (status 200..599);
 * - `{ delayMs }` answers normally after `delayMs` milliseconds (the resource as it was when the request arrived);
 * - `'reset'` destroys the socket without answering;
 * - `'malformed-json'` answers 200 `application/json` with a body that is not JSON.
 */
export type FakeApiFault =
  | { status: number; body?: unknown; headers?: Record<string, string> | undefined }
  | { delayMs: number }
  | 'reset'
  | 'malformed-json';

/** Options of {@link startFakeMercadoPagoApi}. */
export interface FakeMercadoPagoApiOptions {
  /**
   * Resources to serve at start, keyed by API path, e.g. `{ '/v1/payments/123': {...} }`. A string value is
   * served verbatim as the JSON text (needed for ids above 2^53).
   * @default {}
   */
  resources?: Record<string, unknown> | undefined;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** When set, only these bearer tokens (and those of `accounts`) are accepted; others get 401 `invalid_token`. @default any token */
  accessTokens?: readonly string[] | undefined;
  /**
   * The account (user id) each token belongs to: `GET /users/me` with one of these tokens answers
   * `{ id, nickname, site_id }`, as the real API does for a seller's token; these tokens are accepted.
   * `GET /users/me` with another token answers 404. @default {}
   */
  accounts?: Readonly<Record<string, string | number>> | undefined;
}

/** A running fake of the Mercado Pago REST API, returned by {@link startFakeMercadoPagoApi}. */
export interface FakeMercadoPagoApi {
  /** Base URL, `http://127.0.0.1:<port>`, to pass as `apiBaseUrl`. */
  readonly url: string;
  /** Creates or replaces the resource at `path`; a string is served verbatim and must be JSON text. */
  set(path: string, resource: unknown): void;
  /** Removes the resource at `path`; later GETs answer 404. */
  remove(path: string): void;
  /** Queues faults for `path`; each later authorized GET of that path consumes one, in order. */
  fail(path: string, ...faults: FakeApiFault[]): void;
  /** Makes `token` answer 401 from now on, as the real API does once a seller unlinks the application. */
  revoke(token: string): void;
  /** Every API request received, in order. A live view: it grows as requests arrive. */
  readonly requests: readonly FakeApiRequest[];
  /** How many GETs of `path` arrived, whatever the answer (faulted and unauthorized ones included). */
  readsOf(path: string): number;
  /** Clears resources (the initial ones too), queued faults, revocations and the request log. */
  reset(): void;
  /** Stops listening and destroys open sockets, pending delayed answers included. */
  close(): Promise<void>;
}

/** Where the API says whose a token is. */
const WHO_AM_I_PATH = '/users/me';

/** The `GET /users/me` answer for `token`, or undefined when the fake knows no account for it. */
function accountOf(accounts: Readonly<Record<string, string | number>>, token: string): string | undefined {
  const id = Object.hasOwn(accounts, token) ? accounts[token] : undefined;
  if (id === undefined) return undefined;
  return JSON.stringify({ id: Number(id), nickname: `TESTUSER${id}`, site_id: 'MLA' });
}

/**
 * Starts a fake of the Mercado Pago REST API on 127.0.0.1, for tests, the example app and the CLI.
 *
 * Every API request needs `Authorization: Bearer <token>` (401 otherwise). A GET of a stored path answers 200
 * with its JSON, an unknown path 404 with the API error shape, other methods 405. Paths match exactly; the query
 * string is ignored for matching but recorded. A control API serves processes that do not hold this object:
 * `PUT /_fake/resources?path=<api path>` (JSON body, stored verbatim), `DELETE /_fake/resources?path=...`,
 * `POST /_fake/faults?path=...` (JSON array of faults), `GET /_fake/requests` (tokens redacted) and
 * `POST /_fake/reset`. It needs no token, is not recorded, and answers 400 to bad input and 413 past 1 MiB.
 *
 * @throws TypeError when an option is invalid; the promise rejects when the port cannot be bound.
 */
export async function startFakeMercadoPagoApi(
  options: Readonly<FakeMercadoPagoApiOptions> = {},
): Promise<FakeMercadoPagoApi> {
  const { port = 0, accessTokens, accounts = {}, resources: initial = {} } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`${FAKE_API_PREFIX}: port must be an integer 0..65535, got ${String(port)}`);
  }
  if (
    accessTokens !== undefined &&
    !(Array.isArray(accessTokens) && accessTokens.every((t) => typeof t === 'string' && t !== ''))
  ) {
    throw new TypeError(`${FAKE_API_PREFIX}: accessTokens must be an array of non-empty strings`);
  }
  const allowed = accessTokens && new Set<unknown>([...accessTokens, ...Object.keys(accounts)]);
  const revoked = new Set<string>();
  const resources = new Map<string, string>();
  const faults = new Map<string, QueuedFault[]>();
  const requests: FakeApiRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function set(path: string, resource: unknown): void {
    assertApiPath(path);
    resources.set(path, buildJsonText(resource, `resource ${path}`));
  }
  function remove(path: string): void {
    assertApiPath(path);
    resources.delete(path);
  }
  function fail(path: string, ...list: FakeApiFault[]): void {
    assertApiPath(path);
    const parsed = list.map(parseFault); // all valid before any is queued
    faults.set(path, [...(faults.get(path) ?? []), ...parsed]);
  }
  function revoke(token: string): void {
    revoked.add(token);
  }
  function reset(): void {
    revoked.clear();
    resources.clear();
    faults.clear();
    requests.length = 0; // in place: `requests` is a live view
  }

  function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: string): void {
    const method = req.method ?? '';
    const token = parseBearer(req.headers.authorization);
    const record = (status: number) => requests.push(Object.freeze({ method, path, query, token, status }));
    let answer: Answer;
    let delayMs: number | undefined;
    if (token === undefined || revoked.has(token) || (allowed !== undefined && !allowed.has(token))) {
      answer = buildError(401, 'invalid_token', 'unauthorized');
    } else if (method !== 'GET') {
      answer = buildError(405, `method ${method} not allowed on the fake API`);
    } else {
      const fault = faults.get(path)?.shift();
      if (fault === 'reset') {
        record(0);
        req.socket.destroy();
        return;
      }
      const text = path === WHO_AM_I_PATH ? accountOf(accounts, token) : resources.get(path);
      if (fault !== undefined && 'delayMs' in fault) delayMs = fault.delayMs;
      if (fault !== undefined && 'status' in fault) answer = fault;
      else if (text !== undefined) answer = { status: 200, body: text };
      else answer = buildError(404, 'resource not found', 'not_found');
    }
    record(answer.status);
    if (delayMs === undefined) return send(res, answer);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, answer); // the client may have given up meanwhile
    }, delayMs);
    timers.add(timer);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, query: string) {
    const target = new URLSearchParams(query).get('path') as string; // null is rejected by assertApiPath
    try {
      switch (`${req.method ?? ''} ${path}`) {
        case 'GET /_fake/requests': {
          const redacted = requests.map((r) => ({ ...r, token: r.token && '<redacted>' }));
          return send(res, { status: 200, body: JSON.stringify(redacted) });
        }
        case 'POST /_fake/reset':
          reset();
          break;
        case 'PUT /_fake/resources':
          assertApiPath(target); // before reading a body that would then be thrown away
          set(target, await readBody(req));
          break;
        case 'DELETE /_fake/resources':
          remove(target);
          break;
        case 'POST /_fake/faults': {
          assertApiPath(target);
          const list: unknown = JSON.parse(await readBody(req));
          if (!Array.isArray(list)) throw new TypeError(`${FAKE_API_PREFIX}: faults must be a JSON array`);
          fail(target, ...(list as FakeApiFault[]));
          break;
        }
        default:
          return send(res, buildError(404, `no control route ${req.method ?? ''} ${path}`, 'not_found'));
      }
      res.writeHead(204).end();
    } catch (err) {
      const status =
        err instanceof HttpError
          ? err.status
          : err instanceof TypeError || err instanceof SyntaxError
            ? 400
            : 500;
      if (status === 413) res.setHeader('connection', 'close'); // stop reading the rest of the body
      send(res, buildError(status, err instanceof Error ? err.message : String(err)));
    }
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    // A fake used by test suites must survive whatever a test sends: drop the socket rather than crash.
    try {
      if (path.startsWith('/_fake/')) handleControl(req, res, path, query).catch(() => res.destroy());
      else handleApi(req, res, path, query);
    } catch {
      res.destroy();
    }
  });

  for (const [path, resource] of Object.entries(initial)) set(path, resource);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set,
    remove,
    fail,
    revoke,
    requests,
    readsOf: (path) => requests.filter((r) => r.method === 'GET' && r.path === path).length,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
