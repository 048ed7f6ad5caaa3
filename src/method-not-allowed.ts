import createDebug from 'debug';
import type { Request, RequestHandler, Response } from 'express';
import { MercadoPagoNotificationError } from './errors.js';
import type { InspectorRecorder } from './inspector/recorder.js';

const debug = createDebug('mercadopago-notifications:delivery');

/**
 * Answers a method other than POST on a delivery path: 405 with `Allow: POST` and the router's JSON error shape,
 * instead of Express's HTML 404 page (RFC 9110 section 15.5.6). A browser, a health check or a proxy that turned
 * the POST into a GET is not a delivery: nothing is read or emitted, and onError does not hear about it; the
 * inspector, when on, shows it.
 */
export function createMethodNotAllowedRoute(recorder: InspectorRecorder | undefined): RequestHandler {
  return function methodNotAllowedRoute(req: Request, res: Response): void {
    const trace = recorder?.begin(req.originalUrl);
    const error = new MercadoPagoNotificationError(
      'METHOD_NOT_ALLOWED',
      `${req.method} is not a delivery: Mercado Pago sends notifications with POST, the only method this path answers`,
    );
    res
      .set('allow', 'POST')
      .status(error.status)
      .json({ error: { code: error.code, message: error.message } });
    trace?.answered(error.status, undefined, { ok: false, error });
    debug('%s %s -> %d %s', req.method, req.originalUrl, error.status, error.code);
  };
}
