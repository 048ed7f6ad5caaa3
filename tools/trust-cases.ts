// What the trust oracle sends (fast-check arbitraries): each batch captures a few genuine deliveries, moves a few
// resources to a new state, and sends attacks that mix the captured signatures with any topic, channel, query id,
// action and body ids an attacker could choose.
import fc from 'fast-check';
import { SELLERS, TOPIC_FAMILIES, type Capture, type CaptureSpec } from './trust-deliveries.js';
import { READ_FAMILIES, type Family, type StoredResource } from './trust-world.js';
import type { WireRequest } from './wire.js';

const FAMILIES: readonly Family[] = [...READ_FAMILIES, 'fraud_alert', 'application', 'card'];
const TYPED_TOPICS = Object.keys(TOPIC_FAMILIES);
const UNKNOWN_TOPICS = ['payments', 'unknown_topic', 'PAYMENT', 'topic_unknown_wh', 'fraud_alert', 'card'];
/** Actions an attacker writes into a body; repeated entries come up more often. */
const ACTIONS = [
  'payment_method.updated',
  'payment_method.updated',
  'payment_method.updated',
  'application.deauthorized',
  'application.deauthorized',
  'application.authorized',
  'authorized',
  'deauthorized',
  'Created',
  'card.updated',
  'payment.created',
  'status.updated',
  'state_FINISHED',
  'APPLICATION.AUTHORIZED',
  '',
];
const UNKNOWN_IDS = ['999001', 'ORD01FUZZ99999999999999999999', 'intent-unknown', '31337'];
const PATHS = ['/mp/webhooks', '/mp/ipn', '/mp/wallet-connect'];

/** Where an attacker takes an id from. */
interface IdChoice {
  readonly source: 'signed' | 'known' | 'capture' | 'case' | 'unknown';
  readonly pick: number;
  /** Send a numeric id as a JSON number. */
  readonly numeric: boolean;
}

/** One attack, before the live pool of captures gives its numbers a meaning. */
export interface AttackSpec {
  readonly path: number;
  /** `genuine`: the copied delivery's own query, with the topic replaced. */
  readonly form: 'genuine' | 'webhook' | 'ipn' | 'topic-only' | 'type-only' | 'body-only';
  /** A topic name, or undefined for the topic of the captured delivery it copies. */
  readonly topic: string | undefined;
  readonly queryId: IdChoice;
  readonly signature: {
    readonly kind: 'own' | 'other' | 'no-request-id' | 'absent';
    readonly capture: number;
  };
  /** Start from the copied delivery's body, or from nothing. */
  readonly genuineBody: boolean;
  readonly action: string | null;
  readonly data: Readonly<
    Partial<Record<'id' | 'payment_id' | 'customer_id' | 'new_card_id' | 'old_card_id', IdChoice>>
  >;
  readonly top: Readonly<Partial<Record<'id' | '_id' | 'user_id', IdChoice>>>;
  readonly resource: { readonly prefix: string; readonly id: IdChoice } | null;
  readonly state: string | null;
  /** For a body-only delivery: the body key that names the topic. */
  readonly bodyTopicKey: 'type' | 'topic';
  /** Send a body that is not JSON. */
  readonly broken: boolean;
}

/**
 * When a capture's genuine delivery is sent: before any attack on its signature, right behind a copy of itself
 * and concurrently with the attacks of the batch it is captured in, or once the attacks on it are over.
 */
export type GenuineTiming = 'first' | 'racing' | 'last';

/** How a capture is made and delivered, besides what it signs. */
export interface CaptureTiming {
  readonly delivery: GenuineTiming;
  /** About a new resource, whose first state nothing has reported yet. */
  readonly fresh: boolean;
  /**
   * For a racing delivery: the action of the copy an attacker sends just before it (same query and signature,
   * the body's action changed).
   */
  readonly raceAction: string;
}

/** One batch: the genuine deliveries captured, the resources that change state, and the attacks. */
export interface BatchSpec {
  readonly captures: ReadonlyArray<CaptureSpec & CaptureTiming>;
  readonly mutations: readonly number[];
  readonly attacks: readonly AttackSpec[];
}

const idChoiceArb: fc.Arbitrary<IdChoice> = fc.record({
  source: fc.constantFrom('signed', 'signed', 'signed', 'known', 'known', 'capture', 'case', 'unknown'),
  pick: fc.nat(),
  numeric: fc.boolean(),
});
const optionalId = fc.option(idChoiceArb, { freq: 2, nil: undefined });

const captureSpecArb = fc.record({
  family: fc.constantFrom(...FAMILIES),
  pick: fc.nat(),
  variant: fc.nat(),
  stale: fc.nat({ max: 7 }).map((n) => n === 0),
  requestId: fc.uuid(),
  ageS: fc.integer({ min: 0, max: 600 }),
  delivery: fc.constantFrom<GenuineTiming>('first', 'racing', 'last'),
  fresh: fc.boolean(),
  raceAction: fc.constantFrom(...ACTIONS),
});

const attackArb: fc.Arbitrary<AttackSpec> = fc.record({
  path: fc.nat(),
  form: fc.constantFrom<AttackSpec['form']>(
    'genuine',
    'genuine',
    'genuine',
    'genuine',
    'webhook',
    'webhook',
    'ipn',
    'ipn',
    'topic-only',
    'type-only',
    'body-only',
  ),
  topic: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TYPED_TOPICS) },
    { weight: 2, arbitrary: fc.constantFrom(...UNKNOWN_TOPICS) },
    { weight: 3, arbitrary: fc.constant(undefined) },
  ),
  queryId: idChoiceArb,
  signature: fc.record({
    kind: fc.constantFrom<AttackSpec['signature']['kind']>(
      'own',
      'own',
      'own',
      'own',
      'own',
      'other',
      'no-request-id',
      'absent',
      'absent',
    ),
    capture: fc.nat(),
  }),
  genuineBody: fc.boolean(),
  action: fc.option(fc.constantFrom(...ACTIONS), { freq: 2 }),
  data: fc.record(
    {
      id: optionalId,
      payment_id: optionalId,
      customer_id: optionalId,
      new_card_id: optionalId,
      old_card_id: optionalId,
    },
    { requiredKeys: [] },
  ),
  top: fc.record({ id: optionalId, _id: optionalId, user_id: optionalId }, { requiredKeys: [] }),
  resource: fc.option(
    fc.record({
      prefix: fc.constantFrom('/shipments/', '/v1/payments/', '/merchant_orders/', ''),
      id: idChoiceArb,
    }),
    { freq: 3 },
  ),
  state: fc.option(fc.constantFrom('FINISHED', 'OPEN', 'junk'), { freq: 4 }),
  bodyTopicKey: fc.constantFrom<'type' | 'topic'>('type', 'topic'),
  broken: fc.nat({ max: 19 }).map((n) => n === 0),
});

/** A batch of `size` attacks, with `captures` new captures and up to two state changes. */
export function batchArb(size: number, captures: number, mutableCount: number): fc.Arbitrary<BatchSpec> {
  return fc.record({
    captures: fc.array(captureSpecArb, { minLength: captures, maxLength: captures }),
    mutations: fc.uniqueArray(fc.nat({ max: mutableCount - 1 }), { maxLength: 2 }),
    attacks: fc.array(attackArb, { minLength: size, maxLength: size }),
  });
}

function pickOf<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** A request id of the oracle's own, unique per request. */
function requestIdFor(probe: number): string {
  return `00000000-0000-4000-8000-${String(probe).padStart(12, '0')}`;
}

function swapCase(id: string, upper: boolean): string {
  return upper ? id.toUpperCase() : id.toLowerCase();
}

/** Gives an attack's numbers a meaning against the live captures and the stored resources. */
export function buildAttack(
  spec: AttackSpec,
  pool: readonly Capture[],
  resources: readonly StoredResource[],
  probe: number,
): { wire: WireRequest; capture: Capture | undefined } {
  const copied = pickOf(pool, spec.signature.capture);
  const knownIds = [...resources.flatMap((r) => [r.id, r.customerId ?? r.id]), ...SELLERS];
  const idOf = (choice: IdChoice): string | number => {
    let id: string;
    switch (choice.source) {
      case 'signed':
        id = copied?.dataId ?? copied?.subject ?? '1001';
        break;
      case 'capture': {
        const other = pickOf(pool, choice.pick);
        id = (choice.pick % 2 === 0 ? other?.dataId : other?.customerId) ?? other?.subject ?? '1001';
        break;
      }
      case 'case':
        id = swapCase(copied?.dataId ?? pickOf(knownIds, choice.pick) ?? '1001', choice.pick % 2 === 0);
        break;
      case 'known':
        id = pickOf(knownIds, choice.pick) ?? '1001';
        break;
      case 'unknown':
        id = pickOf(UNKNOWN_IDS, choice.pick) ?? '1';
        break;
    }
    return choice.numeric && /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id;
  };

  const topic =
    spec.topic ?? copied?.query.find(([key]) => key === 'type' || key === 'topic')?.[1] ?? 'payment';
  const body: Record<string, unknown> = spec.genuineBody && copied !== undefined ? { ...copied.body } : {};
  if (spec.action !== null) body['action'] = spec.action;
  for (const [key, choice] of Object.entries(spec.top)) if (choice !== undefined) body[key] = idOf(choice);
  const dataEntries = Object.entries(spec.data).filter(([, choice]) => choice !== undefined);
  if (dataEntries.length > 0) {
    const data: Record<string, unknown> = { ...(body['data'] as Record<string, unknown> | undefined) };
    for (const [key, choice] of dataEntries) data[key] = idOf(choice as IdChoice);
    body['data'] = data;
  }
  if (spec.resource !== null) body['resource'] = `${spec.resource.prefix}${String(idOf(spec.resource.id))}`;
  if (spec.state !== null) body['state'] = spec.state;

  const queryId = String(idOf(spec.queryId));
  const pairs: Array<[string, string]> = [['probe', String(probe)]];
  switch (spec.form) {
    case 'genuine':
      for (const [key, value] of copied?.query ?? [['type', topic]])
        pairs.push([key, key === 'type' || key === 'topic' ? topic : value]);
      break;
    case 'webhook':
      pairs.push(['data.id', queryId], ['type', topic]);
      break;
    case 'ipn':
      pairs.push(['id', queryId], ['topic', topic]);
      break;
    case 'topic-only':
      pairs.push(['topic', topic]);
      break;
    case 'type-only':
      pairs.push(['type', topic]);
      break;
    case 'body-only':
      delete body['type'];
      delete body['topic'];
      body[spec.bodyTopicKey] = topic;
      break;
  }

  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signed = spec.signature.kind !== 'absent' && copied !== undefined;
  if (spec.signature.kind === 'own' && copied !== undefined) headers['x-request-id'] = copied.requestId;
  else if (spec.signature.kind === 'other')
    headers['x-request-id'] = pickOf(pool, spec.signature.capture + 1)?.requestId ?? requestIdFor(probe);
  else if (spec.signature.kind === 'absent') headers['x-request-id'] = requestIdFor(probe);
  if (signed) headers['x-signature'] = copied.header;
  const text = JSON.stringify(body);
  return {
    wire: {
      path: pickOf(PATHS, spec.path) ?? '/mp/webhooks',
      search: new URLSearchParams(pairs).toString(),
      headers,
      body: spec.broken ? text.slice(0, Math.floor(text.length / 2)) : text,
    },
    capture: signed ? copied : undefined,
  };
}

/** The genuine delivery of a capture, as Mercado Pago sends it. */
export function genuineWire(capture: Capture, probe: number): WireRequest {
  return {
    path: capture.path,
    search: new URLSearchParams([
      ['probe', String(probe)],
      ...capture.query.map(([k, v]): [string, string] => [k, v]),
    ]).toString(),
    headers: {
      'content-type': 'application/json',
      'x-request-id': capture.requestId,
      'x-signature': capture.header,
    },
    body: JSON.stringify(capture.body),
  };
}
