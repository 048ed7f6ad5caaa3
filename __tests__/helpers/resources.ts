// Minimal resources for the topics whose reads ../shared/fixtures ships no resource for, shaped after the API
// reference (protocol reference 3.2) and the ids of the delivery fixtures.

/** `GET /preapproval_plan/{id}` for webhook-subscription-preapproval-plan-created. */
export const PLAN_ID = '2c938084726fca4801727500000000aa';
export const PLAN_PATH = `/preapproval_plan/${PLAN_ID}`;
export function plan(status: string, lastModified = '2026-05-02T14:03:10.000-04:00') {
  return {
    id: PLAN_ID,
    status,
    reason: 'Yoga classes',
    collector_id: 1403498245,
    application_id: 6245132082630004,
    date_created: '2026-05-02T14:02:55.000-04:00',
    last_modified: lastModified,
    auto_recurring: { frequency: 1, frequency_type: 'months', transaction_amount: 10, currency_id: 'ARS' },
  };
}

/** The card of webhook-card-updater: customer `12345678-aluyasdhfyt`, new card 50000102202. */
export const CUSTOMER_ID = '12345678-aluyasdhfyt';
export const NEW_CARD_ID = '50000102202';
export const CARD_PATH = `/v1/customers/${CUSTOMER_ID}/cards/${NEW_CARD_ID}`;
export function card(id = NEW_CARD_ID, lastUpdated = '2024-01-11T15:23:53.000-03:00') {
  return {
    id,
    customer_id: CUSTOMER_ID,
    expiration_month: 11,
    expiration_year: 2030,
    first_six_digits: '450995',
    last_four_digits: '3704',
    payment_method: { id: 'visa', name: 'Visa', payment_type_id: 'credit_card' },
    date_created: '2023-02-01T10:00:00.000-03:00',
    date_last_updated: lastUpdated,
    user_id: '1197520450',
    live_mode: true,
  };
}

/** The payment intent of webhook-point-integration-wh-finished. */
export const INTENT_ID = 'abcdef123-8ab5-4139-9aa3-abcd123';
export const INTENT_PATH = `/point/integration-api/payment-intents/${INTENT_ID}`;
export function intent(state: string, id = INTENT_ID) {
  return {
    id,
    state,
    amount: 100,
    device_id: 'PAX_A910__SMARTPOS1234567890',
    payment: { id: 123456789, state: state === 'FINISHED' ? 'approved' : 'pending', type: 'credit_card' },
    additional_info: { external_reference: 'information' },
  };
}

/** The claim of webhook-claims. */
export const CLAIM_ID = '5298154230';
export const CLAIM_PATH = `/post-purchase/v1/claims/${CLAIM_ID}`;
export function claim(status: string, stage = 'claim', lastUpdated = '2025-12-24T11:00:00.000-04:00') {
  return {
    id: Number(CLAIM_ID),
    resource_id: 138095816241,
    resource: 'payment',
    status,
    stage,
    type: 'mediations',
    reason_id: 'PNR',
    site_id: 'MLA',
    date_created: '2025-12-20T09:00:00.000-04:00',
    last_updated: lastUpdated,
  };
}

/** The proximity order of webhook-delivery-mla (shipment 12345). */
export const SHIPMENT_ID = '12345';
export const SHIPMENT_PATH = `/proximity-integration/v1/orders/${SHIPMENT_ID}`;
export function shipment(status: string, id = SHIPMENT_ID) {
  return { id: Number(id), status, total_amount: 2500, currency_id: 'ARS' };
}
