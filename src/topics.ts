import { isEventName, type EventName } from './event-names.js';
import type { ResourceByTopic } from './types.js';

/** The ids a read path is built from, already URL-encoded. */
export interface ResourceIds {
  readonly resourceId: string;
  /** The resource that contains it, when the path needs one (Card Updater: the customer). */
  readonly parentResourceId: string | undefined;
}

/**
 * What the router knows about one kind of notification: where to read it, how to name its events, and what
 * makes them trustworthy (README events table, column "what verifies it"):
 * - `confirmedBy: 'read'`: the event is named by the state of the resource read from the API at a path built from
 *   verified ids; an unsigned delivery (IPN) of such a topic can only report a true state;
 * - `confirmedBy: 'signature'`: no read can confirm the event (a fraud alert, a replaced card, an account link):
 *   it is emitted only on a verified, fresh, single-use signature, never from IPN or an unsigned delivery.
 */
export type TopicSpec = TopicSpecBase &
  (
    | {
        readonly confirmedBy: 'read';
        /**
         * The read state an event of this topic reports, as text: equal states are one event (Webhook and IPN
         * copies, resends). Built from the read resource only, never from the delivery.
         */
        stateKey(resourceId: string, resource: Fields): string;
      }
    | { readonly confirmedBy: 'signature'; readonly stateKey?: undefined }
  );

interface TopicSpecBase {
  /** Event name prefix, e.g. 'payment'. */
  readonly eventTopic: Exclude<keyof ResourceByTopic, 'notification'>;
  /**
   * The authoritative GET (reference 3.1); undefined when the delivery lacks an id the path needs. Absent when
   * the topic has no read at all (mp-connect).
   */
  resourcePath?(ids: ResourceIds): string | undefined;
  /**
   * Event name from the read state (`{}` for a topic without a read); undefined when the state has no name.
   * `signed` says whether the delivery carries a verified signature: only then may an unsigned hint such as the
   * action pick a signature-only event.
   */
  eventName(
    resource: Fields,
    context: { readonly action: string | undefined; readonly seen: boolean; readonly signed: boolean },
  ): EventName | undefined;
  /** Whether naming needs to know that an event for the resource was processed before (chargebacks). */
  readonly tracksSeen?: boolean;
  /**
   * Answer 200 as soon as the signature is checked, then read and run listeners; failures reach onError. For
   * topics Mercado Pago never retries (fraud alerts) or wants answered faster than a read (Delivery, 500 ms)
   * (reference 4).
   */
  readonly answerBeforeProcessing?: boolean;
  /**
   * Whether Mercado Pago signs this topic is not documented: x-signature is verified when present, and a
   * delivery without one is confirmed by the read instead (Wallet Connect, Delivery).
   */
  readonly signatureOptional?: boolean;
  /**
   * Genuine deliveries of this topic carry no `data.id`, so their signature covers only x-request-id and ts
   * (Card Updater, Point, Delivery). On every other topic such a signature is one copied from these topics.
   */
  readonly signedWithoutDataId?: boolean;
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
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/v1/payments/${resourceId}`,
  eventName: (r) => statusEvent('payment', r['status']),
  stateKey: (id, r) =>
    `payment:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['date_last_updated'])}`,
};

const merchantOrder: TopicSpec = {
  eventTopic: 'merchant_order',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/merchant_orders/${resourceId}`,
  eventName: (r) => statusEvent('merchant_order', r['status']),
  stateKey: (id, r) =>
    `merchant_order:${id}:${text(r['status'])}:${text(r['order_status'])}:${text(r['last_updated'])}`,
};

const chargeback: TopicSpec = {
  eventTopic: 'chargeback',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/v1/chargebacks/${resourceId}`,
  eventName: (r, { seen }) =>
    !seen || text(r['date_last_updated']) === text(r['date_created'])
      ? 'chargeback.opened'
      : 'chargeback.updated',
  stateKey: (id, r) =>
    `chargeback:${id}:${text(r['documentation_status'] ?? r['status'])}:${text(r['date_last_updated'] ?? r['last_modified'])}`,
  tracksSeen: true,
};

const order: TopicSpec = {
  eventTopic: 'order',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/v1/orders/${resourceId}`,
  // The status table spells 'cancelled', the actions and QR samples 'canceled' (reference 3.2): one event.
  eventName: (r) => statusEvent('order', spelled(r['status'], 'canceled')),
  stateKey: (id, r) =>
    `order:${id}:${text(r['status'])}:${text(r['status_detail'])}:${text(r['version'] ?? r['last_updated_date'])}`,
};

const agreement: TopicSpec = {
  eventTopic: 'agreement',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/v2/wallet_connect/agreements/${resourceId}`,
  eventName: (r, { action, signed }) => {
    if (r['status'] === 'cancelled') return 'agreement.cancelled';
    // The agreement read does not show the payment method: only a signed delivery can say it changed.
    if (signed && action === 'payment_method.updated') return 'agreement.payment_method_updated';
    return r['status'] === 'confirmed_by_user' ? 'agreement.confirmed' : undefined;
  },
  stateKey: (id, r) => `agreement:${id}:${text(r['status'])}:${text(r['date_cancelled'])}`,
  signatureOptional: true,
};

const fraudAlert: TopicSpec = {
  eventTopic: 'fraud_alert',
  // The read shows that the payment exists, not that an alert was raised.
  confirmedBy: 'signature',
  resourcePath: ({ resourceId }) => `/v1/payments/${resourceId}`,
  eventName: () => 'fraud_alert.created',
  answerBeforeProcessing: true,
};

const subscription: TopicSpec = {
  eventTopic: 'subscription',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/preapproval/${resourceId}`,
  eventName: (r) => statusEvent('subscription', spelled(r['status'], 'cancelled')),
  stateKey: (id, r) => `subscription:${id}:${text(r['status'])}:${text(r['last_modified'])}`,
};

const subscriptionPayment: TopicSpec = {
  eventTopic: 'subscription_payment',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/authorized_payments/${resourceId}`,
  eventName: (r) => statusEvent('subscription_payment', spelled(r['status'], 'cancelled')),
  // A retry changes the underlying payment and the attempt count while the charge stays 'recycling'.
  stateKey: (id, r) => {
    const charge = (r['payment'] ?? {}) as Fields;
    return `subscription_payment:${id}:${text(r['status'])}:${text(charge['status'])}:${text(charge['id'])}:${text(r['retry_attempt'])}:${text(r['last_modified'])}`;
  },
};

const subscriptionPlan: TopicSpec = {
  eventTopic: 'subscription_plan',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/preapproval_plan/${resourceId}`,
  eventName: (r) => statusEvent('subscription_plan', r['status']),
  stateKey: (id, r) => `subscription_plan:${id}:${text(r['status'])}:${text(r['last_modified'])}`,
};

const application: TopicSpec = {
  eventTopic: 'application',
  // No read names it (reference 3.1): the name comes from the unsigned action, which is why these deliveries must
  // be signed, fresh and single-use; GET /users/me with the seller's token confirms it where it can (handler).
  // Bare and dotted actions both occur.
  confirmedBy: 'signature',
  eventName: (_r, { action }) => statusEvent('application', action?.replace(/^application\./, '')),
};

const pointIntent: TopicSpec = {
  eventTopic: 'point_intent',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/point/integration-api/payment-intents/${resourceId}`,
  eventName: (r) => statusEvent('point_intent', spelled(text(r['state']).toLowerCase(), 'canceled')),
  stateKey: (id, r) => {
    const payment = (r['payment'] ?? {}) as Fields;
    return `point_intent:${id}:${text(r['state'])}:${text(payment['id'])}:${text(payment['state'])}`;
  },
  signedWithoutDataId: true,
};

const claim: TopicSpec = {
  eventTopic: 'claim',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/post-purchase/v1/claims/${resourceId}`,
  eventName: (r) => statusEvent('claim', r['status']),
  stateKey: (id, r) => `claim:${id}:${text(r['status'])}:${text(r['stage'])}:${text(r['last_updated'])}`,
};

const card: TopicSpec = {
  eventTopic: 'card',
  // The read shows that the card exists, not that Card Updater replaced it.
  confirmedBy: 'signature',
  resourcePath: ({ resourceId, parentResourceId }) =>
    parentResourceId === undefined ? undefined : `/v1/customers/${parentResourceId}/cards/${resourceId}`,
  eventName: () => 'card.updated',
  signedWithoutDataId: true,
};

const delivery: TopicSpec = {
  eventTopic: 'delivery',
  confirmedBy: 'read',
  resourcePath: ({ resourceId }) => `/proximity-integration/v1/orders/${resourceId}`,
  eventName: () => 'delivery.updated',
  // No published schema: the status and whichever last-update field the order has make its state.
  stateKey: (id, r) =>
    `delivery:${id}:${text(r['status'])}:${text(r['last_updated'] ?? r['date_last_updated'] ?? r['updated_at'])}`,
  answerBeforeProcessing: true,
  signatureOptional: true,
  signedWithoutDataId: true,
};

/** Topic names as Mercado Pago sends them, Webhooks and IPN alike (reference 3.1, pitfall 1). */
const TOPICS: ReadonlyMap<string, TopicSpec> = new Map<string, TopicSpec>([
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
