// What `trigger` sends for each event name: one small entry per topic with the resource path, a resource
// template per state (named like the event's action part) and the delivery shape Mercado Pago uses for the topic.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import type { EventName, EventTopic } from '../event-names.js';

/** When a resource changes: step of the sequence (0 first), and the dates and counter that step carries. */
export interface ResourceChange {
  readonly step: number;
  /** ISO date the resource was created (the first step). */
  readonly createdAt: string;
  /** ISO date of this change. */
  readonly updatedAt: string;
  /** A counter that grows with each change (the Orders API `version`). */
  readonly version: number;
}

/** One state of a resource. */
export interface TriggerState {
  /** Fields of the resource in this state. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The body's `action` for this state, when not the topic's usual one. */
  readonly action?: string;
  /** Fields the body's `data` carries in this state (Wallet Connect and merchant orders repeat the status). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The delivery's topic, when it differs from the entry's. */
  readonly topic?: string;
  /** The state Mercado Pago notifies first, before this one can be told apart (a chargeback update). */
  readonly after?: string;
  /** Why the event may arrive under another name (printed by the CLI). */
  readonly note?: string;
}

/** How to trigger the events of one topic. */
export interface TopicTrigger<Action extends string = string> {
  /** The Webhooks `type`, e.g. `topic_chargebacks_wh`. */
  readonly topic: string;
  /** The IPN `topic` of the copy Mercado Pago also sends, when there is one. */
  readonly ipnTopic?: string;
  /** Wallet Connect events come on their own channel. */
  readonly channel: 'webhook' | 'wallet_connect';
  /** A fresh resource id, shaped like the real ones. */
  newResourceId(): string;
  /** The resource that contains this one, when the router's read path needs it (Card Updater: the customer). */
  readonly parentResourceId?: string;
  /** The resource in `state` at `change`; undefined when the router reads nothing. */
  resource(id: string, state: TriggerState, change: ResourceChange): Record<string, unknown> | undefined;
  /** The body's `action` for the first notification and for later changes, unless the state says. */
  readonly actions?: { readonly created: string; readonly updated: string };
  readonly states: Readonly<Record<Action, TriggerState>>;
}

/** The action parts of a topic's event names: `'approved' | 'pending' | ...` for `'payment'`. */
type ActionOf<T extends string> = EventName extends infer N
  ? N extends `${T}.${infer A}`
    ? A
    : never
  : never;

const digits = (length: number): string =>
  String(randomInt(1, 10)) + Array.from({ length: length - 1 }, () => randomInt(0, 10)).join('');
/** A JSON number that keeps every digit, as the API sends ids. */
const num = (id: string): LosslessNumber => new LosslessNumber(id);

function paymentResource(id: string, fields: TriggerState['fields'], change: ResourceChange) {
  return {
    id: num(id),
    date_created: change.createdAt,
    date_last_updated: change.updatedAt,
    transaction_amount: 100,
    currency_id: 'ARS',
    external_reference: `trigger-${id}`,
    payment_method_id: 'visa',
    payment_type_id: 'credit_card',
    live_mode: false,
    ...fields,
  };
}

const payment: TopicTrigger<ActionOf<'payment'>> = {
  topic: 'payment',
  ipnTopic: 'payment',
  channel: 'webhook',
  newResourceId: () => digits(11),
  resource: (id, { fields }, change) => paymentResource(id, fields, change),
  actions: { created: 'payment.created', updated: 'payment.updated' },
  states: {
    pending: { fields: { status: 'pending', status_detail: 'pending_waiting_payment' } },
    approved: { fields: { status: 'approved', status_detail: 'accredited' } },
    authorized: { fields: { status: 'authorized', status_detail: 'pending_capture' } },
    in_process: { fields: { status: 'in_process', status_detail: 'pending_review_manual' } },
    in_mediation: { fields: { status: 'in_mediation', status_detail: null } },
    rejected: { fields: { status: 'rejected', status_detail: 'cc_rejected_other_reason' } },
    cancelled: { fields: { status: 'cancelled', status_detail: 'by_collector' } },
    refunded: { fields: { status: 'refunded', status_detail: 'refunded' } },
    charged_back: { fields: { status: 'charged_back', status_detail: 'settled' } },
  },
};

const merchantOrder: TopicTrigger<ActionOf<'merchant_order'>> = {
  topic: 'topic_merchant_order_wh',
  ipnTopic: 'merchant_order',
  channel: 'webhook',
  newResourceId: () => digits(11),
  resource: (id, { fields }, change) => ({
    id: num(id),
    external_reference: `trigger-${id}`,
    date_created: change.createdAt,
    last_updated: change.updatedAt,
    total_amount: 100,
    payments: [],
    ...fields,
  }),
  actions: { created: 'create', updated: 'update' },
  states: {
    opened: { fields: { status: 'opened', order_status: 'payment_required' }, data: { status: 'opened' } },
    closed: {
      fields: { status: 'closed', order_status: 'paid', paid_amount: 100 },
      data: { status: 'closed' },
    },
    expired: { fields: { status: 'expired', order_status: 'expired' }, data: { status: 'expired' } },
  },
};

const chargeback: TopicTrigger<ActionOf<'chargeback'>> = {
  topic: 'topic_chargebacks_wh',
  ipnTopic: 'chargebacks',
  channel: 'webhook',
  newResourceId: () => `2330000${digits(11)}`, // above 2^53, as the real ids (reference 1.4)
  resource: (id, { fields }, change) => ({
    id: num(id),
    payments: [num(digits(11))],
    currency: 'ARS',
    amount: 100,
    documentation_required: true,
    date_created: change.createdAt,
    date_last_updated: change.updatedAt,
    live_mode: false,
    ...fields,
  }),
  states: {
    opened: { fields: { documentation_status: 'pending' } },
    updated: {
      fields: { documentation_status: 'review_pending' },
      after: 'opened',
      note: 'a chargeback update follows its opening, so chargeback.opened is sent first',
    },
  },
};

/** Orders API ids: `ORD01` and 21 upper-case letters and digits (reference 1.5). */
const orderId = (): string =>
  `ORD01${Array.from(randomBytes(21), (byte) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.charAt(byte % 32)).join('')}`;

function orderState(status: string, detail: string): TriggerState {
  return { fields: { status, status_detail: detail } };
}

const order: TopicTrigger<ActionOf<'order'>> = {
  topic: 'order',
  channel: 'webhook',
  newResourceId: orderId,
  resource: (id, { fields }, change) => ({
    id,
    type: 'online',
    external_reference: `trigger-${id}`,
    total_amount: '100.00',
    created_date: change.createdAt,
    last_updated_date: change.updatedAt,
    version: change.version,
    ...fields,
  }),
  states: {
    created: orderState('created', 'created'),
    processing: orderState('processing', 'in_process'),
    action_required: orderState('action_required', 'waiting_payment'),
    at_terminal: orderState('at_terminal', 'at_terminal'),
    processed: orderState('processed', 'accredited'),
    failed: orderState('failed', 'failed'),
    canceled: orderState('canceled', 'canceled'),
    expired: orderState('expired', 'expired'),
    refunded: orderState('refunded', 'refunded'),
    charged_back: orderState('charged_back', 'settled'),
  },
};

const agreement: TopicTrigger<ActionOf<'agreement'>> = {
  topic: 'wallet_connect',
  channel: 'wallet_connect',
  newResourceId: () => randomBytes(16).toString('hex'),
  resource: (id, { fields }, change) => ({
    id,
    date_created: change.createdAt,
    site_id: 'MLA',
    model_version: 1,
    ...fields,
  }),
  states: {
    confirmed: {
      fields: { status: 'confirmed_by_user' },
      action: 'status.updated',
      data: { status: 'confirmed_by_user' },
    },
    cancelled: { fields: { status: 'cancelled' }, action: 'status.updated', data: { status: 'cancelled' } },
    payment_method_updated: { fields: { status: 'confirmed_by_user' }, action: 'payment_method.updated' },
  },
};

const fraudAlert: TopicTrigger<ActionOf<'fraud_alert'>> = {
  topic: 'stop_delivery_op_wh',
  ipnTopic: 'delivery_cancellation',
  channel: 'webhook',
  newResourceId: () => digits(11),
  // The alert is about an approved payment: the router reads the payment (reference 3.1).
  resource: (id, { fields }, change) => paymentResource(id, fields, change),
  states: {
    created: { fields: { status: 'approved', status_detail: 'accredited' }, action: 'Created' },
  },
};

const hexId = (): string => randomBytes(16).toString('hex');

const subscription: TopicTrigger<ActionOf<'subscription'>> = {
  topic: 'subscription_preapproval',
  ipnTopic: 'preapproval',
  channel: 'webhook',
  newResourceId: hexId,
  resource: (id, { fields }, change) => ({
    id,
    payer_id: num(digits(10)),
    collector_id: num('1403498245'),
    reason: 'Trigger subscription',
    external_reference: `trigger-${id}`,
    date_created: change.createdAt,
    last_modified: change.updatedAt,
    auto_recurring: { frequency: 1, frequency_type: 'months', transaction_amount: 100, currency_id: 'ARS' },
    ...fields,
  }),
  actions: { created: 'created', updated: 'updated' },
  states: {
    pending: { fields: { status: 'pending' } },
    authorized: { fields: { status: 'authorized' } },
    paused: { fields: { status: 'paused' } },
    cancelled: { fields: { status: 'cancelled' } },
  },
};

const subscriptionPayment: TopicTrigger<ActionOf<'subscription_payment'>> = {
  topic: 'subscription_authorized_payment',
  ipnTopic: 'authorized_payment',
  channel: 'webhook',
  newResourceId: () => digits(10),
  resource: (id, { fields }, change) => ({
    id,
    preapproval_id: `trigger-${id}`,
    currency_id: 'ARS',
    transaction_amount: 100,
    date_created: change.createdAt,
    last_modified: change.updatedAt,
    debit_date: change.createdAt,
    retry_attempt: change.step,
    ...fields,
  }),
  actions: { created: 'created', updated: 'updated' },
  states: {
    scheduled: { fields: { status: 'scheduled', payment: null } },
    processed: {
      fields: {
        status: 'processed',
        payment: { id: digits(11), status: 'approved', status_detail: 'accredited' },
      },
    },
    recycling: {
      fields: {
        status: 'recycling',
        payment: { id: digits(11), status: 'rejected', status_detail: 'cc_rejected_insufficient_amount' },
      },
    },
    cancelled: { fields: { status: 'cancelled' } },
  },
};

const subscriptionPlan: TopicTrigger<ActionOf<'subscription_plan'>> = {
  topic: 'subscription_preapproval_plan',
  channel: 'webhook',
  newResourceId: hexId,
  resource: (id, { fields }, change) => ({
    id,
    reason: 'Trigger plan',
    date_created: change.createdAt,
    last_modified: change.updatedAt,
    auto_recurring: { frequency: 1, frequency_type: 'months', transaction_amount: 100, currency_id: 'ARS' },
    ...fields,
  }),
  actions: { created: 'created', updated: 'updated' },
  states: { active: { fields: { status: 'active' } }, inactive: { fields: { status: 'inactive' } } },
};

const application: TopicTrigger<ActionOf<'application'>> = {
  topic: 'mp-connect',
  channel: 'webhook',
  // The seller's user id: account linking has no read, its events are named from the signed delivery.
  newResourceId: () => digits(10),
  resource: () => undefined,
  states: {
    authorized: { fields: {}, action: 'application.authorized' },
    deauthorized: { fields: {}, action: 'application.deauthorized' },
  },
};

const pointIntent: TopicTrigger<ActionOf<'point_intent'>> = {
  topic: 'point_integration_wh',
  ipnTopic: 'point_integration_ipn',
  channel: 'webhook',
  newResourceId: () => randomUUID(),
  resource: (id, { fields }) => ({
    id,
    amount: 100,
    device_id: 'PAX_A910__SMARTPOS1234567890',
    payment: { id: num(digits(11)), type: 'credit_card' },
    additional_info: { external_reference: `trigger-${id}` },
    ...fields,
  }),
  // The flat body repeats the state (a hint: the router reads it).
  states: {
    open: { fields: { state: 'OPEN' }, data: { state: 'OPEN' } },
    finished: { fields: { state: 'FINISHED' }, data: { state: 'FINISHED' } },
    confirmation_required: {
      fields: { state: 'CONFIRMATION_REQUIRED' },
      data: { state: 'CONFIRMATION_REQUIRED' },
    },
    canceled: { fields: { state: 'CANCELED' }, data: { state: 'CANCELED' } },
    error: { fields: { state: 'ERROR' }, data: { state: 'ERROR' } },
  },
};

const claim: TopicTrigger<ActionOf<'claim'>> = {
  topic: 'topic_claims_integration_wh',
  channel: 'webhook',
  newResourceId: () => digits(10),
  resource: (id, { fields }, change) => ({
    id: num(id),
    resource: 'payment',
    resource_id: num(digits(11)),
    type: 'mediations',
    stage: 'claim',
    site_id: 'MLA',
    date_created: change.createdAt,
    last_updated: change.updatedAt,
    ...fields,
  }),
  actions: { created: 'created', updated: 'updated' },
  states: { opened: { fields: { status: 'opened' } }, closed: { fields: { status: 'closed' } } },
};

/** The customer whose cards `trigger card.updated` replaces. */
const TRIGGER_CUSTOMER_ID = '1234567890-trigger';

const card: TopicTrigger<ActionOf<'card'>> = {
  topic: 'automatic-payments',
  channel: 'webhook',
  newResourceId: () => digits(11),
  parentResourceId: TRIGGER_CUSTOMER_ID,
  resource: (id, { fields }, change) => ({
    id,
    customer_id: TRIGGER_CUSTOMER_ID,
    expiration_month: 11,
    expiration_year: 2030,
    first_six_digits: '450995',
    last_four_digits: id.slice(-4),
    payment_method: { id: 'visa', name: 'Visa', payment_type_id: 'credit_card' },
    date_created: change.createdAt,
    date_last_updated: change.updatedAt,
    live_mode: false,
    ...fields,
  }),
  states: { updated: { fields: {}, data: { customer_id: TRIGGER_CUSTOMER_ID } } },
};

const delivery: TopicTrigger<ActionOf<'delivery'>> = {
  topic: 'delivery',
  channel: 'webhook',
  newResourceId: () => digits(8),
  resource: (id, { fields }, change) => ({
    id: num(id),
    total_amount: 2500,
    currency_id: 'ARS',
    last_updated: change.updatedAt,
    ...fields,
  }),
  states: {
    updated: {
      fields: { status: 'ready_to_ship' },
      note: 'Delivery is answered 200 at once, then verified and read: the event follows the answer',
    },
  },
};

const notification: TopicTrigger<ActionOf<'notification'>> = {
  topic: 'payment',
  channel: 'webhook',
  newResourceId: () => digits(11),
  resource: (id, { fields, topic }, change) =>
    topic === undefined ? paymentResource(id, fields, change) : undefined,
  states: {
    received: {
      fields: { status: 'approved', status_detail: 'accredited' },
      note: 'a payment notification: it arrives as notification.received when the router has no accessToken',
    },
    unhandled: {
      fields: {},
      topic: 'topic_not_typed_wh',
      note: 'a topic this version does not type, as a new Mercado Pago product would send it',
    },
  },
};

/** Every topic's entry; the type makes a new event name fail to compile until it can be triggered. */
export const TOPIC_TRIGGERS: { readonly [T in EventTopic]: TopicTrigger<ActionOf<T>> } = {
  payment,
  merchant_order: merchantOrder,
  chargeback,
  order,
  agreement,
  fraud_alert: fraudAlert,
  subscription,
  subscription_payment: subscriptionPayment,
  subscription_plan: subscriptionPlan,
  application,
  point_intent: pointIntent,
  claim,
  card,
  delivery,
  notification,
};
