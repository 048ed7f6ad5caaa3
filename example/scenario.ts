// The demo scenario: eight deliveries as Mercado Pago sends them, each with the fake API state it needs
// and what the router should do with it.
// In your app: import type { AnyMercadoPagoEvent, EventName } from 'mercadopago-notifications';
import type { AnyMercadoPagoEvent, EventName } from '../src/index.js';
import type { FakeMercadoPagoApi } from '../src/testing/fake-api.js';
import { ipnCopy, signedWebhook, type Delivery } from './deliveries.js';

const PAYMENT_ID = '1320458759';
const ORDER_ID = 'ORD01JV3AW3NFSTSTB669F41NACDX'; // Orders API ids are upper-case
const CHARGEBACK_ID = '233000061680860123'; // above 2^53: JSON.parse would read it as ...860130
const AGREEMENT_ID = '22abcd1235ed497f945f755fcaba3c6c';
const USER_ID = '1403498245';

/** One delivery and what it should do. */
export interface Step {
  readonly title: string;
  readonly delivery: Delivery;
  readonly expected: { readonly status: number; readonly event?: EventName };
  /** Why a 2xx with no event is right for this step. */
  readonly quiet?: string;
  /** Changes the fake API first: the resource changes, then Mercado Pago notifies. */
  readonly before?: () => void;
  /** Extra check on the emitted event; returns what is wrong. */
  readonly check?: (event: AnyMercadoPagoEvent) => string | undefined;
}

function setPayment(api: FakeMercadoPagoApi, status: string, statusDetail: string, updated: string): void {
  api.set(`/v1/payments/${PAYMENT_ID}`, {
    id: Number(PAYMENT_ID),
    status,
    status_detail: statusDetail,
    date_created: '2026-03-10T12:00:00.000-03:00',
    date_last_updated: updated,
    transaction_amount: 1500,
    currency_id: 'ARS',
    external_reference: 'order-1001',
    live_mode: false,
  });
}

function paymentWebhook(secret: string, action: string, notificationId: number): Delivery {
  const body = { action, api_version: 'v1', data: { id: PAYMENT_ID }, id: notificationId, type: 'payment' };
  return signedWebhook({ secret, dataId: PAYMENT_ID, type: 'payment', body: { ...body, user_id: USER_ID } });
}

function orderWebhook(secret: string): Delivery {
  const body = { action: 'order.processed', api_version: 'v1', data: { id: ORDER_ID }, type: 'order' };
  // The Orders docs sign the id lower-cased; the router accepts a signature over either casing.
  const signedId = ORDER_ID.toLowerCase();
  return signedWebhook({
    secret,
    dataId: ORDER_ID,
    signedId,
    type: 'order',
    body: { ...body, id: '148832071' },
  });
}

/** Body and resource are JSON text so the chargeback id stays an 18-digit JSON number, as the API sends it. */
function chargebackWebhook(secret: string): Delivery {
  const data = `{"id":${CHARGEBACK_ID},"payment_id":${PAYMENT_ID}}`;
  const body = `{"actions":["changed_case_status"],"api_version":"v1","data":${data},"id":114411153595,"type":"topic_chargebacks_wh","user_id":${USER_ID}}`;
  return signedWebhook({ secret, dataId: CHARGEBACK_ID, type: 'topic_chargebacks_wh', body });
}

function setChargeback(api: FakeMercadoPagoApi): void {
  const dates =
    '"date_created":"2026-03-12T09:00:00.000-03:00","date_last_updated":"2026-03-12T09:00:00.000-03:00"';
  const text = `{"id":${CHARGEBACK_ID},"payments":[${PAYMENT_ID}],"amount":1500,"documentation_status":"pending",${dates}}`;
  api.set(`/v1/chargebacks/${CHARGEBACK_ID}`, text);
}

function agreementWebhook(secret: string): Delivery {
  const event = { id: '44ae6c7564ed497f945f755fcaba9d42', type: 'wallet_connect', entity: 'agreement' };
  const body = {
    ...event,
    action: 'status.updated',
    model_version: 1,
    version: 0,
    data: { id: AGREEMENT_ID },
  };
  const path = '/mercadopago/wallet-connect';
  return signedWebhook({ secret, dataId: AGREEMENT_ID, type: 'wallet_connect', body, path });
}

function keptEveryDigit(event: AnyMercadoPagoEvent): string | undefined {
  const id = String((event.resource as { id?: unknown } | undefined)?.id);
  return id === CHARGEBACK_ID ? undefined : `the resource id lost digits: ${id}`;
}

/** The eight steps, in order. Deliveries are built up front so step 4 can resend step 2 byte for byte. */
export function buildSteps(api: FakeMercadoPagoApi, secret: string): Step[] {
  const approval = paymentWebhook(secret, 'payment.updated', 2);
  return [
    {
      title: 'payment pending',
      before: () => setPayment(api, 'pending', 'pending_waiting_payment', '2026-03-10T12:00:00.000-03:00'),
      delivery: paymentWebhook(secret, 'payment.created', 1),
      expected: { status: 200, event: 'payment.pending' },
    },
    {
      title: 'same payment approved',
      before: () => setPayment(api, 'approved', 'accredited', '2026-03-10T12:05:00.000-03:00'),
      delivery: approval,
      expected: { status: 200, event: 'payment.approved' },
    },
    {
      title: 'IPN copy of the approval',
      delivery: ipnCopy('payment', PAYMENT_ID, approval),
      expected: { status: 200 },
      quiet: 'same change as step 2',
    },
    { title: 'duplicate of the approval', delivery: approval, expected: { status: 200 }, quiet: 'duplicate' },
    {
      title: 'forged signature',
      delivery: paymentWebhook('not-the-webhook-secret', 'payment.updated', 3),
      expected: { status: 401 },
    },
    {
      title: `Orders API notification ${ORDER_ID}`,
      before: () => api.set(`/v1/orders/${ORDER_ID}`, { id: ORDER_ID, status: 'processed', version: 2 }),
      delivery: orderWebhook(secret),
      expected: { status: 200, event: 'order.processed' },
    },
    {
      title: `chargeback ${CHARGEBACK_ID}`,
      before: () => setChargeback(api),
      delivery: chargebackWebhook(secret),
      expected: { status: 200, event: 'chargeback.opened' },
      check: keptEveryDigit,
    },
    {
      title: 'Wallet Connect agreement cancelled',
      before: () =>
        api.set(`/v2/wallet_connect/agreements/${AGREEMENT_ID}`, { id: AGREEMENT_ID, status: 'cancelled' }),
      delivery: agreementWebhook(secret),
      expected: { status: 200, event: 'agreement.cancelled' },
    },
  ];
}
