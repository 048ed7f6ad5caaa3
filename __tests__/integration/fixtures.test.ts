// Every delivery fixture in __tests__/fixtures/deliveries, sent byte for byte through the real router over
// loopback, in the three configurations the router supports: secret + accessToken, secret only, and
// accessToken only. Resources are served by the fake Mercado Pago API on 127.0.0.1.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import type { EventName, MercadoPagoNotificationsOptions, VerifiedBy } from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import { fromFixture, send } from '../helpers/deliveries.js';
import { TOKEN, apiOptions, useFakeApi } from '../helpers/fake-api.js';
import {
  DELIVERY_FIXTURES,
  FIXTURE_SECRET,
  clockFor,
  FIXTURE_TEST_MODE_SECRET,
  loadDelivery,
  loadResource,
  resourcePath,
  type DeliveryFixture,
} from '../helpers/fixtures.js';
import {
  CARD_PATH,
  CLAIM_ID,
  CLAIM_PATH,
  INTENT_ID,
  INTENT_PATH,
  NEW_CARD_ID,
  PLAN_ID,
  PLAN_PATH,
  SHIPMENT_ID,
  SHIPMENT_PATH,
  card,
  claim,
  intent,
  plan,
  shipment,
} from '../helpers/resources.js';
import { sleep } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

const BOTH_SECRETS = [FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET];

// ---------------------------------------------------------------------------------------------------------------
// Resources the fake API serves. The fixtures only ship a few; the others are minimal resources built here.

const paymentApproved = loadResource('payment-approved');
const paymentRefunded = loadResource('payment-refunded');
const merchantOrderClosed = loadResource('merchant-order-closed');
const orderProcessed = loadResource('order-processed');
const agreementConfirmed = loadResource('wallet-connect-agreement-confirmed');
const chargeback = loadResource('chargeback');
const preapprovalAuthorized = loadResource('preapproval-authorized');
const authorizedPaymentProcessed = loadResource('authorized-payment-processed');

/**
 * The chargeback as JSON text with its id as a bare JSON number above 2^53, which no JS object can hold:
 * the router must not lose digits reading it.
 */
const CHARGEBACK_TEXT = JSON.stringify({ ...chargeback.resource, id: 0 }).replace(
  '"id":0',
  '"id":233000061680860123',
);

const order = (id: string, status: string, statusDetail: string, version: number) => ({
  id,
  status,
  status_detail: statusDetail,
  version,
  total_amount: '30.00',
  external_reference: 'ER_123456',
});

/** A topic the router reads: the event name comes from the resource read at `read`. */
interface Read {
  readonly name: EventName;
  readonly resourceId: string;
  readonly read: string;
  readonly resource: unknown;
}

/** One fixture's expected outcome, from which each configuration's answer is derived. */
type Expectation =
  | (Read & {
      readonly kind: 'typed';
      readonly secrets?: readonly string[];
      /** The event when the delivery is not signed (accessToken only), when the signature picked another. */
      readonly unsignedName?: EventName;
    })
  /** A topic with no API read: emitted when its signature verifies, refused unsigned. */
  | { readonly kind: 'signature-only'; readonly name: EventName; readonly resourceId: string }
  /**
   * A topic whose read shows the resource exists but not that the event happened (fraud alert, Card Updater):
   * emitted on its signature, with the resource, and refused unsigned.
   */
  | (Read & { readonly kind: 'signature-read' })
  /**
   * A topic whose placeholder x-signature no secret produces (meta.signature_verifiable 'unknown'): with a
   * secret it is refused before any answer; without one the read confirms it.
   */
  | (Read & { readonly kind: 'placeholder-signature' });

const EXPECTATIONS: Readonly<Record<string, Expectation>> = {
  'webhook-payment-created': {
    kind: 'typed',
    name: 'payment.approved',
    resourceId: '138095816241',
    read: resourcePath(paymentApproved),
    resource: paymentApproved.resource,
  },
  'webhook-payment-updated': {
    kind: 'typed',
    name: 'payment.refunded',
    resourceId: '139077673662',
    read: '/v1/payments/139077673662',
    resource: { ...paymentRefunded.resource, id: 139077673662 },
  },
  'ipn-payment-feed': {
    kind: 'typed',
    name: 'payment.approved',
    resourceId: '138095816241',
    read: resourcePath(paymentApproved),
    resource: paymentApproved.resource,
  },
  'ipn-merchant-order-feed': {
    kind: 'typed',
    name: 'merchant_order.closed',
    resourceId: '36670513876',
    read: '/merchant_orders/36670513876',
    resource: { ...merchantOrderClosed.resource, id: 36670513876 },
  },
  'ipn-chargebacks': {
    kind: 'typed',
    name: 'chargeback.opened',
    resourceId: '233000061680860123',
    read: '/v1/chargebacks/233000061680860123',
    resource: CHARGEBACK_TEXT,
  },
  'webhook-topic-merchant-order-wh-closed': {
    kind: 'typed',
    name: 'merchant_order.closed',
    resourceId: '23603350837',
    read: '/merchant_orders/23603350837',
    resource: { ...merchantOrderClosed.resource, id: 23603350837 },
  },
  'webhook-order-action-required-docs': {
    kind: 'typed',
    name: 'order.action_required',
    resourceId: 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
    read: '/v1/orders/ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
    resource: order('ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', 'action_required', 'waiting_payment', 1),
  },
  'webhook-order-processed-lowercase-signed': {
    kind: 'typed',
    name: 'order.processed',
    resourceId: 'ORD01JV3AW3NFSTSTB669F41NACDX',
    read: resourcePath(orderProcessed),
    resource: orderProcessed.resource,
  },
  'webhook-order-qr-expired': {
    kind: 'typed',
    name: 'order.expired',
    resourceId: 'ORD01JV391F8YM8EDEAG8CWZ0GM0N',
    read: '/v1/orders/ORD01JV391F8YM8EDEAG8CWZ0GM0N',
    resource: order('ORD01JV391F8YM8EDEAG8CWZ0GM0N', 'expired', 'expired', 2),
  },
  'webhook-order-charged-back': {
    kind: 'typed',
    name: 'order.charged_back',
    resourceId: 'ORD01JRTXT3GC8CJGW394QWYQ9VP3',
    read: '/v1/orders/ORD01JRTXT3GC8CJGW394QWYQ9VP3',
    resource: order('ORD01JRTXT3GC8CJGW394QWYQ9VP3', 'charged_back', 'in_process', 4),
  },
  'webhook-chargebacks-wh': {
    kind: 'typed',
    name: 'chargeback.opened',
    resourceId: '233000061680860123',
    read: '/v1/chargebacks/233000061680860123',
    resource: CHARGEBACK_TEXT,
  },
  'webhook-subscription-preapproval-updated': {
    kind: 'typed',
    name: 'subscription.authorized',
    resourceId: '2c938084726fca480172750000000000',
    read: resourcePath(preapprovalAuthorized),
    resource: preapprovalAuthorized.resource,
  },
  'webhook-subscription-authorized-payment-created': {
    kind: 'typed',
    name: 'subscription_payment.processed',
    resourceId: '7001234567',
    read: resourcePath(authorizedPaymentProcessed),
    resource: authorizedPaymentProcessed.resource,
  },
  'webhook-subscription-preapproval-plan-created': {
    kind: 'typed',
    name: 'subscription_plan.active',
    resourceId: PLAN_ID,
    read: PLAN_PATH,
    resource: plan('active'),
  },
  // No read exists for account linking: the seller (body user_id) is the resource id.
  'webhook-mp-connect-deauthorized': {
    kind: 'signature-only',
    name: 'application.deauthorized',
    resourceId: '176611236',
  },
  'webhook-wallet-connect-agreement-confirmed': {
    kind: 'typed',
    name: 'agreement.confirmed',
    resourceId: '22abcd1235ed497f945f755fcaba3c6c',
    read: resourcePath(agreementConfirmed),
    resource: agreementConfirmed.resource,
  },
  'webhook-wallet-connect-agreement-cancelled': {
    kind: 'typed',
    name: 'agreement.cancelled',
    resourceId: '22abcd1235ed497f945f755fcaba3c6c',
    read: resourcePath(agreementConfirmed),
    resource: { ...agreementConfirmed.resource, status: 'cancelled', date_cancelled: '2026-03-12T10:00:00Z' },
  },
  // Only a signature can say the payment method changed: unsigned, the read names the agreement's state.
  'webhook-wallet-connect-payment-method-updated': {
    kind: 'typed',
    name: 'agreement.payment_method_updated',
    unsignedName: 'agreement.confirmed',
    resourceId: '22abcd1235ed497f945f755fcaba3c6c',
    read: resourcePath(agreementConfirmed),
    resource: agreementConfirmed.resource,
  },
  'webhook-stop-delivery-op-wh': {
    kind: 'signature-read',
    name: 'fraud_alert.created',
    resourceId: '58980959081',
    read: '/v1/payments/58980959081',
    resource: {
      id: 58980959081,
      status: 'approved',
      status_detail: 'accredited',
      date_last_updated: '2022-07-23T23:00:00.000-04:00',
    },
  },
  'webhook-card-updater': {
    kind: 'signature-read',
    name: 'card.updated',
    resourceId: NEW_CARD_ID,
    read: CARD_PATH,
    resource: card(),
  },
  'webhook-point-integration-wh-finished': {
    kind: 'typed',
    name: 'point_intent.finished',
    resourceId: INTENT_ID,
    read: INTENT_PATH,
    resource: intent('FINISHED'),
  },
  // Its placeholder x-signature is checked only when a secret is configured.
  'webhook-delivery-mla': {
    kind: 'placeholder-signature',
    name: 'delivery.updated',
    resourceId: SHIPMENT_ID,
    read: SHIPMENT_PATH,
    resource: shipment('ready_to_ship'),
  },
  'webhook-claims': {
    kind: 'typed',
    name: 'claim.opened',
    resourceId: CLAIM_ID,
    read: CLAIM_PATH,
    resource: claim('opened'),
  },
  'webhook-payment-signed-with-test-mode-secret': {
    kind: 'typed',
    name: 'payment.approved',
    resourceId: '138095816241',
    read: resourcePath(paymentApproved),
    resource: paymentApproved.resource,
    secrets: BOTH_SECRETS,
  },
  'webhook-payment-no-request-id': {
    kind: 'typed',
    name: 'payment.approved',
    resourceId: '138095816241',
    read: resourcePath(paymentApproved),
    resource: paymentApproved.resource,
  },
  'webhook-payment-header-variants': {
    kind: 'typed',
    name: 'payment.approved',
    resourceId: '138095816241',
    read: resourcePath(paymentApproved),
    resource: paymentApproved.resource,
  },
};

// ---------------------------------------------------------------------------------------------------------------
// What each configuration must answer.

type Mode = 'secret+token' | 'secret' | 'token';

interface ExpectedAnswer {
  readonly status: number;
  readonly code?: string;
  /** Codes reported to onError after a 200 answer. */
  readonly reported?: readonly string[];
  readonly event?: {
    readonly name: EventName;
    readonly verifiedBy: VerifiedBy;
    readonly resourceId: string | undefined;
    readonly withResource: boolean;
    readonly isKnownTopic?: boolean;
  };
  /** API paths read, in order. */
  readonly reads: readonly string[];
}

function expected(fixture: DeliveryFixture, expectation: Expectation, mode: Mode): ExpectedAnswer {
  const ipn = fixture.meta.channel === 'ipn';
  switch (expectation.kind) {
    case 'signature-only': {
      if (mode === 'token') return { status: 401, code: 'UNVERIFIABLE_DELIVERY', reads: [] };
      const { name, resourceId } = expectation;
      return {
        status: 200,
        event: { name, verifiedBy: 'signature', resourceId, withResource: false },
        reads: [],
      };
    }
    case 'placeholder-signature': {
      if (mode !== 'token') return { status: 401, code: 'SIGNATURE_MISMATCH', reads: [] };
      const { name, resourceId, read } = expectation;
      return {
        status: 200,
        event: { name, verifiedBy: 'api', resourceId, withResource: true },
        reads: [read],
      };
    }
    case 'signature-read':
    case 'typed': {
      // Unsigned (accessToken only), a signature-only event is refused before anything is read.
      if (mode === 'token' && expectation.kind === 'signature-read')
        return { status: 401, code: 'UNVERIFIABLE_DELIVERY', reads: [] };
      const { resourceId, read } = expectation;
      const name =
        (mode === 'token' && 'unsignedName' in expectation && expectation.unsignedName) || expectation.name;
      if (mode === 'secret') {
        if (ipn) return { status: 401, code: 'UNVERIFIABLE_DELIVERY', reads: [] };
        const event = {
          name: 'notification.received',
          verifiedBy: 'signature',
          resourceId,
          withResource: false,
        } as const;
        return { status: 200, event, reads: [] };
      }
      const verifiedBy: VerifiedBy = mode === 'token' || ipn ? 'api' : 'signature+api';
      return { status: 200, event: { name, verifiedBy, resourceId, withResource: true }, reads: [read] };
    }
  }
}

function optionsFor(fixture: DeliveryFixture, expectation: Expectation, mode: Mode, api: FakeMercadoPagoApi) {
  const secrets =
    expectation.kind === 'typed' && expectation.secrets ? expectation.secrets : [FIXTURE_SECRET];
  const options: MercadoPagoNotificationsOptions = { apiBaseUrl: api.url, now: () => clockFor(fixture) };
  if (mode !== 'token') options.secret = secrets;
  if (mode !== 'secret') options.accessToken = TOKEN;
  return options;
}

function routeFor(fixture: DeliveryFixture): string {
  const { channel } = fixture.meta;
  return channel === 'ipn' ? '/mp/ipn' : channel === 'wallet_connect' ? '/mp/wallet-connect' : '/mp/webhooks';
}

/** Fraud alerts and Delivery are answered before they are processed: wait (bounded) for events and errors. */
async function waitForEvents(testApp: TestApp, count: number, errors = 0): Promise<void> {
  const deadline = Date.now() + 3_000;
  while ((testApp.events.length < count || testApp.errors.length < errors) && Date.now() < deadline)
    await sleep(10);
}

const api = useFakeApi();

/** The router with secret and accessToken, its clock just after `fixture` was signed. */
function appAt(fixture: DeliveryFixture): TestApp {
  return createApp(apiOptions(api, { now: () => clockFor(fixture) }));
}

describe('fixture table', () => {
  it('has an expectation for every delivery fixture on disk and in the index', () => {
    const onDisk = readdirSync(join(__dirname, '..', 'fixtures', 'deliveries'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.replace(/\.json$/, ''))
      .sort();
    expect([...DELIVERY_FIXTURES].sort()).toEqual(onDisk);
    expect(Object.keys(EXPECTATIONS).sort()).toEqual(onDisk);
  });
});

const MODES: ReadonlyArray<[Mode, string]> = [
  ['secret+token', 'with secret and accessToken'],
  ['secret', 'with secret only (accessToken absent)'],
  ['token', 'with accessToken only (secret absent)'],
];

describe.each(MODES)('every fixture %s', (mode, label) => {
  if (mode === 'secret') expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
  const cases = DELIVERY_FIXTURES.map((name) => {
    const fixture = loadDelivery(name);
    const expectation = EXPECTATIONS[name];
    if (expectation === undefined) throw new Error(`no expectation for fixture ${name}`);
    const answer = expected(fixture, expectation, mode);
    const outcome = answer.event
      ? `answers ${answer.status} and emits ${answer.event.name} verified by ${answer.event.verifiedBy}`
      : answer.reported
        ? `answers ${answer.status}, emits nothing and reports ${answer.reported.join(', ')}`
        : `answers ${answer.status} ${answer.code ?? ''} and emits nothing`;
    return { name, fixture, expectation, answer, title: `${outcome} for ${name} ${label}` };
  });

  it.each(cases)('$title', async ({ fixture, expectation, answer }) => {
    if ('read' in expectation) api.set(expectation.read, expectation.resource);
    const testApp = createApp(optionsFor(fixture, expectation, mode, api));
    const res = await send(testApp.app, fromFixture(fixture, routeFor(fixture)));

    expect(res.status).toBe(answer.status);
    if (answer.code !== undefined) {
      expect(res.body).toEqual({ error: { code: answer.code, message: expect.any(String) } });
    }
    await waitForEvents(testApp, answer.event ? 1 : 0, answer.reported?.length ?? 0);
    const { events } = testApp;

    if (answer.event === undefined) {
      expect(events).toEqual([]);
      if (answer.reported) expect(testApp.errors.map((e) => e.error.code)).toEqual(answer.reported);
    } else {
      expect(events).toHaveLength(1);
      const [event] = events;
      expect({ name: event?.name, verifiedBy: event?.verifiedBy }).toEqual({
        name: answer.event.name,
        verifiedBy: answer.event.verifiedBy,
      });
      expect(typeof event?.resourceId).toBe('string');
      if (answer.event.resourceId !== undefined) expect(event?.resourceId).toBe(answer.event.resourceId);
      expect(event?.delivery.channel).toBe(fixture.meta.channel);
      if (answer.event.withResource) {
        // The resource is the one the API served, ids kept as strings of every digit.
        expect(String((event?.resource as { id?: unknown }).id)).toBe(answer.event.resourceId);
      } else {
        expect(event?.resource).toBeUndefined();
      }
      if (answer.event.isKnownTopic !== undefined) {
        expect(event).toMatchObject({ isKnownTopic: answer.event.isKnownTopic });
      }
      expect(testApp.errors).toEqual([]);
    }
    expect(api.requests.map((r) => [r.path, r.token])).toEqual(answer.reads.map((path) => [path, TOKEN]));
  });
});

describe('fixture details', () => {
  it('keeps every digit of the chargeback id read from the API as a JSON number above 2^53', async () => {
    api.set('/v1/chargebacks/233000061680860123', CHARGEBACK_TEXT);
    const fixture = loadDelivery('webhook-chargebacks-wh');
    const { app, events } = appAt(fixture);
    await send(app, fromFixture(fixture)).expect(200);
    expect(events.map((e) => [e.name, e.resourceId, (e.resource as { id?: unknown }).id])).toEqual([
      ['chargeback.opened', '233000061680860123', '233000061680860123'],
    ]);
  });

  it('answers 401 SIGNATURE_MISMATCH for the test-mode fixture when only the production secret is set', async () => {
    api.set(resourcePath(paymentApproved), paymentApproved.resource);
    const fixture = loadDelivery('webhook-payment-signed-with-test-mode-secret');
    const { app, events } = appAt(fixture);
    const res = await send(app, fromFixture(fixture)).expect(401);
    expect(res.body.error.code).toBe('SIGNATURE_MISMATCH');
    expect(events).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('carries the delivery as sent: notification id, action, user id as strings and x-retry as a number', async () => {
    const fixture = loadDelivery('webhook-order-action-required-docs');
    api.set(
      '/v1/orders/ORD01JQ4S4KY8HWQ6NA5PXB65B3D3',
      order('ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', 'action_required', 'waiting_payment', 1),
    );
    const { app, events } = appAt(fixture);
    await send(app, fromFixture(fixture)).expect(200);
    expect(events[0]?.delivery).toMatchObject({
      channel: 'webhook',
      id: '123456',
      action: 'order.action_required',
      topic: 'order',
      type: 'order',
      userId: '2025701502',
      applicationId: '76506430185983',
      liveMode: false,
      requestId: '2066ca19-c6f1-498a-be75-1923005edd06',
      retry: 0,
      query: { 'data.id': 'ORD01JQ4S4KY8HWQ6NA5PXB65B3D3', type: 'order' },
    });
  });
});
