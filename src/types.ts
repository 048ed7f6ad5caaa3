import type { Router } from 'express';
import type { PaymentResponse } from 'mercadopago/dist/clients/payment/commonTypes.js';
import type { MerchantOrderResponse } from 'mercadopago/dist/clients/merchantOrder/commonTypes.js';
import type { OrderResponse } from 'mercadopago/dist/clients/order/commonTypes.js';
import type { ChargebackResponse } from 'mercadopago/dist/clients/chargeback/commonTypes.js';
import type { PreApprovalResponse } from 'mercadopago/dist/clients/preApproval/commonTypes.js';
import type { PreApprovalPlanResponse } from 'mercadopago/dist/clients/preApprovalPlan/commonTypes.js';
import type { InvoicePayment, InvoiceResponse } from 'mercadopago/dist/clients/invoice/commonTypes.js';
import type { CustomerCardResponse } from 'mercadopago/dist/clients/customerCard/commonTypes.js';
import type { PaymentIntentResponse } from 'mercadopago/dist/clients/point/commonTypes.js';
import type { EventName, EventTopic } from './event-names.js';
import type { MercadoPagoNotificationError } from './errors.js';
import type { DeliveryStore } from './store/types.js';

/** Keeps the SDK's resource fields and drops its HTTP wrapper (`api_response`), which a plain API read has not. */
type Resource<T> = Omit<T, 'api_response'>;

/** `GET /v1/payments/{id}` (SDK `PaymentResponse`). */
export type PaymentResource = Resource<PaymentResponse>;
/** `GET /merchant_orders/{id}` (SDK `MerchantOrderResponse`). */
export type MerchantOrderResource = Resource<MerchantOrderResponse>;
/** `GET /v1/orders/{id}` (SDK `OrderResponse`). */
export type OrderResource = Resource<OrderResponse>;
/**
 * `GET /v1/chargebacks/{id}`. The SDK type misses the fields of the API reference, which are added here;
 * `id` is a numeric string above 2^53.
 */
export type ChargebackResource = Resource<ChargebackResponse> & {
  payments?: Array<number | string>;
  currency?: string;
  coverage_applied?: boolean;
  /** Spelled this way by the API. */
  coverage_elegible?: boolean;
  documentation_required?: boolean;
  documentation_status?:
    'pending' | 'review_pending' | 'valid' | 'invalid' | 'not_supplied' | 'not_applicable' | (string & {});
  documentation?: unknown[];
  date_documentation_deadline?: string;
  date_last_updated?: string;
  live_mode?: boolean;
};
/** `GET /v2/wallet_connect/agreements/{id}` (no SDK type exists; fields from the API reference). */
export interface AgreementResource {
  id?: string;
  status?: 'confirmed_by_user' | 'cancelled' | (string & {});
  date_created?: string;
  date_cancelled?: string;
  date_expire?: string;
  validation_code?: string;
  approval_uri?: string;
  redirect_uri?: string;
  external_flow_id?: string;
  external_user?: unknown;
  agreement_data?: unknown;
  site_id?: string;
  application_id?: string | number;
  collector_id?: string | number;
  model_version?: number;
}

/** `GET /preapproval/{id}` (SDK `PreApprovalResponse`), with the statuses a subscription goes through. */
export type SubscriptionResource = Omit<Resource<PreApprovalResponse>, 'status'> & {
  status?: 'pending' | 'authorized' | 'paused' | 'cancelled' | (string & {});
  preapproval_plan_id?: string | null;
  card_id?: number | string | null;
};
/**
 * `GET /authorized_payments/{id}`: one charge of a subscription (SDK `InvoiceResponse`). `payment.status` is the
 * status of the underlying payment.
 */
export type SubscriptionPaymentResource = Omit<InvoiceResponse, 'status' | 'payment' | 'summarized'> & {
  status?: 'scheduled' | 'processed' | 'recycling' | 'cancelled' | (string & {});
  payment?: Partial<InvoicePayment> | null;
  summarized?: unknown;
};
/** `GET /preapproval_plan/{id}` (SDK `PreApprovalPlanResponse`). */
export type SubscriptionPlanResource = Omit<Resource<PreApprovalPlanResponse>, 'status'> & {
  status?: 'active' | 'inactive' | (string & {});
};
/**
 * `GET /point/integration-api/payment-intents/{id}` (SDK `PaymentIntentResponse`), with the fields of the legacy
 * Point notification. `payment.id` is the payment to read before delivering goods.
 */
export type PointIntentResource = Omit<Resource<PaymentIntentResponse>, 'state' | 'payment'> & {
  state?: 'OPEN' | 'FINISHED' | 'CONFIRMATION_REQUIRED' | 'CANCELED' | 'ERROR' | (string & {});
  payment?: {
    id?: number | string;
    state?: string;
    type?: string;
    installments?: number;
    installments_cost?: string;
    voucher_type?: string;
  };
  caller_id?: number | string;
  client_id?: number | string;
  created_at?: string;
};
/** `GET /post-purchase/v1/claims/{id}` (no SDK type exists; fields from the API reference). */
export interface ClaimResource {
  id?: number | string;
  resource_id?: number | string;
  /** What the claim is about, e.g. `'payment'` or `'order'`. */
  resource?: string;
  status?: 'opened' | 'closed' | (string & {});
  stage?: 'claim' | 'dispute' | 'recontact' | (string & {});
  type?: 'mediations' | 'cancel_purchase' | 'return' | (string & {});
  reason_id?: string;
  parent_id?: number | string | null;
  players?: unknown[];
  resolution?: unknown;
  site_id?: string;
  date_created?: string;
  last_updated?: string;
}
/** `GET /v1/customers/{customer_id}/cards/{card_id}`: the card Card Updater replaced (SDK `CustomerCardResponse`). */
export type CardResource = Resource<CustomerCardResponse>;
/**
 * `GET /proximity-integration/v1/orders/{shipment_id}` (Mercado Pago Delivery, Argentina). No SDK type and no
 * published schema: the fields below are the ones the router relies on; anything else is there as read.
 */
export interface DeliveryOrderResource {
  id?: number | string;
  status?: string;
  [field: string]: unknown;
}

/** The fetched resource type of each event topic. */
export interface ResourceByTopic {
  payment: PaymentResource;
  merchant_order: MerchantOrderResource;
  chargeback: ChargebackResource;
  order: OrderResource;
  agreement: AgreementResource;
  /** A fraud alert carries the payment it is about. */
  fraud_alert: PaymentResource;
  subscription: SubscriptionResource;
  subscription_payment: SubscriptionPaymentResource;
  subscription_plan: SubscriptionPlanResource;
  /**
   * Account linking (`mp-connect`) has no API read: nothing is fetched. The seller is `resourceId` (the body's
   * `user_id`); the event rests on the signature alone.
   */
  application: undefined;
  point_intent: PointIntentResource;
  claim: ClaimResource;
  card: CardResource;
  delivery: DeliveryOrderResource;
  /** Nothing could be read: see `delivery` for what arrived. */
  notification: unknown;
}

/** How a delivery reached the router. */
export type DeliveryChannel = 'webhook' | 'ipn' | 'wallet_connect';

/** How the router established that a delivery is genuine. */
export type VerifiedBy = 'signature' | 'api' | 'signature+api';

/** What arrived over HTTP, normalised: every id is a string. Nothing here is signed except what `verifiedBy` says. */
export interface Delivery {
  readonly channel: DeliveryChannel;
  /** Notification id from the body (not the resource id). */
  readonly id: string | undefined;
  /** `action` from the body (first of `actions` for chargebacks); a hint only. */
  readonly action: string | undefined;
  /** The topic as sent: the `type` of a Webhook, the `topic` of an IPN. */
  readonly topic: string;
  /** The `type` query or body value as sent, when there was one. */
  readonly type: string | undefined;
  /** Seller account (`user_id`), as a string. */
  readonly userId: string | undefined;
  readonly applicationId: string | undefined;
  readonly liveMode: boolean | undefined;
  /** `x-request-id` header. */
  readonly requestId: string | undefined;
  /** `x-retry` header, when sent. */
  readonly retry: number | undefined;
  readonly receivedAt: Date;
  /** The raw query string parameters (first value of each). */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed body; integers above 2^53 are kept as strings when the router parsed it. */
  readonly body: unknown;
}

/** An event delivered to listeners. Readonly: listeners share it. */
export interface MercadoPagoEvent<N extends EventName = EventName> {
  readonly name: N;
  readonly topic: N extends `${infer T}.${string}` ? T : never;
  /** Id of the resource the event is about (payment id, order id, agreement id, ...). */
  readonly resourceId: string;
  /** The resource read from the Mercado Pago API; undefined when nothing could be read for the topic. */
  readonly resource: N extends `${infer T extends keyof ResourceByTopic}.${string}`
    ? ResourceByTopic[T]
    : never;
  readonly verifiedBy: VerifiedBy;
  readonly delivery: Delivery;
}

/** The event listeners receive for a name, or the union of a topic's events for a topic. */
export type EventFor<K extends EventName | EventTopic> = K extends EventName
  ? MercadoPagoEventMap[K]
  : MercadoPagoEventMap[Extract<EventName, `${K}.${string}`>];

/** One entry per event name: the single source of truth for listener types. */
export type MercadoPagoEventMap = {
  [N in EventName]: N extends 'notification.unhandled'
    ? MercadoPagoEvent<N> & {
        /** False for a topic this version does not know; true for a known topic in a state it does not name. */
        readonly isKnownTopic: boolean;
      }
    : MercadoPagoEvent<N>;
};

/** Any event. */
export type AnyMercadoPagoEvent = MercadoPagoEventMap[EventName];

/** A listener. It may be async; the router waits for it before answering Mercado Pago. */
export type EventHandler<E> = (event: E) => unknown;

/** Receives every failure: listener errors (with their event), failed deliveries and work done after the answer. */
export type ErrorHandler = (error: MercadoPagoNotificationError, event?: AnyMercadoPagoEvent) => unknown;

/** What the access token resolver is told about a delivery. */
export interface AccessTokenContext {
  /** Seller account from the body `user_id`, when the delivery carried one. */
  readonly userId?: string;
  /** The topic as sent. */
  readonly topic: string;
  readonly resourceId: string;
}

/** Returns the access token of the seller that owns the resource (marketplaces: one token per seller). */
export type AccessTokenResolver = (context: AccessTokenContext) => string | Promise<string>;

/** Options of {@link mercadoPagoNotifications}. At least one of `secret` and `accessToken` is required. */
export interface MercadoPagoNotificationsOptions {
  /**
   * Secret signature(s) from Your integrations > Webhooks. Several while rotating, or the test-mode and
   * production secrets. Verifies the x-signature of Webhook and Wallet Connect deliveries.
   */
  secret?: string | readonly string[] | undefined;
  /** Access token used to read resources from the API, or a resolver per seller. Required to verify IPN. */
  accessToken?: string | AccessTokenResolver | undefined;
  /** @default 'https://api.mercadopago.com' */
  apiBaseUrl?: string | undefined;
  /** Replay window on the signature ts, in seconds, both ways. Off by default: retries may keep the original ts. */
  toleranceSeconds?: number | undefined;
  /** Reject every delivery that carries no verifiable signature (IPN included) with 401. @default false */
  requireSignature?: boolean | undefined;
  /** Budget for listeners before answering, in ms (Mercado Pago waits 22 s). @default 10000 */
  handlerTimeoutMs?: number | undefined;
  /** Budget for one API read, in ms. @default 5000 */
  fetchTimeoutMs?: number | undefined;
  /** Bounds of the default in-memory dedup store. Ignored when `store` is given. */
  dedup?:
    | {
        /** Entries kept. @default 50000 */
        max?: number | undefined;
        /** How long a processed delivery is remembered, in ms. @default 172800000 (48 h) */
        ttlMs?: number | undefined;
      }
    | undefined;
  /** Dedup store shared by several instances (for example Redis). @default in-memory lru-cache */
  store?: DeliveryStore | undefined;
  /** Route paths under the mount point. Each accepts every delivery format. */
  paths?:
    | {
        /** @default '/webhooks' */
        webhooks?: string | undefined;
        /** @default '/ipn' */
        ipn?: string | undefined;
        /** @default '/wallet-connect' */
        walletConnect?: string | undefined;
      }
    | undefined;
  /** Largest body accepted, in bytes. @default 65536 */
  bodyLimitBytes?: number | undefined;
  /** Longest time the body may take to arrive, in ms; a slower sender is answered 408. @default 10000 */
  bodyTimeoutMs?: number | undefined;
  /**
   * Most deliveries processed after an early 200 at once. Fraud alerts (never retried) and Delivery (answered
   * within 500 ms) are answered as soon as their signature is checked and processed afterwards; past this many
   * at once, a delivery is processed before it is answered, so a flood against a slow API holds requests open
   * instead of piling up work. @default 64
   */
  answerFirstConcurrency?: number | undefined;
  /** fetch implementation for API reads. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Clock in ms since the epoch, for tests. @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Development aid: mounts `GET <mount>/_inspector`, a live page of the last deliveries and why each failed.
   * Loopback clients only, and off when NODE_ENV is production, unless the object form says otherwise.
   * @default false
   */
  inspector?: boolean | InspectorOptions | undefined;
}

/** Options of the delivery inspector (`inspector: { ... }`; `inspector: true` takes every default). */
export interface InspectorOptions {
  /**
   * Also answer clients that are not on the loopback interface (127.0.0.0/8, ::1). The address is the socket's,
   * never X-Forwarded-For. @default false
   */
  allowRemote?: boolean | undefined;
  /** Turn the inspector on even when NODE_ENV is production. @default false */
  force?: boolean | undefined;
  /** Deliveries kept and shown; the oldest are dropped first (at most 10000). @default 100 */
  max?: number | undefined;
}

/** Listener registration methods added to the router. */
export interface NotificationEmitter {
  /** Listens to one event (`'payment.approved'`) or to every event of a topic (`'payment'`). */
  on<K extends EventName | EventTopic>(name: K, handler: EventHandler<EventFor<K>>): void;
  /** Removes a listener added with `on`. */
  off<K extends EventName | EventTopic>(name: K, handler: EventHandler<EventFor<K>>): void;
  /** Listens to every event. */
  onAny(handler: EventHandler<AnyMercadoPagoEvent>): void;
  /** Receives every failure; an error handler that throws is ignored. */
  onError(handler: ErrorHandler): void;
}

/** The Express router returned by {@link mercadoPagoNotifications}, with listener methods. */
export type MercadoPagoNotificationsRouter = Router & NotificationEmitter;
