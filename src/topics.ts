import { isEventName, type EventName } from './event-names.js';
import type { ResourceByTopic } from './types.js';

/** The ids a read path is built from, already URL-encoded. */
export interface ResourceIds {
  readonly resourceId: string;
  /** The resource that contains it, when the path needs one (Card Updater: the customer). */
  readonly parentResourceId: string | undefined;
}

/** What the router knows about one kind of notification: where to read it and how to name its events. */
export interface TopicSpec {
  /** Event name prefix, e.g. 'payment'. */
  readonly eventTopic: Exclude<keyof ResourceByTopic, 'notification'>;
  /**
   * The authoritative GET (reference 3.1); undefined when the delivery lacks an id the path needs. Absent when
   * the topic has no read at all (mp-connect): its events rest on the signature alone, named from the delivery.
   */
  resourcePath?(ids: ResourceIds): string | undefined;
  /** Event name from the fetched state (`{}` for a topic without a read); undefined when it has no name of its own. */
  eventName(
    resource: Fields,
    context: { readonly action: string | undefined; readonly seen: boolean },
  ): EventName | undefined;
  /**
   * Identifies the state the event reports: equal keys are one event (Webhook + IPN copies, resends). Undefined
   * when there is no read state to key: the delivery key and the single-use signature deduplicate the event.
   */
  eventKey(
    resourceId: string,
    resource: Fields,
    name: EventName,
    notificationId: string | undefined,
  ): string | undefined;
  /** Key recorded once an event for the resource was processed, when naming needs to know (chargebacks). */
  seenKey?(resourceId: string): string;
  /**
   * Answer 200 before verifying, reading and running listeners; failures reach onError. For topics Mercado Pago
   * never retries (fraud alerts) or wants answered faster than a read (Delivery, 500 ms) (reference 4).
   */
  readonly answerBeforeProcessing?: boolean;
  /**
   * Whether Mercado Pago signs this topic is not documented: x-signature is verified when present, and a
   * delivery without one is confirmed by the read instead (Wallet Connect, Delivery).
   */
  readonly signatureOptional?: boolean;
}

type Fields = Readonly<Record<string, unknown>>;

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function statusEvent(prefix: string, status: unknown): EventName | undefined {
  const name = `${prefix}.${text(status)}`;
  return isEventName(name) ? name : undefined;
}

/** `cancelled` and `canceled` both occur (reference pitfall 15): one spelling per topic. */
function spelled(status: unknown, canceled: 'cancelled' | 'canceled'): unknown {
  return status === 'cancelled' || status === 'canceled' ? canceled : status;
}

const payment: TopicSpec = {
  eventTopic: 'payment',
  resourcePath: ({ resourceId }) => `/v1/payments/${resourceId}`,
  eventName: (r) => statusEvent('payment', r['status']),
  eventKey: (id, r) =>
    `payment:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['date_last_updated'])}`,
};

const merchantOrder: TopicSpec = {
  eventTopic: 'merchant_order',
  resourcePath: ({ resourceId }) => `/merchant_orders/${resourceId}`,
  eventName: (r) => statusEvent('merchant_order', r['status']),
  eventKey: (id, r) =>
    `merchant_order:${id}:${text(r['status'])}:${text(r['order_status'])}:${text(r['last_updated'])}`,
};

const chargeback: TopicSpec = {
  eventTopic: 'chargeback',
  resourcePath: ({ resourceId }) => `/v1/chargebacks/${resourceId}`,
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
  resourcePath: ({ resourceId }) => `/v1/orders/${resourceId}`,
  // The status table spells 'cancelled', the actions and QR samples 'canceled' (reference 3.2): one event.
  eventName: (r) => statusEvent('order', spelled(r['status'], 'canceled')),
  eventKey: (id, r) =>
    `order:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['version'] ?? r['last_updated_date'])}`,
};

const agreement: TopicSpec = {
  eventTopic: 'agreement',
  resourcePath: ({ resourceId }) => `/v2/wallet_connect/agreements/${resourceId}`,
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
  signatureOptional: true,
};

const fraudAlert: TopicSpec = {
  eventTopic: 'fraud_alert',
  resourcePath: ({ resourceId }) => `/v1/payments/${resourceId}`,
  eventName: () => 'fraud_alert.created',
  eventKey: (id) => `fraud_alert:${id}`,
  answerBeforeProcessing: true,
};

const subscription: TopicSpec = {
  eventTopic: 'subscription',
  resourcePath: ({ resourceId }) => `/preapproval/${resourceId}`,
  eventName: (r) => statusEvent('subscription', spelled(r['status'], 'cancelled')),
  eventKey: (id, r) => `subscription:${id}:${text(r['status'])}:${text(r['last_modified'])}`,
};

const subscriptionPayment: TopicSpec = {
  eventTopic: 'subscription_payment',
  resourcePath: ({ resourceId }) => `/authorized_payments/${resourceId}`,
  eventName: (r) => statusEvent('subscription_payment', spelled(r['status'], 'cancelled')),
  // A retry changes the underlying payment and the attempt count while the charge stays 'recycling'.
  eventKey: (id, r) => {
    const charge = (r['payment'] ?? {}) as Fields;
    return `subscription_payment:${id}:${text(r['status'])}:${text(charge['status'])}:${text(charge['id'])}:${text(r['retry_attempt'])}:${text(r['last_modified'])}`;
  },
};

const subscriptionPlan: TopicSpec = {
  eventTopic: 'subscription_plan',
  resourcePath: ({ resourceId }) => `/preapproval_plan/${resourceId}`,
  eventName: (r) => statusEvent('subscription_plan', r['status']),
  eventKey: (id, r) => `subscription_plan:${id}:${text(r['status'])}:${text(r['last_modified'])}`,
};

const application: TopicSpec = {
  eventTopic: 'application',
  // No read exists (reference 3.1): the name comes from the unsigned action, which is why these deliveries must
  // be signed, fresh and single-use (verification.ts, dedup-keys.ts). Bare and dotted actions both occur.
  eventName: (_r, { action }) => statusEvent('application', action?.replace(/^application\./, '')),
  eventKey: () => undefined,
};

const pointIntent: TopicSpec = {
  eventTopic: 'point_intent',
  resourcePath: ({ resourceId }) => `/point/integration-api/payment-intents/${resourceId}`,
  eventName: (r) => statusEvent('point_intent', spelled(text(r['state']).toLowerCase(), 'canceled')),
  eventKey: (id, r) => {
    const payment = (r['payment'] ?? {}) as Fields;
    return `point_intent:${id}:${text(r['state'])}:${text(payment['id'])}:${text(payment['state'])}`;
  },
};

const claim: TopicSpec = {
  eventTopic: 'claim',
  resourcePath: ({ resourceId }) => `/post-purchase/v1/claims/${resourceId}`,
  eventName: (r) => statusEvent('claim', r['status']),
  eventKey: (id, r) => `claim:${id}:${text(r['status'])}:${text(r['stage'])}:${text(r['last_updated'])}`,
};

const card: TopicSpec = {
  eventTopic: 'card',
  resourcePath: ({ resourceId, parentResourceId }) =>
    parentResourceId === undefined ? undefined : `/v1/customers/${parentResourceId}/cards/${resourceId}`,
  eventName: () => 'card.updated',
  eventKey: (id, r) => `card:${text(r['customer_id'])}:${id}:${text(r['date_last_updated'])}`,
};

const delivery: TopicSpec = {
  eventTopic: 'delivery',
  resourcePath: ({ resourceId }) => `/proximity-integration/v1/orders/${resourceId}`,
  eventName: () => 'delivery.updated',
  // No published schema to key a state on: each notification (`_id`) is one event; resends keep their `_id`.
  eventKey: (id, r, _name, notificationId) => `delivery:${id}:${text(r['status'])}:${notificationId ?? ''}`,
  answerBeforeProcessing: true,
  signatureOptional: true,
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
  ['subscription_preapproval', subscription],
  ['preapproval', subscription],
  ['subscription_authorized_payment', subscriptionPayment],
  ['authorized_payment', subscriptionPayment],
  ['subscription_preapproval_plan', subscriptionPlan],
  ['mp-connect', application],
  ['point_integration_wh', pointIntent],
  ['point_integration_ipn', pointIntent],
  ['topic_claims_integration_wh', claim],
  ['claim', claim],
  ['topic_card_id_wh', card],
  ['automatic-payments', card],
  ['delivery', delivery],
]);

/** The spec of a topic as sent, or undefined for a topic this version does not type. */
export function topicSpec(topic: string): TopicSpec | undefined {
  return TOPICS.get(topic);
}
