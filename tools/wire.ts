// How the tools send deliveries: over loopback HTTP with raw control of the query and the headers, or in process
// through the router itself (for the million forgery attempts, where a socket per attempt would measure the kernel).
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { MercadoPagoNotificationsRouter } from '../src/index.js';

/** One request as it goes on the wire: the query is raw text, so it can repeat keys. */
export interface WireRequest {
  /** Path under the mount point, e.g. `/mp/webhooks`. */
  readonly path: string;
  /** Query string without `?`, sent verbatim. */
  readonly search: string;
  /** Header values; a string array sends the header several times. Values are sent as latin1 bytes. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
}

/** What came back. */
export interface WireAnswer {
  readonly status: number;
  readonly text: string;
  readonly headers: IncomingHttpHeaders;
  /** Milliseconds from sending to the end of the answer. */
  readonly ms: number;
}

/** Header values as Node sends them: UTF-8 text turned into the latin1 string of its bytes. */
function asLatin1(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** A keep-alive HTTP client for one base URL such as `http://127.0.0.1:1234`. */
export interface WireClient {
  send(wire: WireRequest): Promise<WireAnswer>;
  close(): void;
}

export function createWireClient(baseUrl: string, maxSockets = 16): WireClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    send(wire) {
      const started = performance.now();
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(wire.headers)) {
        headers[name] = typeof value === 'string' ? asLatin1(value) : value.map(asLatin1);
      }
      const body = Buffer.from(wire.body, 'utf8');
      headers['content-length'] = String(body.length);
      return new Promise<WireAnswer>((resolve, reject) => {
        const req = request(
          {
            agent,
            host: hostname,
            port,
            method: 'POST',
            path: wire.search === '' ? wire.path : `${wire.path}?${wire.search}`,
            headers,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                headers: res.headers,
                ms: performance.now() - started,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * Runs the router on a request object without a socket: the same handler, verification and store as over HTTP,
 * with the body already parsed (as when `express.json()` ran first). Resolves with the status the router answered;
 * rejects if the router passed an error to `next`.
 */
export function invokeRouter(
  router: MercadoPagoNotificationsRouter,
  url: string,
  headers: IncomingHttpHeaders,
  body: unknown,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const res = {
      headersSent: false,
      statusCode: 200,
      set: () => res,
      status(code: number) {
        res.statusCode = code;
        return res;
      },
      json: () => finish(),
      end: () => finish(),
    };
    function finish() {
      res.headersSent = true;
      resolve(res.statusCode);
      return res;
    }
    const req = { method: 'POST', url, originalUrl: url, headers, body, _body: true };
    const next = (error?: unknown) => reject(error ?? new Error('the router passed the request on'));
    (router as unknown as (req: object, res: object, next: (error?: unknown) => void) => void)(
      req,
      res,
      next,
    );
  });
}
