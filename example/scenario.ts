// The demo scenario: six triggers of the CLI's trigger code (`mercadopago-notifications trigger`), eight
// deliveries in all, each with what the router should do with it.
// In your app: import type { AnyMercadoPagoEvent, EventName } from 'mercadopago-notifications';
import type { AnyMercadoPagoEvent, EventName } from '../src/index.js';
// In your tests: import type { TriggerEventOptions } from 'mercadopago-notifications/testing';
import type { TriggerEventOptions } from '../src/testing/index.js';

const PAYMENT_ID = '1320458759';
const ORDER_ID = 'ORD01JV3AW3NFSTSTB669F41NACDX'; // Orders API ids are upper-case
const CHARGEBACK_ID = '233000061680860123'; // above 2^53: JSON.parse would read it as ...860130
const AGREEMENT_ID = '22abcd1235ed497f945f755fcaba3c6c';

/** What one delivery of a trigger should do. */
export interface ExpectedAnswer {
  readonly title: string;
  readonly status: number;
  readonly event?: EventName;
  /** Why a 2xx with no event is right for this delivery. */
  readonly quiet?: string;
  /** Extra check on the emitted event; returns what is wrong. */
  readonly check?: (event: AnyMercadoPagoEvent) => string | undefined;
}

/** One trigger (the events, and a secret when not the app's) and what each delivery it sends should do. */
export interface Step {
  readonly trigger: Pick<TriggerEventOptions, 'events' | 'resourceId' | 'withIpn' | 'resend'> & {
    readonly secret?: string;
  };
  readonly expected: readonly ExpectedAnswer[];
}

function keptEveryDigit(event: AnyMercadoPagoEvent): string | undefined {
  const id = String((event.resource as { id?: unknown } | undefined)?.id);
  return id === CHARGEBACK_ID ? undefined : `the resource id lost digits: ${id}`;
}

/** The steps, in order; steps 1 to 3 change one payment. */
export const STEPS: readonly Step[] = [
  {
    trigger: { events: 'payment.pending', resourceId: PAYMENT_ID },
    expected: [{ title: 'payment pending', status: 200, event: 'payment.pending' }],
  },
  {
    // The approval, its IPN copy (same x-request-id and ts) and a resend of the Webhook, byte for byte.
    trigger: { events: 'payment.approved', resourceId: PAYMENT_ID, withIpn: true, resend: true },
    expected: [
      { title: 'same payment approved', status: 200, event: 'payment.approved' },
      { title: 'IPN copy of the approval', status: 200, quiet: 'same change as step 2' },
      { title: 'duplicate of the approval', status: 200, quiet: 'duplicate' },
    ],
  },
  {
    trigger: { events: 'payment.approved', resourceId: PAYMENT_ID, secret: 'not-the-webhook-secret' },
    expected: [{ title: 'forged signature', status: 401 }],
  },
  {
    trigger: { events: 'order.processed', resourceId: ORDER_ID },
    expected: [{ title: `Orders API notification ${ORDER_ID}`, status: 200, event: 'order.processed' }],
  },
  {
    trigger: { events: 'chargeback.opened', resourceId: CHARGEBACK_ID },
    expected: [
      {
        title: `chargeback ${CHARGEBACK_ID}`,
        status: 200,
        event: 'chargeback.opened',
        check: keptEveryDigit,
      },
    ],
  },
  {
    trigger: { events: 'agreement.cancelled', resourceId: AGREEMENT_ID },
    expected: [{ title: 'Wallet Connect agreement cancelled', status: 200, event: 'agreement.cancelled' }],
  },
];
