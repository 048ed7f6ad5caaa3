// Builds deliveries the way Mercado Pago sends them, signed with the package's own signer, and posts them
// over real HTTP with the global fetch.
import { randomUUID } from 'node:crypto';
// In your app: import { signNotification } from 'mercadopago-notifications';
import { signNotification } from '../src/index.js';

/** One HTTP delivery: path under the app, query, headers and the exact body text. */
export interface Delivery {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of {@link signedWebhook}. */
export interface SignedWebhookOptions {
  readonly secret: string;
  /** `data.id` of the query. */
  readonly dataId: string;
  /** `type` of the query. */
  readonly type: string;
  /** Body text or object; Mercado Pago does not sign it. */
  readonly body: string | object;
  /** @default '/mercadopago/webhooks' */
  readonly path?: string;
  /** The id that goes into the signed manifest when it differs from `dataId` (Orders docs sign it lowercased). */
  readonly signedId?: string;
}

/** A Webhooks delivery: `?data.id=&type=`, a fresh x-request-id and an x-signature over id, request id and ts. */
export function signedWebhook({
  secret,
  dataId,
  type,
  body,
  path,
  signedId,
}: SignedWebhookOptions): Delivery {
  const requestId = randomUUID();
  return {
    path: path ?? '/mercadopago/webhooks',
    query: { 'data.id': dataId, type },
    headers: {
      'content-type': 'application/json',
      'user-agent': `MercadoPago WebHook v1.0 ${type}`,
      'x-request-id': requestId,
      'x-signature': signNotification({ secret, dataId: signedId ?? dataId, requestId }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/**
 * The IPN ("Feed v2.0") copy of a change: `?id=&topic=`, the same x-request-id as its Webhooks twin, and no
 * signature the router could verify: it trusts an IPN only after reading the resource with the access token.
 */
export function ipnCopy(topic: string, id: string, twin: Delivery): Delivery {
  return {
    path: '/mercadopago/ipn',
    query: { id, topic },
    headers: {
      'content-type': 'application/json',
      'user-agent': `MercadoPago Feed v2.0 ${topic}`,
      ...(twin.headers['x-request-id'] === undefined ? {} : { 'x-request-id': twin.headers['x-request-id'] }),
    },
    body: JSON.stringify({ resource: `https://api.mercadolibre.com/collections/notifications/${id}`, topic }),
  };
}

/** What the app answered. */
export interface Answer {
  readonly status: number;
  /** `error.code` of a non-2xx answer, when the body carried one. */
  readonly code: string | undefined;
}

/** POSTs a delivery to the app at `baseUrl` and reads the answer. */
export async function post(baseUrl: string, delivery: Delivery): Promise<Answer> {
  const url = `${baseUrl}${delivery.path}?${new URLSearchParams(delivery.query).toString()}`;
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined; // 200 answers have no body
  }
  return { status: response.status, code };
}
