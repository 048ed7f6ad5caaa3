// Deliveries as the trust oracle's model sees them: the genuine ones Mercado Pago signs (captured, so that an
// attacker may copy their signature), and any request the oracle sent, read the documented way (reference 2.10:
// channel by the query first, then by the body; IPN is never signed).
import { signNotification } from '../src/index.js';
import { TOOL_SECRET } from './fuzz-setup.js';
import type { Family, StoredResource } from './trust-world.js';
import type { WireRequest } from './wire.js';

/** Topic names as Mercado Pago sends them, Webhooks and IPN alike, and the family of events each reads. */
export const TOPIC_FAMILIES: Readonly<Record<string, Family>> = {
  payment: 'payment',
  merchant_order: 'merchant_order',
  merchant_orders: 'merchant_order',
  topic_merchant_order_wh: 'merchant_order',
  chargebacks: 'chargeback',
  chargeback: 'chargeback',
  topic_chargebacks_wh: 'chargeback',
  order: 'order',
  wallet_connect: 'agreement',
  stop_delivery_op_wh: 'fraud_alert',
  delivery_cancellation: 'fraud_alert',
  subscription_preapproval: 'subscription',
  preapproval: 'subscription',
  subscription_authorized_payment: 'subscription_payment',
  authorized_payment: 'subscription_payment',
  subscription_preapproval_plan: 'subscription_plan',
  'mp-connect': 'application',
  point_integration_wh: 'point_intent',
  point_integration_ipn: 'point_intent',
  topic_claims_integration_wh: 'claim',
  claim: 'claim',
  topic_card_id_wh: 'card',
  'automatic-payments': 'card',
  delivery: 'delivery',
};

/** Sellers that link and unlink the application (mp-connect). */
export const SELLERS = ['424242', '777001'] as const;

/** A genuine delivery and its signature, as someone who saw it on the way could copy them. */
export interface Capture {
  readonly serial: number;
  readonly family: Family;
  /** data.id as the genuine query carries it; undefined for Card Updater, Point and Delivery. */
  readonly dataId: string | undefined;
  readonly requestId: string;
  readonly ts: string;
  /** The x-signature header. */
  readonly header: string;
  /** Signed longer ago than the router remembers used signatures. */
  readonly stale: boolean;
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly body: Readonly<Record<string, unknown>>;
  /** What its genuine event is about: the resource id, or the seller for account linking. */
  readonly subject: string;
  /** The customer whose card Card Updater replaced. */
  readonly customerId?: string | undefined;
  readonly action: string | undefined;
}

/** How one genuine delivery is chosen. */
export interface CaptureSpec {
  readonly family: Family;
  /** Which resource (or seller) of the family, modulo their number. */
  readonly pick: number;
  /** Which of the family's genuine shapes (action, fraud alert data.id). */
  readonly variant: number;
  readonly stale: boolean;
  readonly requestId: string;
  /** Seconds between signing and now. */
  readonly ageS: number;
}

/** The webhook `type` of each family whose genuine deliveries carry data.id. */
const WEBHOOK_TYPES: Readonly<Partial<Record<Family, string>>> = {
  payment: 'payment',
  merchant_order: 'topic_merchant_order_wh',
  chargeback: 'topic_chargebacks_wh',
  order: 'order',
  agreement: 'wallet_connect',
  subscription: 'subscription_preapproval',
  subscription_payment: 'subscription_authorized_payment',
  subscription_plan: 'subscription_preapproval_plan',
  claim: 'topic_claims_integration_wh',
};

/** The store forgets used signatures after 48 h (dedup.ttlMs): a stale capture is older. */
const STALE_AGE_S = 49 * 3600;

function pickOf<T>(list: readonly T[], index: number): T {
  const item = list[index % list.length];
  if (item === undefined) throw new Error('trust oracle: nothing to pick from');
  return item;
}

/** What a genuine delivery of the spec looks like, before it is signed. */
function genuineShape(
  spec: CaptureSpec,
  resources: readonly StoredResource[],
): Omit<Capture, 'serial' | 'family' | 'requestId' | 'ts' | 'header' | 'stale'> & { signedId?: string } {
  const { family, pick, variant } = spec;
  const of = (f: Family) =>
    pickOf(
      resources.filter((r) => r.family === f),
      pick,
    );
  switch (family) {
    case 'point_intent': {
      const { id } = of(family);
      const body = { id, state: 'FINISHED' };
      return {
        dataId: undefined,
        path: '/mp/webhooks',
        query: [['topic', 'point_integration_wh']],
        body,
        subject: id,
        action: undefined,
      };
    }
    case 'delivery': {
      const { id } = of(family);
      const body = { _id: `${spec.requestId}-n`, topic: 'delivery', resource: `/shipments/${id}` };
      return {
        dataId: undefined,
        path: '/mp/webhooks',
        query: [['topic', 'delivery']],
        body,
        subject: id,
        action: undefined,
      };
    }
    case 'card': {
      const card = of(family);
      const other = pickOf(
        resources.filter((r) => r.family === 'card' && r.id !== card.id),
        pick,
      );
      const action = 'card.updated';
      const data = { customer_id: card.customerId, new_card_id: Number(card.id), old_card_id: other.id };
      const body = { action, type: 'automatic-payments', data };
      return {
        dataId: undefined,
        path: '/mp/webhooks',
        query: [['type', 'automatic-payments']],
        body,
        subject: card.id,
        customerId: card.customerId,
        action,
      };
    }
    case 'fraud_alert': {
      // Mercado Pago's capture names the notification in data.id, the fixture the payment: both occur.
      const { id } = of('payment');
      const dataId = variant % 2 === 0 ? id : '123456';
      const action = 'Created';
      const body = { action, id: dataId, type: 'stop_delivery_op_wh', data: { payment_id: Number(id) } };
      const query: Array<[string, string]> = [
        ['data.id', dataId],
        ['type', 'stop_delivery_op_wh'],
      ];
      return { dataId, path: '/mp/webhooks', query, body, subject: id, action };
    }
    case 'application': {
      const seller = pickOf(SELLERS, pick);
      const action = variant % 2 === 0 ? 'application.authorized' : 'application.deauthorized';
      const body = { action, type: 'mp-connect', user_id: Number(seller), data: { id: '123456' } };
      return {
        dataId: '123456',
        path: '/mp/webhooks',
        query: [
          ['data.id', '123456'],
          ['type', 'mp-connect'],
        ],
        body,
        subject: seller,
        action,
      };
    }
    case 'payment':
    case 'merchant_order':
    case 'chargeback':
    case 'order':
    case 'agreement':
    case 'subscription':
    case 'subscription_payment':
    case 'subscription_plan':
    case 'claim': {
      const { id } = of(family);
      const type = WEBHOOK_TYPES[family] ?? family;
      const action =
        family === 'agreement' && variant % 2 === 1 ? 'payment_method.updated' : `${type}.updated`;
      const body = { action, type, data: { id }, live_mode: true };
      return {
        dataId: id,
        // Orders are signed with data.id in lower case (reference 2.4).
        signedId: family === 'order' ? id.toLowerCase() : id,
        path: family === 'agreement' ? '/mp/wallet-connect' : '/mp/webhooks',
        query: [
          ['data.id', id],
          ['type', type],
        ],
        body,
        subject: id,
        action,
      };
    }
  }
}

/** Signs a genuine delivery as Mercado Pago does: data.id (when the topic sends one), x-request-id, ts. */
export function buildCapture(
  spec: CaptureSpec,
  serial: number,
  resources: readonly StoredResource[],
  nowS: number,
): Capture {
  const { signedId, ...shape } = genuineShape(spec, resources);
  const ts = String(nowS - spec.ageS - (spec.stale ? STALE_AGE_S : 0));
  const header = signNotification({
    secret: TOOL_SECRET,
    dataId: signedId ?? shape.dataId,
    requestId: spec.requestId,
    ts,
  });
  return { ...shape, serial, family: spec.family, requestId: spec.requestId, ts, header, stale: spec.stale };
}

/** A request the oracle sent, as its model reads it. */
export interface SentRequest {
  readonly probe: number;
  /**
   * When it was sent: the oracle starts a new epoch for each round of requests it sends at once, so that what
   * it learnt in one epoch applies to the requests of the next.
   */
  readonly epoch: number;
  readonly wire: WireRequest;
  readonly genuine: boolean;
  /** The capture whose x-signature it carries. */
  readonly capture: Capture | undefined;
  /** First value of each query key. */
  readonly query: Readonly<Record<string, string>>;
  /** The body, or `{}` when it is not a JSON object. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly topic: string | undefined;
  /** IPN form: never signed, whatever it carries. */
  readonly ipn: boolean;
  /** The query's data.id, the only id Mercado Pago signs. */
  readonly dataId: string | undefined;
  readonly action: string | undefined;
  /** Whether x-signature holds for what arrived: data.id as sent or lowercased, x-request-id and ts. */
  readonly signatureHolds: boolean;
  readonly hasSignature: boolean;
}

/** An id as the body carries it: a non-blank string or a safe integer. */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function parsedBody(text: string): Readonly<Record<string, unknown>> {
  try {
    return record(JSON.parse(text));
  } catch {
    return {};
  }
}

/** Topic and channel by the query first, then by the body (reference 2.10). */
function classify(
  query: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>>,
): { topic: string | undefined; ipn: boolean } {
  const bodyType = typeof body['type'] === 'string' ? body['type'] : undefined;
  if (idText(query['data.id']) !== undefined || query['type'] !== undefined)
    return { topic: query['type'] ?? bodyType, ipn: false };
  if (query['topic'] !== undefined) return { topic: query['topic'], ipn: idText(query['id']) !== undefined };
  if (bodyType !== undefined) return { topic: bodyType, ipn: false };
  if (typeof body['topic'] === 'string') return { topic: body['topic'], ipn: true };
  if (typeof body['state'] === 'string' && body['id'] !== undefined)
    return { topic: 'point_integration_wh', ipn: false };
  return { topic: undefined, ipn: false };
}

/** The model's reading of a request it sent. */
export function readRequest(
  sent: Pick<SentRequest, 'probe' | 'epoch' | 'wire' | 'genuine' | 'capture'>,
): SentRequest {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(sent.wire.search)) query[key] ??= value;
  const body = parsedBody(sent.wire.body);
  const { topic, ipn } = classify(query, body);
  const dataId = idText(query['data.id']);
  const actions = body['actions'];
  const action = body['action'] ?? (Array.isArray(actions) ? actions[0] : undefined);
  const header = sent.wire.headers['x-signature'];
  const requestId = sent.wire.headers['x-request-id'];
  const signatureHolds =
    typeof header === 'string' &&
    (typeof requestId === 'string' || requestId === undefined) &&
    sent.capture !== undefined &&
    [dataId, dataId?.toLowerCase()].some(
      (id) =>
        signNotification({ secret: TOOL_SECRET, dataId: id, requestId, ts: sent.capture?.ts ?? '0' }) ===
        header,
    );
  return {
    ...sent,
    query,
    body,
    topic,
    ipn,
    dataId,
    action: typeof action === 'string' ? action : undefined,
    signatureHolds,
    hasSignature: header !== undefined,
  };
}

/** One line describing a request, for a violation report. */
export function describeRequest(sent: SentRequest): string {
  const { wire } = sent;
  const signature =
    sent.capture === undefined
      ? 'no x-signature'
      : `x-signature of capture #${sent.capture.serial} (${sent.capture.family}, signed data.id ${sent.capture.dataId ?? '-'}${sent.capture.stale ? ', stale' : ''}; holds: ${sent.signatureHolds})`;
  return `${sent.genuine ? 'genuine' : 'attack'}: POST ${wire.path}?${wire.search} [${signature}, x-request-id ${String(wire.headers['x-request-id'])}] ${wire.body}`;
}
