// The bodies Mercado Pago sends, per topic (protocol reference 1.2 to 1.6). Ids that may exceed 2^53 are written
// as JSON numbers without losing digits, as the API does.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { LosslessNumber, stringify } from 'lossless-json';

/** Extra facts a body may carry beside the resource id. */
export interface BodyParts {
  /** The `action` field (a hint only: the router reads the resource). */
  readonly action?: string | undefined;
  /** Fields merged into `data`, e.g. `{ status: 'cancelled' }` for Wallet Connect. */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  /** Seller account (`user_id`). */
  readonly userId?: string | undefined;
}

const API_VERSION = 'v1';
const DEFAULT_USER_ID = '1403498245';
/** Where the IPN body's `resource` URL points, per IPN topic (reference 1.3); others use `/<topic>/<id>`. */
const IPN_RESOURCE_PATHS: Readonly<Record<string, string>> = {
  payment: 'collections/notifications',
  merchant_order: 'merchant_orders',
  chargebacks: 'chargebacks',
  authorized_payment: 'authorized_payments',
  point_integration_ipn: 'point/integration-api/payment-intents',
};
/** The `entity` of each subscription topic's envelope (reference 1.4). */
const SUBSCRIPTION_ENTITIES: Readonly<Record<string, string>> = {
  subscription_preapproval: 'preapproval',
  subscription_authorized_payment: 'authorized_payment',
  subscription_preapproval_plan: 'preapproval_plan',
};

/** A JSON number when `id` is all digits (any size), the string otherwise. */
function idValue(id: string): LosslessNumber | string {
  return /^[1-9]\d*$/.test(id) ? new LosslessNumber(id) : id;
}

/** Serializes a body, keeping big integers exact. */
function text(body: unknown): string {
  return stringify(body) ?? '';
}

/**
 * The query Mercado Pago appends to a Webhook: `data.id` and `type`, except for the topics whose ids are only in
 * the body: Point and Delivery send `topic`, Card Updater `type=automatic-payments` (reference 1.4).
 */
export function buildWebhookQuery(topic: string, resourceId: string): Record<string, string> {
  if (topic === 'point_integration_wh' || topic === 'delivery') return { topic };
  if (topic === 'topic_card_id_wh' || topic === 'automatic-payments') return { type: 'automatic-payments' };
  return { 'data.id': resourceId, type: topic };
}

/** A Webhooks body for `topic` about `resourceId`, shaped as Mercado Pago sends that topic. */
export function buildWebhookBody(topic: string, resourceId: string, parts: BodyParts = {}): string {
  const { action, data = {} } = parts;
  const userId = idValue(parts.userId ?? DEFAULT_USER_ID);
  const now = new Date().toISOString();
  const notificationId = new LosslessNumber(String(randomInt(1e11, 2 ** 47)));
  switch (topic) {
    case 'topic_merchant_order_wh': {
      // No data.id: the merchant order id is the body `id`; the status is in `data` and at the top (reference 1.4).
      const merchantOrderData = { currency_id: '', marketplace: 'NONE', status: 'opened', ...data };
      return text({
        action: action ?? 'update',
        application_id: '7910800073137785',
        data: merchantOrderData,
        date_created: now,
        id: resourceId,
        live_mode: false,
        status: merchantOrderData.status,
        type: topic,
        user_id: userId,
        version: 1,
      });
    }
    case 'topic_chargebacks_wh':
      // `actions` is an array; data.id and application_id are JSON numbers above 2^53 (reference 1.4).
      return text({
        actions: [action ?? 'changed_case_status'],
        api_version: API_VERSION,
        application_id: new LosslessNumber('9007201037432481'),
        data: { checkout: 'PRO', id: idValue(resourceId), site_id: 'MLA', ...data },
        date_created: now,
        id: notificationId,
        live_mode: false,
        type: topic,
        user_id: userId,
        version: Math.floor(Date.now() / 1000),
      });
    case 'stop_delivery_op_wh':
      // Fraud alert: no data.id, the payment id in data.payment_id and in the body `id` (reference 1.4).
      return text({
        action: action ?? 'Created',
        api_version: API_VERSION,
        data: { description: 'fraud alert', payment_id: idValue(resourceId), site_id: 'MLA', ...data },
        date_created: now,
        id: resourceId,
        live_mode: false,
        type: topic,
        user_id: userId,
        version: 1,
      });
    case 'subscription_preapproval':
    case 'subscription_authorized_payment':
    case 'subscription_preapproval_plan':
      // `entity`, `date` instead of date_created, a version counter and a bare action (reference 1.4).
      return text({
        action: action ?? 'updated',
        application_id: new LosslessNumber('6245132082630004'),
        data: { id: resourceId, ...data },
        date: now,
        entity: SUBSCRIPTION_ENTITIES[topic],
        id: notificationId,
        type: topic,
        version: 1,
      });
    case 'mp-connect':
      // Account linking: the seller is the resource (`user_id`); data.id names nothing (reference 1.4).
      return text({
        action: action ?? 'application.authorized',
        api_version: API_VERSION,
        data: { id: resourceId, ...data },
        date_created: now,
        id: notificationId,
        live_mode: false,
        type: topic,
        user_id: idValue(parts.userId ?? resourceId),
      });
    case 'automatic-payments':
    case 'topic_card_id_wh':
      // Card Updater: type automatic-payments, no data.id, the customer and both card ids (reference 1.4).
      return text({
        action: action ?? 'card.updated',
        api_version: API_VERSION,
        application_id: new LosslessNumber('8339021212080291'),
        data: {
          new_card_id: idValue(resourceId),
          old_card_id: new LosslessNumber(String(randomInt(1e10, 9e10))),
          ...data,
        },
        date_created: now,
        id: randomBytes(16).toString('hex'),
        live_mode: false,
        type: 'automatic-payments',
        user_id: userId,
        version: 1,
      });
    case 'point_integration_wh':
      // Legacy Point sends the payment intent itself, with no envelope (reference 1.4); `data` goes to the top.
      return text({
        amount: 100,
        caller_id: new LosslessNumber('9876543'),
        client_id: new LosslessNumber('1234567890'),
        created_at: now,
        id: resourceId,
        payment: {
          id: new LosslessNumber(String(randomInt(1e10, 9e10))),
          state: 'approved',
          type: 'credit_card',
        },
        state: 'FINISHED',
        additional_info: { external_reference: `trigger-${resourceId}` },
        ...data,
      });
    case 'topic_claims_integration_wh':
      // data.resource is the path to read the claim (reference 1.4).
      return text({
        action: action ?? 'updated',
        api_version: API_VERSION,
        data: { id: resourceId, resource: `/post-purchase/v1/claims/${resourceId}`, ...data },
        date_created: now,
        id: notificationId,
        live_mode: false,
        type: topic,
        user_id: userId,
      });
    case 'delivery':
      // Mercado Pago Delivery sends a feed-style body; the shipment is the last segment of `resource` (reference 1.4).
      return text({
        _id: randomUUID(),
        topic,
        resource: `/shipments/${resourceId}`,
        user_id: userId,
        application_id: '924152943338358',
        sent: now,
        attempts: 1,
        received: now,
        actions: [],
      });
    case 'wallet_connect':
      // Wallet Connect's own envelope: an event id for dedup, `entity`, `date`, `model_version` (reference 1.6).
      return text({
        id: randomBytes(16).toString('hex'),
        type: topic,
        entity: 'agreement',
        action: action ?? 'status.updated',
        date: now,
        model_version: 1,
        version: 0,
        data: { id: resourceId, ...data },
      });
    default:
      return text({
        action: action ?? `${topic}.updated`,
        api_version: API_VERSION,
        // The Orders samples carry the application; payment deliveries were seen without it (reference 1.2).
        ...(topic === 'order' ? { application_id: '76506430185983' } : {}),
        data: { id: resourceId, ...data },
        date_created: now,
        id: notificationId,
        live_mode: false,
        type: topic,
        user_id: userId,
      });
  }
}

/** The IPN ("Feed v2.0") body: `{ resource, topic }` (reference 1.3). */
export function buildIpnBody(topic: string, resourceId: string): string {
  const path = IPN_RESOURCE_PATHS[topic] ?? topic;
  return JSON.stringify({ resource: `https://api.mercadolibre.com/${path}/${resourceId}`, topic });
}
