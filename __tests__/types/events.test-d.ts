// Type tests: compiled by `npx tsc -p tsconfig.test.json`, never run by jest. Each `@ts-expect-error` line must
// fail to compile; tsc reports an unused directive if it ever compiles.
import express from 'express';
import {
  mercadoPagoNotifications,
  signNotification,
  notificationUrl,
  type AgreementResource,
  type AnyMercadoPagoEvent,
  type CardResource,
  type ChargebackResource,
  type ClaimResource,
  type ConfigurationWarningCode,
  type DeliveryOrderResource,
  type DeliveryChannel,
  type EventName,
  type MercadoPagoNotificationError,
  type MercadoPagoNotificationErrorCode,
  type MerchantOrderResource,
  type OrderResource,
  type PaymentResource,
  type PointIntentResource,
  type SubscriptionPaymentResource,
  type SubscriptionPlanResource,
  type SubscriptionResource,
  type VerifiedBy,
} from '../../src/index.js';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** `expectType<Expected>()(value)` compiles only when the value's type is exactly Expected. */
function expectType<Expected>() {
  return <Actual>(
    value: Actual,
    ..._exact: Equal<Actual, Expected> extends true ? [] : ['type mismatch']
  ): Actual => value;
}

const mp = mercadoPagoNotifications({ secret: 'secret', accessToken: 'token' });

// The router mounts like any Express router.
express().use('/mercadopago', mp);

// An exact event name gives that topic's resource type.
mp.on('payment.approved', (e) => {
  const amount: number | undefined = e.resource.transaction_amount;
  expectType<PaymentResource>()(e.resource);
  expectType<'payment.approved'>()(e.name);
  expectType<'payment'>()(e.topic);
  expectType<string>()(e.resourceId);
  return amount;
});

// A topic listener receives the union of that topic's events.
mp.on('payment', (e) => {
  expectType<
    | 'payment.pending'
    | 'payment.approved'
    | 'payment.authorized'
    | 'payment.in_process'
    | 'payment.in_mediation'
    | 'payment.rejected'
    | 'payment.cancelled'
    | 'payment.refunded'
    | 'payment.charged_back'
  >()(e.name);
  expectType<PaymentResource>()(e.resource);
});

mp.on('merchant_order.closed', (e) => expectType<MerchantOrderResource>()(e.resource));
mp.on('order', (e) => expectType<OrderResource>()(e.resource));
mp.on('agreement.cancelled', (e) => expectType<AgreementResource>()(e.resource));
mp.on('fraud_alert.created', (e) => expectType<PaymentResource>()(e.resource));
mp.on('chargeback', (e) => {
  expectType<'chargeback.opened' | 'chargeback.updated'>()(e.name);
  expectType<ChargebackResource>()(e.resource);
  const id: string | undefined = e.resource.id;
  // @ts-expect-error a chargeback has no transaction_amount (that is a payment field)
  return [id, e.resource.transaction_amount];
});

// Every topic has its resource type; statuses are open unions that still suggest the known values.
mp.on('subscription.authorized', (e) => {
  expectType<SubscriptionResource>()(e.resource);
  const status: 'pending' | 'authorized' | 'paused' | 'cancelled' | (string & {}) | undefined =
    e.resource.status;
  const reason: string | undefined = e.resource.reason;
  return [status, reason, e.resource.auto_recurring?.transaction_amount];
});
mp.on('subscription', (e) => {
  expectType<
    'subscription.pending' | 'subscription.authorized' | 'subscription.paused' | 'subscription.cancelled'
  >()(e.name);
});
mp.on('subscription_payment.processed', (e) => {
  expectType<SubscriptionPaymentResource>()(e.resource);
  const paymentStatus: string | undefined = e.resource.payment?.status;
  return [paymentStatus, e.resource.preapproval_id, e.resource.retry_attempt];
});
mp.on('subscription_payment', (e) => {
  expectType<
    | 'subscription_payment.scheduled'
    | 'subscription_payment.processed'
    | 'subscription_payment.recycling'
    | 'subscription_payment.cancelled'
  >()(e.name);
});
mp.on('subscription_plan.inactive', (e) => {
  expectType<SubscriptionPlanResource>()(e.resource);
  return e.resource.status === 'inactive';
});
mp.on('application', (e) => {
  expectType<'application.authorized' | 'application.deauthorized'>()(e.name);
  // No read exists for account linking: the seller is the resource id.
  expectType<undefined>()(e.resource);
  expectType<string>()(e.resourceId);
  // @ts-expect-error an account-linking event has no resource to read fields from
  return e.resource.user_id;
});
mp.on('point_intent', (e) => {
  expectType<
    | 'point_intent.open'
    | 'point_intent.finished'
    | 'point_intent.confirmation_required'
    | 'point_intent.canceled'
    | 'point_intent.error'
  >()(e.name);
  expectType<PointIntentResource>()(e.resource);
  const paymentId: number | string | undefined = e.resource.payment?.id;
  return [paymentId, e.resource.state, e.resource.amount];
});
mp.on('claim.closed', (e) => {
  expectType<ClaimResource>()(e.resource);
  const stage: 'claim' | 'dispute' | 'recontact' | (string & {}) | undefined = e.resource.stage;
  return stage;
});
mp.on('card.updated', (e) => {
  expectType<CardResource>()(e.resource);
  const last4: string | undefined = e.resource.last_four_digits;
  // @ts-expect-error the SDK's HTTP wrapper is not part of a plain API read
  return [last4, e.resource.api_response];
});
mp.on('delivery.updated', (e) => {
  expectType<DeliveryOrderResource>()(e.resource);
  const status: string | undefined = e.resource.status;
  return status;
});

// @ts-expect-error misspelled event name
mp.on('payment.aproved', () => undefined);
// @ts-expect-error misspelled new event names do not compile either
mp.on('subscription.canceled', () => undefined);
// @ts-expect-error Point events use the lower-case state
mp.on('point_intent.FINISHED', () => undefined);
// @ts-expect-error the Mercado Pago topic is not an event topic: listen to 'subscription'
mp.on('subscription_preapproval', () => undefined);
// @ts-expect-error nor is mp-connect: listen to 'application'
mp.on('mp-connect', () => undefined);
// @ts-expect-error claim events are opened and closed
mp.on('claim.updated', () => undefined);
// @ts-expect-error unknown event name
mp.on('nope', () => undefined);
// @ts-expect-error '*' is not an event name: use onAny
mp.on('*', () => undefined);
// @ts-expect-error the raw Mercado Pago topic is not an event topic
mp.on('topic_chargebacks_wh', () => undefined);
// @ts-expect-error a payment handler does not fit an order event
mp.on('order.processed', (e: { resource: PaymentResource; name: 'payment.approved' }) => e);

// Events are readonly: listeners share them.
mp.on('payment.approved', (e) => {
  // @ts-expect-error name is readonly
  e.name = 'payment.approved';
  // @ts-expect-error resourceId is readonly
  e.resourceId = '1';
  // @ts-expect-error delivery fields are readonly
  e.delivery.userId = '1';
});

// notification.unhandled carries isKnownTopic; other events do not.
mp.on('notification.unhandled', (e) => {
  const known: boolean = e.isKnownTopic;
  expectType<unknown>()(e.resource);
  return known;
});
mp.on('payment.approved', (e) => {
  // @ts-expect-error only notification.unhandled has isKnownTopic
  return e.isKnownTopic;
});

// onAny receives every event, narrowed by name.
mp.onAny((e) => {
  expectType<AnyMercadoPagoEvent>()(e);
  expectType<EventName>()(e.name);
  expectType<VerifiedBy>()(e.verifiedBy);
  expectType<DeliveryChannel>()(e.delivery.channel);
  if (e.name === 'payment.approved') expectType<PaymentResource>()(e.resource);
  if (e.name === 'chargeback.updated') expectType<ChargebackResource>()(e.resource);
});

mp.onError((error, event) => {
  expectType<MercadoPagoNotificationError>()(error);
  expectType<MercadoPagoNotificationErrorCode>()(error.code);
  expectType<AnyMercadoPagoEvent | undefined>()(event);
});

const onApproved = (e: { name: 'payment.approved' }): string => e.name;
mp.on('payment.approved', onApproved);
mp.off('payment.approved', onApproved);
// @ts-expect-error off checks names like on
mp.off('payment.aproved', onApproved);

// Options: misspelled or unknown names do not compile.
// @ts-expect-error unknown option `secrets` (did you mean `secret`?)
mercadoPagoNotifications({ secrets: 'x' });
// @ts-expect-error unknown option `acessToken`
mercadoPagoNotifications({ secret: 'x', acessToken: 'y' });
// @ts-expect-error unknown nested option `dedup.ttl`
mercadoPagoNotifications({ secret: 'x', dedup: { ttl: 1 } });
// @ts-expect-error unknown paths key
mercadoPagoNotifications({ secret: 'x', paths: { payments: '/p' } });
// @ts-expect-error secret must be a string or a list of strings
mercadoPagoNotifications({ secret: 42 });

mercadoPagoNotifications({
  secret: ['new', 'old'],
  accessToken: async (ctx) => {
    expectType<string | undefined>()(ctx.userId);
    expectType<string>()(ctx.topic);
    expectType<string>()(ctx.resourceId);
    return 'token';
  },
  dedup: { max: 10, ttlMs: 1000 },
  paths: { ipn: '/feed' },
});

// The inspector takes a boolean or its options object.
mercadoPagoNotifications({ secret: 's', inspector: true });
mercadoPagoNotifications({ secret: 's', inspector: { allowRemote: true, force: false, max: 50 } });
// @ts-expect-error inspector.allowRemote is a boolean
mercadoPagoNotifications({ secret: 's', inspector: { allowRemote: 'yes' } });
// @ts-expect-error inspector has no port option (it is mounted on the router)
mercadoPagoNotifications({ secret: 's', inspector: { port: 3001 } });

// notificationUrl: a string or URL base, two optional options, a string result.
const url: string = notificationUrl('https://shop.example.com/mp/webhooks', {
  sourceNews: 'webhooks',
  seller: 's1',
});
notificationUrl(new URL('https://shop.example.com/mp/webhooks'));
// @ts-expect-error sourceNews is 'webhooks' or 'ipn'
notificationUrl('https://shop.example.com/mp/webhooks', { sourceNews: 'webhook' });
// @ts-expect-error unknown option `client` (the option is `seller`)
notificationUrl('https://shop.example.com/mp/webhooks', { client: 's1' });
// @ts-expect-error seller is a string
notificationUrl('https://shop.example.com/mp/webhooks', { seller: 42 });

const warningCode: ConfigurationWarningCode = 'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN';
// @ts-expect-error not a warning code
const badWarningCode: ConfigurationWarningCode = 'NO_ACCESS_TOKEN';

const header: string = signNotification({ secret: 's', dataId: '1', requestId: 'r', ts: 1766237532 });
// @ts-expect-error secret is required
signNotification({ dataId: '1' });
export { header, url, warningCode, badWarningCode };
