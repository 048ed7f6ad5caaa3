import { isEventName, type EventName } from './event-names.js';
import type { ResourceByTopic } from './types.js';

/** What the router knows about one kind of notification: where to read it and how to name its events. */
export interface TopicSpec {
  /** Event name prefix, e.g. 'payment'. */
  readonly eventTopic: Exclude<keyof ResourceByTopic, 'notification'>;
  /** The authoritative GET (reference 3.1). */
  resourcePath(resourceId: string): string;
  /** Event name from the fetched state; undefined when the state has no name of its own. */
  eventName(
    resource: Fields,
    context: { readonly action: string | undefined; readonly seen: boolean },
  ): EventName | undefined;
  /** Identifies the state the event reports: equal keys are one event (Webhook + IPN copies, resends). */
  eventKey(resourceId: string, resource: Fields, name: EventName, notificationId: string | undefined): string;
  /** Key recorded once an event for the resource was processed, when naming needs to know (chargebacks). */
  seenKey?(resourceId: string): string;
  /** Mercado Pago never retries this topic: answer 200 before reading and running listeners (reference 4). */
  readonly answerBeforeProcessing?: boolean;
}

type Fields = Readonly<Record<string, unknown>>;

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function statusEvent(prefix: string, status: unknown): EventName | undefined {
  const name = `${prefix}.${text(status)}`;
  return isEventName(name) ? name : undefined;
}

const payment: TopicSpec = {
  eventTopic: 'payment',
  resourcePath: (id) => `/v1/payments/${id}`,
  eventName: (r) => statusEvent('payment', r['status']),
  eventKey: (id, r) =>
    `payment:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['date_last_updated'])}`,
};

const merchantOrder: TopicSpec = {
  eventTopic: 'merchant_order',
  resourcePath: (id) => `/merchant_orders/${id}`,
  eventName: (r) => statusEvent('merchant_order', r['status']),
  eventKey: (id, r) =>
    `merchant_order:${id}:${text(r['status'])}:${text(r['order_status'])}:${text(r['last_updated'])}`,
};

const chargeback: TopicSpec = {
  eventTopic: 'chargeback',
  resourcePath: (id) => `/v1/chargebacks/${id}`,
  eventName: (r, { seen }) =>
    !seen || text(r['date_last_updated']) === text(r['date_created'])
      ? 'chargeback.opened'
      : 'chargeback.updated',
  eventKey: (id, r) =>
    `chargeback:${id}:${text(r['documentation_status'] ?? r['status'])}:${text(r['date_last_updated'] ?? r['last_modified'])}`,
  seenKey: (id) => `seen:chargeback:${id}`,
};

const order: TopicSpec = {
  eventTopic: 'order',
  resourcePath: (id) => `/v1/orders/${id}`,
  // The status table spells 'cancelled', the actions and QR samples 'canceled' (reference 3.2): one event.
  eventName: (r) => statusEvent('order', r['status'] === 'cancelled' ? 'canceled' : r['status']),
  eventKey: (id, r) =>
    `order:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['version'] ?? r['last_updated_date'])}`,
};

const agreement: TopicSpec = {
  eventTopic: 'agreement',
  resourcePath: (id) => `/v2/wallet_connect/agreements/${id}`,
  eventName: (r, { action }) => {
    if (r['status'] === 'cancelled') return 'agreement.cancelled';
    if (action === 'payment_method.updated') return 'agreement.payment_method_updated';
    return r['status'] === 'confirmed_by_user' ? 'agreement.confirmed' : undefined;
  },
  // A payment method change leaves the agreement as it was: the Wallet Connect event id tells changes apart.
  eventKey: (id, r, name, notificationId) =>
    name === 'agreement.payment_method_updated'
      ? `agreement:${id}:payment_method:${notificationId ?? ''}`
      : `agreement:${id}:${text(r['status'])}`,
};

const fraudAlert: TopicSpec = {
  eventTopic: 'fraud_alert',
  resourcePath: (id) => `/v1/payments/${id}`,
  eventName: () => 'fraud_alert.created',
  eventKey: (id) => `fraud_alert:${id}`,
  answerBeforeProcessing: true,
};

/** Topic names as Mercado Pago sends them, Webhooks and IPN alike (reference 3.1, pitfall 1). */
const TOPICS: ReadonlyMap<string, TopicSpec> = new Map([
  ['payment', payment],
  ['merchant_order', merchantOrder],
  ['merchant_orders', merchantOrder],
  ['topic_merchant_order_wh', merchantOrder],
  ['chargebacks', chargeback],
  ['chargeback', chargeback],
  ['topic_chargebacks_wh', chargeback],
  ['order', order],
  ['wallet_connect', agreement],
  ['stop_delivery_op_wh', fraudAlert],
  ['delivery_cancellation', fraudAlert],
]);

/** The spec of a topic as sent, or undefined for a topic this version does not type. */
export function topicSpec(topic: string): TopicSpec | undefined {
  return TOPICS.get(topic);
}
