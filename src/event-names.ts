/**
 * Every event name the router can emit, as `topic.action`. The `EventName` type derives from this array,
 * so the runtime check in `on()` and the type cannot drift apart.
 */
export const EVENT_NAMES = [
  'payment.pending',
  'payment.approved',
  'payment.authorized',
  'payment.in_process',
  'payment.in_mediation',
  'payment.rejected',
  'payment.cancelled',
  'payment.refunded',
  'payment.charged_back',
  'merchant_order.opened',
  'merchant_order.closed',
  'merchant_order.expired',
  'chargeback.opened',
  'chargeback.updated',
  'order.created',
  'order.processing',
  'order.action_required',
  'order.at_terminal',
  'order.processed',
  'order.failed',
  'order.canceled',
  'order.expired',
  'order.refunded',
  'order.charged_back',
  'agreement.confirmed',
  'agreement.cancelled',
  'agreement.payment_method_updated',
  'fraud_alert.created',
  'subscription.pending',
  'subscription.authorized',
  'subscription.paused',
  'subscription.cancelled',
  'subscription_payment.scheduled',
  'subscription_payment.processed',
  'subscription_payment.recycling',
  'subscription_payment.cancelled',
  'subscription_plan.active',
  'subscription_plan.inactive',
  'application.authorized',
  'application.deauthorized',
  'point_intent.open',
  'point_intent.finished',
  'point_intent.confirmation_required',
  'point_intent.canceled',
  'point_intent.error',
  'claim.opened',
  'claim.closed',
  'card.updated',
  'delivery.updated',
  'notification.received',
  'notification.unhandled',
] as const;

/** A known event name, e.g. `'payment.approved'`. */
export type EventName = (typeof EVENT_NAMES)[number];

/** The part of an event name before the dot, e.g. `'payment'`. A listener on a topic hears all its events. */
export type EventTopic = EventName extends `${infer T}.${string}` ? T : never;

const EVENT_NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);
const EVENT_TOPIC_SET: ReadonlySet<string> = new Set(
  EVENT_NAMES.map((name) => name.slice(0, name.indexOf('.'))),
);

/** Whether `name` is a known event name. */
export function isEventName(name: string): name is EventName {
  return EVENT_NAME_SET.has(name);
}

/** Whether `name` is the topic part of known event names. */
export function isEventTopic(name: string): name is EventTopic {
  return EVENT_TOPIC_SET.has(name);
}

/**
 * Events that no API read can confirm (a fraud alert, a replaced card, an account link, a payment method change,
 * and what could not be read or named): emitted only on a verified, fresh, single-use signature, never from IPN
 * or an unsigned delivery. Every other event is named by the state of the resource read from the API.
 */
export const SIGNATURE_ONLY_EVENT_NAMES = [
  'fraud_alert.created',
  'application.authorized',
  'application.deauthorized',
  'card.updated',
  'agreement.payment_method_updated',
  'notification.received',
  'notification.unhandled',
] as const satisfies readonly EventName[];

const SIGNATURE_ONLY_EVENT_NAME_SET: ReadonlySet<string> = new Set(SIGNATURE_ONLY_EVENT_NAMES);

/** Whether `name` can only rest on a signature (see {@link SIGNATURE_ONLY_EVENT_NAMES}). */
export function isSignatureOnlyEvent(name: EventName): boolean {
  return SIGNATURE_ONLY_EVENT_NAME_SET.has(name);
}
