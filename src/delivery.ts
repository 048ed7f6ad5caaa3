import type { IncomingHttpHeaders } from 'node:http';
import { MercadoPagoNotificationError } from './errors.js';
import type { Delivery } from './types.js';

/** A classified delivery plus what verification needs. */
export interface ReceivedDelivery extends Delivery {
  /** `data.id` exactly as the query carried it: the only id Mercado Pago signs. */
  readonly signedDataId: string | undefined;
  /** Id of the resource to read, from the query (or the body for topics that carry none there). */
  readonly resourceId: string | undefined;
  /** Id of the resource that contains it, when the read path needs one (Card Updater: the customer id). */
  readonly parentResourceId: string | undefined;
  /** The x-signature header, when present. */
  readonly signatureHeader: string | undefined;
}

/** Query keys whose repetition would make the delivery ambiguous (which one was signed?). */
const SINGLE_VALUE_KEYS = ['data.id', 'type', 'id', 'topic'];
/** Resource ids are numbers, ORD/PAY ids, hex or UUIDs; anything else is refused before it reaches a URL. */
const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function invalid(reason: string): MercadoPagoNotificationError {
  return new MercadoPagoNotificationError('INVALID_DELIVERY', `not a Mercado Pago delivery: ${reason}`);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Ids arrive as strings or JSON numbers; numbers that lost digits in a JSON parser are dropped, not trusted. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? undefined : text;
}

function parseQuery(url: string): Record<string, string> {
  const start = url.indexOf('?');
  const query: Record<string, string> = {};
  if (start === -1) return query;
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
    if (!Object.hasOwn(query, key)) {
      // defineProperty, so that a `__proto__` key is an own key like any other instead of a prototype change.
      Object.defineProperty(query, key, { value, enumerable: true });
    } else if (SINGLE_VALUE_KEYS.includes(key)) {
      throw invalid(`the query repeats \`${key}\``);
    }
  }
  return query;
}

/** Where the resource id lives in a body when the query has none (reference 1.4). */
function bodyResourceId(topic: string, body: Record<string, unknown> | undefined): string | undefined {
  const data = asRecord(body?.['data']);
  if (topic === 'topic_merchant_order_wh' || topic === 'point_integration_wh') return idText(body?.['id']);
  const resource = body?.['resource'];
  if (data === undefined && typeof resource === 'string') return idText(resource.split('/').pop());
  return idText(data?.['id']);
}

/** The ids the read needs, for topics whose resource is not the query's id (reference 1.4 and 3.1). */
function resourceIds(
  topic: string,
  queryResourceId: string | undefined,
  body: Record<string, unknown> | undefined,
): { readonly resourceId: string | undefined; readonly parentResourceId: string | undefined } {
  const data = asRecord(body?.['data']);
  // Account linking: the seller is the resource; the query's data.id is not a resource id.
  if (topic === 'mp-connect') return { resourceId: idText(body?.['user_id']), parentResourceId: undefined };
  if (topic === 'stop_delivery_op_wh' || topic === 'delivery_cancellation') {
    // Mercado Pago's own capture of a fraud alert has data.id 123456, the notification's id, and the payment in
    // data.payment_id; its field table says so. The fixture's data.id is the payment id: both are read right.
    return {
      resourceId: idText(data?.['payment_id']) ?? queryResourceId ?? idText(body?.['id']),
      parentResourceId: undefined,
    };
  }
  if (topic === 'automatic-payments' || topic === 'topic_card_id_wh') {
    // Card Updater resends the old card id when it created no new card.
    return {
      resourceId: idText(data?.['new_card_id']) ?? idText(data?.['old_card_id']) ?? queryResourceId,
      parentResourceId: idText(data?.['customer_id']),
    };
  }
  return { resourceId: queryResourceId ?? bodyResourceId(topic, body), parentResourceId: undefined };
}

interface Classification {
  readonly channel: Delivery['channel'];
  readonly topic: string | undefined;
  readonly type: string | undefined;
  /** The query's data.id, the only id Mercado Pago signs. */
  readonly signedDataId?: string;
  /** The resource id the query names (data.id of a Webhook, id of an IPN). */
  readonly queryResourceId?: string;
}

/** Channel by the query first (data.id/type = Webhooks, id/topic = IPN), then by the body (reference 2.10). */
function classify(query: Record<string, string>, body: Record<string, unknown> | undefined): Classification {
  const bodyType = typeof body?.['type'] === 'string' ? body['type'] : undefined;
  const bodyTopic = typeof body?.['topic'] === 'string' ? body['topic'] : undefined;
  const dataId = idText(query['data.id']);
  const queryType = query['type'];
  if (dataId !== undefined || queryType !== undefined) {
    const type = queryType ?? bodyType;
    const channel = type === 'wallet_connect' ? 'wallet_connect' : 'webhook';
    return dataId === undefined
      ? { channel, topic: type, type }
      : { channel, topic: type, type, signedDataId: dataId, queryResourceId: dataId };
  }
  const queryTopic = query['topic'];
  if (queryTopic !== undefined) {
    const id = idText(query['id']);
    // Card Updater, Point and Delivery send a topic with no id: a Webhook whose ids are in its body.
    return id === undefined
      ? { channel: 'webhook', topic: queryTopic, type: bodyType }
      : { channel: 'ipn', topic: queryTopic, type: undefined, queryResourceId: id };
  }
  if (bodyType !== undefined) {
    return {
      channel: bodyType === 'wallet_connect' ? 'wallet_connect' : 'webhook',
      topic: bodyType,
      type: bodyType,
    };
  }
  if (bodyTopic !== undefined) return { channel: 'ipn', topic: bodyTopic, type: undefined };
  if (typeof body?.['state'] === 'string' && body['id'] !== undefined) {
    // Legacy Point sends the payment intent itself, with no envelope (reference 1.4).
    return { channel: 'webhook', topic: 'point_integration_wh', type: undefined };
  }
  return { channel: 'webhook', topic: undefined, type: undefined };
}

/** Input of {@link parseDelivery}: the parts of an HTTP request the router uses. */
export interface RawDelivery {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly receivedAt: Date;
}

/** Turns a request into one delivery, whatever format it came in. Throws INVALID_DELIVERY when it is none. */
export function parseDelivery({ url, headers, body, receivedAt }: RawDelivery): ReceivedDelivery {
  const query = parseQuery(url);
  const envelope = asRecord(body);
  const { channel, topic, type, signedDataId, queryResourceId } = classify(query, envelope);
  if (topic === undefined) throw invalid('no topic in the query (`type` or `topic`) or in the body');
  const { resourceId, parentResourceId } = resourceIds(topic, queryResourceId, envelope);
  for (const id of [resourceId, parentResourceId]) {
    if (id !== undefined && !RESOURCE_ID_PATTERN.test(id))
      throw invalid('the resource id has unexpected characters');
  }
  const actions = envelope?.['actions'];
  const action = envelope?.['action'] ?? (Array.isArray(actions) ? actions[0] : undefined);
  const retry = Number(headerText(headers['x-retry']));
  return {
    channel,
    id: idText(envelope?.['id']) ?? idText(envelope?.['_id']),
    action: typeof action === 'string' ? action : undefined,
    topic,
    type,
    userId: idText(envelope?.['user_id']),
    applicationId: idText(envelope?.['application_id']),
    liveMode: typeof envelope?.['live_mode'] === 'boolean' ? envelope['live_mode'] : undefined,
    requestId: headerText(headers['x-request-id']),
    retry: Number.isInteger(retry) && retry >= 0 ? retry : undefined,
    receivedAt,
    query,
    body,
    signedDataId,
    resourceId,
    parentResourceId,
    signatureHeader: headerText(headers['x-signature']),
  };
}

/** The public view of a delivery: what arrived, without the router's working fields. */
export function publicDelivery(received: ReceivedDelivery): Delivery {
  const { signedDataId, resourceId, parentResourceId, signatureHeader, ...delivery } = received;
  return Object.freeze(delivery);
}
