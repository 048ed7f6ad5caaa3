import { randomBytes, randomUUID } from 'node:crypto';
import { signNotification } from '../signature.js';
import type { DeliveryChannel } from '../types.js';
import { closestName } from '../suggest.js';
import { buildIpnBody, buildWebhookBody, buildWebhookQuery } from './delivery-bodies.js';

const PREFIX = '[mercadopago-notifications] buildDelivery';
const CHANNELS: readonly DeliveryChannel[] = ['webhook', 'ipn', 'wallet_connect'];

/** Options of {@link buildDelivery}. */
export interface BuildDeliveryOptions {
  /**
   * The topic as Mercado Pago sends it: the Webhooks `type` (`payment`, `order`, `topic_chargebacks_wh`,
   * `topic_card_id_wh`, `point_integration_wh`, `mp-connect`, ...) or the IPN `topic`. The query and body take
   * that topic's shape (Point and Delivery carry their ids only in the body).
   */
  readonly topic: string;
  /** Id of the resource the delivery is about (`data.id` of a Webhook, `id` of an IPN). */
  readonly resourceId: string;
  /** How it arrives. @default 'wallet_connect' for topic `wallet_connect`, 'webhook' otherwise */
  readonly channel?: DeliveryChannel | undefined;
  /** The secret signature to sign Webhooks and Wallet Connect deliveries with; IPN needs none (it is never verifiable). */
  readonly secret?: string | undefined;
  /** Path of the router's endpoint in your app. @default '/webhooks' */
  readonly path?: string | undefined;
  /** The `x-request-id` header; `null` sends none (and signs without it). @default a fresh UUID */
  readonly requestId?: string | null | undefined;
  /** The signature timestamp (seconds, or milliseconds for 13 digits). @default now, in seconds */
  readonly ts?: string | number | undefined;
  /** The body's `action`, e.g. `'payment.created'`. @default the topic's usual action */
  readonly action?: string | undefined;
  /**
   * Fields merged into the body's `data`, e.g. `{ status: 'cancelled' }` for Wallet Connect or `{ customer_id }`
   * for Card Updater (Point: into the payment intent the body is).
   */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  /** Seller account (`user_id`). */
  readonly userId?: string | undefined;
  /**
   * Replaces the query Mercado Pago appends (e.g. `{ 'data.id', type }` for a topic usually sent with its ids in
   * the body); the signature covers its `data.id`.
   */
  readonly query?: Readonly<Record<string, string>> | undefined;
  /** Replaces the generated body: a string is sent verbatim, anything else as JSON. Mercado Pago does not sign it. */
  readonly body?: unknown;
  /** The id that goes into the signed manifest when it differs from `resourceId` (e.g. lower-cased Orders ids). */
  readonly signedDataId?: string | undefined;
  /** Extra headers; they replace generated ones, and `undefined` removes one. */
  readonly headers?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A delivery ready to send with supertest or fetch: `POST path` with these headers and this exact body. */
export interface BuiltDelivery {
  readonly method: 'POST';
  /** The endpoint path with the query Mercado Pago appends, e.g. `/webhooks?data.id=123&type=payment`. */
  readonly path: string;
  /** The query parameters alone. */
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body text. */
  readonly body: string;
}

function userAgent(channel: DeliveryChannel, topic: string): string {
  // Delivery notifications come from the feed sender even as Webhooks (reference 1.4).
  if (channel === 'ipn' || topic === 'delivery') return `MercadoPago Feed v2.0 ${topic}`;
  // The Orders docs show the sender's HTTP client instead (reference 1.5).
  return topic === 'order' ? 'restclient-node/4.15.3' : `MercadoPago WebHook v1.0 ${topic}`;
}

function assertOptions(options: BuildDeliveryOptions, channel: DeliveryChannel): void {
  const { topic, resourceId, secret } = options;
  if (typeof topic !== 'string' || topic === '')
    throw new TypeError(`${PREFIX}: \`topic\` must be a non-empty string`);
  if (typeof resourceId !== 'string' || resourceId === '') {
    throw new TypeError(`${PREFIX}: \`resourceId\` must be a non-empty string`);
  }
  if (!CHANNELS.includes(channel)) {
    const guess = closestName(String(channel), CHANNELS);
    throw new TypeError(
      `${PREFIX}: \`channel\` must be one of ${CHANNELS.join(', ')}, got ${String(channel)}${guess === undefined ? '' : `: did you mean ${guess}?`}`,
    );
  }
  if (channel !== 'ipn' && (typeof secret !== 'string' || secret === '')) {
    throw new TypeError(`${PREFIX}: \`secret\` is required to sign a ${channel} delivery`);
  }
}

/**
 * Builds a delivery exactly as Mercado Pago sends it: the query it appends to your URL, its headers (a fresh
 * `x-request-id`, an `x-signature` made with `secret`) and the body shape of the topic. An IPN carries an
 * `x-signature` too, which nobody can verify, as the real ones (reference 1.3).
 *
 * @example
 * const d = buildDelivery({ topic: 'payment', resourceId: '123', secret, path: '/mercadopago/webhooks' });
 * await request(app).post(d.path).set(d.headers).send(d.body).expect(200);
 * @throws TypeError when an option is missing or invalid.
 */
export function buildDelivery(options: Readonly<BuildDeliveryOptions>): BuiltDelivery {
  const { topic, resourceId, path = '/webhooks', ts, action, data, userId, body } = options;
  const channel = options.channel ?? (topic === 'wallet_connect' ? 'wallet_connect' : 'webhook');
  assertOptions(options, channel);
  const requestId = options.requestId === null ? undefined : (options.requestId ?? randomUUID());
  const tsText = String(ts ?? Math.floor(Date.now() / 1000));
  const query =
    options.query ?? (channel === 'ipn' ? { id: resourceId, topic } : buildWebhookQuery(topic, resourceId));
  const signedDataId = options.signedDataId ?? query['data.id'];
  const signature =
    channel === 'ipn'
      ? `ts=${tsText},v1=${randomBytes(32).toString('hex')}`
      : signNotification({
          secret: options.secret ?? '',
          ...(signedDataId === undefined ? {} : { dataId: signedDataId }),
          ...(requestId === undefined ? {} : { requestId }),
          ts: tsText,
        });
  const merged: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'user-agent': userAgent(channel, query['type'] ?? topic),
    'x-request-id': requestId,
    'x-signature': signature,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) merged[name.toLowerCase()] = value;
  const headers = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const text =
    body !== undefined
      ? typeof body === 'string'
        ? body
        : JSON.stringify(body)
      : channel === 'ipn'
        ? buildIpnBody(topic, resourceId)
        : buildWebhookBody(topic, resourceId, { action, data, userId });
  return {
    method: 'POST',
    // Mercado Pago appends its parameters after those of your own URL (reference 1.1).
    path: `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(query).toString()}`,
    query,
    headers,
    body: text,
  };
}
