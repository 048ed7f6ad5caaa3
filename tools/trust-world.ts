// The trust oracle's picture of the fake API: every resource it serves, every version of it served so far, and the
// event each version names. Written from the resources stored here, never from the router's topic specs
// (src/topics.ts): the oracle must be able to disagree with them.
import type { FakeMercadoPagoApi } from '../src/testing/fake-api.js';

type Fields = Readonly<Record<string, unknown>>;

/** Families whose events are named by the state of the resource read. */
export const READ_FAMILIES = [
  'payment',
  'merchant_order',
  'chargeback',
  'order',
  'agreement',
  'subscription',
  'subscription_payment',
  'subscription_plan',
  'point_intent',
  'claim',
  'delivery',
] as const;
export type ReadFamily = (typeof READ_FAMILIES)[number];

/** Every family: the read-named ones, and those whose event no read can confirm. */
export type Family = ReadFamily | 'fraud_alert' | 'application' | 'card';

const PATH_PREFIXES: Readonly<Record<ReadFamily, string>> = {
  payment: '/v1/payments/',
  merchant_order: '/merchant_orders/',
  chargeback: '/v1/chargebacks/',
  order: '/v1/orders/',
  agreement: '/v2/wallet_connect/agreements/',
  subscription: '/preapproval/',
  subscription_payment: '/authorized_payments/',
  subscription_plan: '/preapproval_plan/',
  point_intent: '/point/integration-api/payment-intents/',
  claim: '/post-purchase/v1/claims/',
  delivery: '/proximity-integration/v1/orders/',
};

export function isReadFamily(family: string): family is ReadFamily {
  return Object.hasOwn(PATH_PREFIXES, family);
}

/** The API path that holds the resource an event of `family` is about; undefined when nothing is read. */
export function readPathOf(family: Family, id: string, customerId?: string): string | undefined {
  if (family === 'application') return undefined;
  if (family === 'card')
    return customerId === undefined ? undefined : `/v1/customers/${customerId}/cards/${id}`;
  return `${PATH_PREFIXES[family === 'fraud_alert' ? 'payment' : family]}${id}`;
}

/** The family and ids of a stored path (the inverse of readPathOf). */
function locate(path: string): { family: Family; id: string; customerId?: string } {
  const card = /^\/v1\/customers\/([^/]+)\/cards\/([^/]+)$/.exec(path);
  if (card !== null) return { family: 'card', id: card[2] ?? '', customerId: card[1] ?? '' };
  for (const family of READ_FAMILIES) {
    const prefix = PATH_PREFIXES[family];
    if (path.startsWith(prefix)) return { family, id: path.slice(prefix.length) };
  }
  throw new Error(`trust oracle: no family reads ${path}`);
}

/** Statuses that name an event `<family>.<status>` (the README events table, for the states stored here). */
const NAMED_STATUSES: Readonly<Partial<Record<ReadFamily, readonly string[]>>> = {
  payment: ['pending', 'approved', 'in_mediation', 'cancelled', 'refunded', 'charged_back'],
  merchant_order: ['opened', 'closed', 'expired'],
  order: ['created', 'processing', 'action_required', 'processed', 'refunded', 'charged_back', 'canceled'],
  subscription: ['pending', 'authorized', 'paused', 'cancelled'],
  subscription_payment: ['scheduled', 'processed', 'recycling', 'cancelled'],
  subscription_plan: ['active', 'inactive'],
  claim: ['opened', 'closed'],
};
const POINT_STATES: Readonly<Record<string, string>> = {
  OPEN: 'open',
  FINISHED: 'finished',
  CONFIRMATION_REQUIRED: 'confirmation_required',
  CANCELED: 'canceled',
  ERROR: 'error',
};

/** What, besides the read state, may name an event. */
export interface NamingContext {
  /** Whether the delivery carries a signature that vouches for it. */
  readonly signed: boolean;
  readonly action: string | undefined;
  /** Whether an event about this chargeback was emitted for an earlier state. */
  readonly seenBefore: boolean;
}

/** The event a version of a resource names; undefined when its state names none. */
export function nameOf(family: ReadFamily, resource: Fields, context: NamingContext): string | undefined {
  const status = resource['status'];
  switch (family) {
    case 'chargeback':
      return !context.seenBefore || resource['date_last_updated'] === resource['date_created']
        ? 'chargeback.opened'
        : 'chargeback.updated';
    case 'agreement':
      if (status === 'cancelled') return 'agreement.cancelled';
      // The agreement read does not show a payment method: only a signed delivery may say it changed.
      if (context.signed && context.action === 'payment_method.updated')
        return 'agreement.payment_method_updated';
      return status === 'confirmed_by_user' ? 'agreement.confirmed' : undefined;
    case 'point_intent': {
      const state = POINT_STATES[String(resource['state'])];
      return state === undefined ? undefined : `point_intent.${state}`;
    }
    case 'delivery':
      return 'delivery.updated';
    case 'payment':
    case 'merchant_order':
    case 'order':
    case 'subscription':
    case 'subscription_payment':
    case 'subscription_plan':
    case 'claim':
      return typeof status === 'string' && (NAMED_STATUSES[family] ?? []).includes(status)
        ? `${family}.${status}`
        : undefined;
  }
}

const BASE_MS = Date.parse('2026-02-01T10:00:00.000Z');
const at = (version: number): string => new Date(BASE_MS + version * 60_000).toISOString();
function cycle<T>(list: readonly T[], version: number): T {
  return list[version % list.length] as T;
}

/**
 * Resources the oracle moves through states between batches. Every version differs in its status and in a
 * last-update marker, so that each is a new state however the router keys states.
 */
const MUTABLE: ReadonlyArray<{ readonly path: string; make(version: number): Fields }> = [
  {
    path: '/v1/payments/1004',
    make: (v) => ({
      id: 1004,
      status: cycle(['pending', 'approved', 'refunded', 'charged_back', 'in_mediation', 'cancelled'], v),
      status_detail: `detail-${v}`,
      date_last_updated: at(v),
    }),
  },
  {
    path: '/merchant_orders/2002',
    make: (v) => ({ id: 2002, status: cycle(['opened', 'closed', 'expired'], v), last_updated: at(v) }),
  },
  {
    path: '/v1/chargebacks/233000061680860999',
    make: (v) => ({
      id: '233000061680860999',
      documentation_status: cycle(['pending', 'review_pending', 'valid', 'invalid'], v),
      date_created: at(0),
      date_last_updated: at(v),
    }),
  },
  {
    path: '/v1/orders/ORD01FUZZ00000000000000000002',
    make: (v) => ({
      id: 'ORD01FUZZ00000000000000000002',
      status: cycle(['created', 'processing', 'action_required', 'processed', 'refunded', 'canceled'], v),
      status_detail: `detail-${v}`,
      version: v,
    }),
  },
  {
    path: '/v2/wallet_connect/agreements/33abcd1235ed497f945f755fcaba3c6c',
    make: (v) =>
      v === 0
        ? { id: '33abcd1235ed497f945f755fcaba3c6c', status: 'confirmed_by_user' }
        : { id: '33abcd1235ed497f945f755fcaba3c6c', status: 'cancelled', date_cancelled: at(v) },
  },
  {
    path: '/preapproval/2c93808478fuzz0000000000000002',
    make: (v) => ({
      id: '2c93808478fuzz0000000000000002',
      status: cycle(['pending', 'authorized', 'paused', 'cancelled'], v),
      last_modified: at(v),
    }),
  },
  {
    path: '/authorized_payments/6114264376',
    make: (v) => ({
      id: 6114264376,
      status: cycle(['scheduled', 'recycling', 'processed', 'cancelled'], v),
      payment: { id: 7000 + v, status: cycle(['pending', 'rejected', 'approved'], v) },
      retry_attempt: v,
      last_modified: at(v),
    }),
  },
  {
    path: '/preapproval_plan/2c93808478fuzz00000000000plan2',
    make: (v) => ({
      id: '2c93808478fuzz00000000000plan2',
      status: cycle(['active', 'inactive'], v),
      last_modified: at(v),
    }),
  },
  {
    path: '/point/integration-api/payment-intents/7a1b2c3d-fuzz-4e5f-8a9b-000000000002',
    make: (v) => ({
      id: '7a1b2c3d-fuzz-4e5f-8a9b-000000000002',
      state: cycle(['OPEN', 'CONFIRMATION_REQUIRED', 'FINISHED', 'CANCELED', 'ERROR'], v),
      payment: { id: 800_000 + v, state: cycle(['pending', 'approved'], v) },
    }),
  },
  {
    path: '/post-purchase/v1/claims/5298154231',
    make: (v) => ({
      id: 5298154231,
      status: cycle(['opened', 'closed'], v),
      stage: cycle(['claim', 'dispute'], v),
      last_updated: at(v),
    }),
  },
  {
    path: '/proximity-integration/v1/orders/5002',
    make: (v) => ({
      id: 5002,
      status: cycle(['ready_to_ship', 'shipped', 'delivered', 'cancelled'], v),
      last_updated: at(v),
    }),
  },
];

/** Resources in states that name no event: only a signed delivery can report them (notification.unhandled). */
const UNNAMED: Readonly<Record<string, Fields>> = {
  '/v1/payments/1009': { id: 1009, status: 'in_limbo', date_last_updated: at(0) },
  '/v2/wallet_connect/agreements/44abcd1235ed497f945f755fcaba3c6c': {
    id: '44abcd1235ed497f945f755fcaba3c6c',
    status: 'pending',
  },
};

/** A new resource of a family, in a state that names an event, with an id made from `serial`. */
function freshResource(family: ReadFamily, serial: number): { id: string; fields: Fields } {
  const n = String(serial).padStart(12, '0');
  switch (family) {
    case 'payment':
      return {
        id: `5${n}`,
        fields: {
          id: Number(`5${n}`),
          status: 'approved',
          status_detail: 'accredited',
          date_last_updated: at(0),
        },
      };
    case 'merchant_order':
      return { id: `6${n}`, fields: { id: Number(`6${n}`), status: 'opened', last_updated: at(0) } };
    case 'chargeback':
      return {
        id: `233000${n}`,
        fields: {
          id: `233000${n}`,
          documentation_status: 'pending',
          date_created: at(0),
          date_last_updated: at(0),
        },
      };
    case 'order':
      return {
        id: `ORD01FRESH000000${n}`,
        fields: { id: `ORD01FRESH000000${n}`, status: 'processed', status_detail: 'accredited', version: 1 },
      };
    case 'agreement':
      return { id: `fa${n}fa${n}fa0000`, fields: { id: `fa${n}fa${n}fa0000`, status: 'confirmed_by_user' } };
    case 'subscription':
      return {
        id: `2c9380fresh${n}`,
        fields: { id: `2c9380fresh${n}`, status: 'authorized', last_modified: at(0) },
      };
    case 'subscription_payment':
      return {
        id: `7${n}`,
        fields: {
          id: Number(`7${n}`),
          status: 'processed',
          payment: { id: serial, status: 'approved' },
          retry_attempt: 0,
          last_modified: at(0),
        },
      };
    case 'subscription_plan':
      return {
        id: `2c9380freshplan${n}`,
        fields: { id: `2c9380freshplan${n}`, status: 'active', last_modified: at(0) },
      };
    case 'point_intent':
      return {
        id: `fresh-intent-${n}`,
        fields: { id: `fresh-intent-${n}`, state: 'FINISHED', payment: { id: serial, state: 'approved' } },
      };
    case 'claim':
      return {
        id: `8${n}`,
        fields: { id: Number(`8${n}`), status: 'opened', stage: 'claim', last_updated: at(0) },
      };
    case 'delivery':
      return { id: `9${n}`, fields: { id: Number(`9${n}`), status: 'ready_to_ship', last_updated: at(0) } };
  }
}

/** One resource the fake API serves. */
export interface StoredResource {
  readonly path: string;
  readonly family: Family;
  readonly id: string;
  /** The customer of a card. */
  readonly customerId?: string;
}

/** The fake API's resources as the oracle knows them. */
export interface TrustWorld {
  readonly resources: readonly StoredResource[];
  /** How many resources {@link mutate} can move. */
  readonly mutableCount: number;
  /** The version of `path` now served; undefined when nothing is. */
  current(path: string): { readonly version: number; readonly fields: Fields } | undefined;
  /**
   * Which version of `path` a read returned, by its fields (all but `id`, whose form a lossless parser may
   * change); undefined when the API never served that.
   */
  versionOf(path: string, read: unknown): number | undefined;
  /** Stores the next version of the `index`th mutable resource in the API. */
  mutate(index: number): void;
  /**
   * Stores a new resource of `family` (a new payment, a new agreement...), whose first state no delivery has
   * reported yet; `serial` makes its id. It is not among `resources`, which stay the ids an attacker knows.
   */
  add(family: ReadFamily, serial: number): StoredResource;
}

function asFields(value: unknown): Fields {
  // The chargeback is stored as JSON text to keep its id above 2^53; its id is never compared.
  return (typeof value === 'string' ? JSON.parse(value) : value) as Fields;
}

function sameFields(read: unknown, stored: Fields): boolean {
  if (typeof read !== 'object' || read === null) return false;
  const fields = read as Fields;
  const keys = Object.keys(stored).filter((key) => key !== 'id');
  return (
    Object.keys(fields).filter((key) => key !== 'id').length === keys.length &&
    keys.every((key) => JSON.stringify(fields[key]) === JSON.stringify(stored[key]))
  );
}

/** Stores the oracle's own resources in `api` next to `known` (what the API already serves). */
export function createTrustWorld(api: FakeMercadoPagoApi, known: ReadonlyMap<string, unknown>): TrustWorld {
  const versions = new Map<string, Fields[]>();
  for (const [path, value] of known) versions.set(path, [asFields(value)]);
  for (const [path, fields] of Object.entries(UNNAMED)) versions.set(path, [fields]);
  for (const { path, make } of MUTABLE) versions.set(path, [make(0)]);
  for (const path of [...Object.keys(UNNAMED), ...MUTABLE.map((m) => m.path)])
    api.set(path, versions.get(path)?.[0]);
  return {
    resources: [...versions.keys()].map((path) => ({ path, ...locate(path) })),
    mutableCount: MUTABLE.length,
    current(path) {
      const list = versions.get(path);
      const fields = list?.at(-1);
      return list === undefined || fields === undefined ? undefined : { version: list.length - 1, fields };
    },
    versionOf(path, read) {
      const index = versions.get(path)?.findIndex((fields) => sameFields(read, fields));
      return index === undefined || index === -1 ? undefined : index;
    },
    add(family, serial) {
      const { id, fields } = freshResource(family, serial);
      const path = readPathOf(family, id) as string;
      versions.set(path, [fields]);
      api.set(path, fields);
      return { path, family, id };
    },
    mutate(index) {
      const mutable = MUTABLE[index % MUTABLE.length];
      const list = mutable === undefined ? undefined : versions.get(mutable.path);
      if (mutable === undefined || list === undefined) return;
      const next = mutable.make(list.length);
      list.push(next);
      api.set(mutable.path, next);
    },
  };
}
