import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response, Router } from 'express';
import { isLoopbackAddress, isLoopbackHost } from './loopback.js';
import { renderInspectorPage } from './page.js';
import type { InspectorRecorder } from './recorder.js';

/** Where the page is mounted under the router's mount point; the stream is `${INSPECTOR_PATH}/events`. */
const INSPECTOR_PATH = '/_inspector';
/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_INTERVAL_MS = 15_000;
/** How soon the browser reconnects after the stream drops. */
const RECONNECT_DELAY_MS = 2_000;
/** Open streams at once; each holds a socket and a timer. */
const MAX_STREAMS = 32;

/** Headers common to the page and the stream: nothing cached, nothing sniffed, nothing framed. */
function setPrivateHeaders(res: Response): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
}

/** Mounts the inspector page and its event stream on `router`. */
export function mountInspector(
  router: Router,
  recorder: InspectorRecorder,
  { allowRemote }: { readonly allowRemote: boolean },
): void {
  let streams = 0;

  function refuse(res: Response, why: string): void {
    res.status(403).type('text/plain').send(`The Mercado Pago delivery inspector ${why}\n`);
  }

  // The socket's address, not X-Forwarded-For: a header anyone can send must not open the page. The Host header
  // too: a DNS-rebinding page reaches a loopback socket under its own name.
  function inspectorAccess(req: Request, res: Response, next: NextFunction): void {
    if (allowRemote) {
      next();
      return;
    }
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      refuse(
        res,
        'answers loopback clients only. Set `inspector: { allowRemote: true }` to open it to other addresses.',
      );
      return;
    }
    if (!isLoopbackHost(req.headers.host)) {
      refuse(
        res,
        'answers only pages opened as localhost, 127.0.0.1 or [::1]. Set `inspector: { allowRemote: true }` to open it under other names.',
      );
      return;
    }
    next();
  }

  /** A browser sends Origin on a cross-origin EventSource: only the inspector's own page may read the stream. */
  function sameOrigin(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (
      origin === undefined ||
      (host !== undefined && [`http://${host}`, `https://${host}`].includes(origin))
    ) {
      next();
      return;
    }
    refuse(res, 'event stream is read only by its own page: this request came from another origin.');
  }

  function inspectorPage(req: Request, res: Response): void {
    const nonce = randomBytes(16).toString('base64');
    setPrivateHeaders(res);
    res.setHeader(
      'content-security-policy',
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; ` +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.type('html').send(
      renderInspectorPage({
        eventsPath: `${req.baseUrl}${INSPECTOR_PATH}/events`,
        nonce,
        max: recorder.max,
      }),
    );
  }

  function inspectorEvents(_req: Request, res: Response): void {
    if (streams >= MAX_STREAMS) {
      res
        .status(503)
        .type('text/plain')
        .send(`At most ${MAX_STREAMS} inspector pages can be open at once.\n`);
      return;
    }
    streams++;
    setPrivateHeaders(res);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(`retry: ${RECONNECT_DELAY_MS}\nevent: snapshot\ndata: ${recorder.snapshot()}\n\n`);
    const unsubscribe = recorder.subscribe((json) => res.write(`event: entry\ndata: ${json}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    res.on('close', () => {
      streams--;
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  router.get(INSPECTOR_PATH, inspectorAccess, inspectorPage);
  router.get(`${INSPECTOR_PATH}/events`, inspectorAccess, sameOrigin, inspectorEvents);
}
