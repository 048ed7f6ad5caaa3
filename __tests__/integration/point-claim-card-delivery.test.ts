// Point payment intents (point_integration_wh, IPN point_integration_ipn), claims, Card Updater and Mercado Pago
// Delivery, through the real router and the fake API.
import type { AccessTokenContext, MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import {
  fromFixture,
  ipnDelivery,
  send,
  signedWebhook,
  withBody,
  withHeaders,
  type OutgoingDelivery,
} from '../helpers/deliveries.js';
import { TOKEN, apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET, loadDelivery } from '../helpers/fixtures.js';
import { NOW_MS, signedWithoutDataId } from '../helpers/payment.js';
import {
  CARD_PATH,
  CLAIM_ID,
  CLAIM_PATH,
  CUSTOMER_ID,
  INTENT_ID,
  INTENT_PATH,
  NEW_CARD_ID,
  SHIPMENT_ID,
  SHIPMENT_PATH,
  card,
  claim,
  intent,
  shipment,
} from '../helpers/resources.js';
import { sleep, waitFor } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

const api = useFakeApi();

function appFor(extra: Partial<MercadoPagoNotificationsOptions> = {}) {
  return createApp(apiOptions(api, { now: () => NOW_MS, handlerTimeoutMs: 1_000, ...extra }));
}

/** The clock five seconds after a fixture was signed (fixtures are in the past). */
const justAfter = (name: string) => () => {
  const ts = /ts=(\d+)/.exec(loadDelivery(name).headers['x-signature'] ?? '')?.[1] ?? '0';
  return Number(ts) * 1000 + 5_000;
};

describe('Point payment intents', () => {
  /** The flat body legacy Point sends: the payment intent itself, no envelope, no query id. */
  const flatPoint = (state: string, id = INTENT_ID): OutgoingDelivery =>
    signedWithoutDataId({ topic: 'point_integration_wh' }, JSON.stringify(intent(state, id)));

  it.each([
    ['OPEN', 'point_intent.open'],
    ['FINISHED', 'point_intent.finished'],
    ['CONFIRMATION_REQUIRED', 'point_intent.confirmation_required'],
    ['CANCELED', 'point_intent.canceled'],
    ['CANCELLED', 'point_intent.canceled'],
    ['ERROR', 'point_intent.error'],
  ])('emits the intent read as %s as %s', async (state, name) => {
    api.set(INTENT_PATH, intent(state));
    const { app, events } = appFor();
    expect(answerOf(await send(app, flatPoint('FINISHED')))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      [name, INTENT_ID, 'signature+api'],
    ]);
    expect(events[0]?.resource).toMatchObject({ id: INTENT_ID, state });
    expect(api.requests.map((r) => r.path)).toEqual([INTENT_PATH]);
  });

  it('names the event from the read, not from the state in the unsigned body', async () => {
    api.set(INTENT_PATH, intent('ERROR'));
    const { app, events } = appFor();
    await send(app, flatPoint('FINISHED')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['point_intent.error']);
  });

  it('classifies a flat body that arrives with no query at all', async () => {
    api.set(INTENT_PATH, intent('FINISHED'));
    const { app, events } = appFor();
    await send(app, { ...flatPoint('FINISHED'), query: {} }).expect(200);
    expect(events.map((e) => [e.name, e.delivery.topic])).toEqual([
      ['point_intent.finished', 'point_integration_wh'],
    ]);
  });

  it('reads the id of the query, not of the body, for the Webhooks form with data.id', async () => {
    api.set(INTENT_PATH, intent('FINISHED'));
    api.set('/point/integration-api/payment-intents/other-intent', intent('FINISHED', 'other-intent'));
    const { app, events } = appFor();
    const delivery = signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: INTENT_ID,
      type: 'point_integration_wh',
      body: intent('FINISHED', 'other-intent'),
    });
    await send(app, delivery).expect(200);
    expect(events.map((e) => e.resourceId)).toEqual([INTENT_ID]);
    expect(api.requests.map((r) => r.path)).toEqual([INTENT_PATH]);
  });

  it('emits point_intent.finished verified by the API for the IPN point_integration_ipn', async () => {
    api.set(INTENT_PATH, intent('FINISHED'));
    const { app, events } = appFor();
    expect(answerOf(await send(app, ipnDelivery('point_integration_ipn', INTENT_ID)))).toEqual([
      200,
      undefined,
    ]);
    expect(events.map((e) => [e.name, e.verifiedBy, e.delivery.channel])).toEqual([
      ['point_intent.finished', 'api', 'ipn'],
    ]);
  });

  it('emits one event for two deliveries of one state and a new one when the intent changes', async () => {
    api.set(INTENT_PATH, intent('OPEN'));
    const { app, events } = appFor();
    await send(app, flatPoint('OPEN')).expect(200);
    await send(app, flatPoint('OPEN')).expect(200);
    api.set(INTENT_PATH, intent('FINISHED'));
    await send(app, flatPoint('FINISHED')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['point_intent.open', 'point_intent.finished']);
  });

  it('responds 404 RESOURCE_NOT_FOUND and emits nothing for an intent the API does not know', async () => {
    const { app, events } = appFor();
    expect(answerOf(await send(app, flatPoint('FINISHED', 'no-such-intent')))).toEqual([
      404,
      'RESOURCE_NOT_FOUND',
    ]);
    expect(events).toEqual([]);
  });
});

describe('claims', () => {
  const claimWebhook = (
    type = 'topic_claims_integration_wh',
    resource = `/post-purchase/v1/claims/${CLAIM_ID}`,
  ) =>
    signedWebhook({
      secret: FIXTURE_SECRET,
      dataId: CLAIM_ID,
      type,
      body: { action: 'updated', data: { id: CLAIM_ID, resource }, type, user_id: 1403498245 },
    });

  it.each(['opened', 'closed'])('emits claim.%s, read from /post-purchase/v1/claims/{id}', async (status) => {
    api.set(CLAIM_PATH, claim(status));
    const { app, events } = appFor();
    expect(answerOf(await send(app, claimWebhook()))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      [`claim.${status}`, CLAIM_ID, 'signature+api'],
    ]);
    expect(events[0]?.resource).toMatchObject({ status, stage: 'claim' });
  });

  it('accepts the topic spelled claim, as one page of the docs has it', async () => {
    api.set(CLAIM_PATH, claim('opened'));
    const { app, events } = appFor();
    await send(app, claimWebhook('claim')).expect(200);
    expect(events.map((e) => [e.name, e.delivery.topic])).toEqual([['claim.opened', 'claim']]);
  });

  it('reads the claim path built from the id, never the path the unsigned body names', async () => {
    api.set(CLAIM_PATH, claim('opened'));
    const { app, events } = appFor();
    await send(app, claimWebhook('topic_claims_integration_wh', '/users/me')).expect(200);
    expect(events.map((e) => e.name)).toEqual(['claim.opened']);
    expect(api.requests.map((r) => r.path)).toEqual([CLAIM_PATH]);
  });

  it('emits claim.opened again when an open claim moves to dispute, and claim.closed when it closes', async () => {
    api.set(CLAIM_PATH, claim('opened'));
    const { app, events } = appFor();
    await send(app, claimWebhook()).expect(200);
    await send(app, claimWebhook()).expect(200); // same state: no new event
    api.set(CLAIM_PATH, claim('opened', 'dispute', '2025-12-26T10:00:00.000-04:00'));
    await send(app, claimWebhook()).expect(200);
    api.set(CLAIM_PATH, claim('closed', 'dispute', '2025-12-30T10:00:00.000-04:00'));
    await send(app, claimWebhook()).expect(200);
    expect(events.map((e) => [e.name, (e.resource as { stage?: string }).stage])).toEqual([
      ['claim.opened', 'claim'],
      ['claim.opened', 'dispute'],
      ['claim.closed', 'dispute'],
    ]);
  });
});

describe('Card Updater', () => {
  const fixture = loadDelivery('webhook-card-updater');
  const clock = justAfter('webhook-card-updater');

  it("emits card.updated with the new card, read with the seller's token", async () => {
    api.set(CARD_PATH, card());
    const contexts: AccessTokenContext[] = [];
    const { app, events } = appFor({
      now: clock,
      accessToken: (context) => {
        contexts.push(context);
        return TOKEN;
      },
    });
    expect(answerOf(await send(app, fromFixture(fixture)))).toEqual([200, undefined]);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['card.updated', NEW_CARD_ID, 'signature+api'],
    ]);
    expect(events[0]?.resource).toMatchObject({
      id: NEW_CARD_ID,
      customer_id: CUSTOMER_ID,
      last_four_digits: '3704',
    });
    expect(contexts).toEqual([
      { userId: '1197520450', topic: 'automatic-payments', resourceId: NEW_CARD_ID },
    ]);
    expect(api.requests.map((r) => [r.path, r.token])).toEqual([[CARD_PATH, TOKEN]]);
  });

  it('reads the old card when Card Updater created no new one', async () => {
    const oldPath = `/v1/customers/${CUSTOMER_ID}/cards/50000006036`;
    api.set(oldPath, card('50000006036'));
    const { app, events } = appFor();
    const delivery = signedWithoutDataId(
      { type: 'topic_card_id_wh' },
      JSON.stringify({
        action: 'card.updated',
        data: { customer_id: CUSTOMER_ID, old_card_id: 50000006036 },
        type: 'automatic-payments',
        user_id: 1197520450,
      }),
    );
    await send(app, delivery).expect(200);
    expect(events.map((e) => [e.name, e.resourceId])).toEqual([['card.updated', '50000006036']]);
    expect(api.requests.map((r) => r.path)).toEqual([oldPath]);
  });

  it.each([
    [404, 'RESOURCE_NOT_FOUND'],
    [503, 'API_UNAVAILABLE'],
  ])(
    'answers a failed card read (API %d) like any failed read, %s, then emits on the redelivery',
    async (status, code) => {
      api.set(CARD_PATH, card());
      api.fail(CARD_PATH, { status }, { status });
      const { app, events, errors } = appFor({ now: clock });
      expect(answerOf(await send(app, fromFixture(fixture)))).toEqual([
        code === 'RESOURCE_NOT_FOUND' ? 404 : 502,
        code,
      ]);
      expect(events).toEqual([]);
      expect(errors.map((e) => e.error.code)).toEqual([code]);
      await send(app, fromFixture(fixture)).expect(200);
      expect(events.map((e) => e.name)).toEqual(['card.updated']);
    },
  );

  it('responds 400 INVALID_DELIVERY when the body names no customer to read the card of, reading nothing', async () => {
    const { app, events } = appFor();
    const delivery = signedWithoutDataId(
      { type: 'automatic-payments' },
      JSON.stringify({ action: 'card.updated', data: { new_card_id: 1 }, type: 'automatic-payments' }),
    );
    expect(answerOf(await send(app, delivery))).toEqual([400, 'INVALID_DELIVERY']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

describe('Mercado Pago Delivery (answered before it is verified)', () => {
  const fixture = loadDelivery('webhook-delivery-mla');
  /** The fixture without its placeholder x-signature. */
  const unsigned = (): OutgoingDelivery => withHeaders(fromFixture(fixture), { 'x-signature': undefined });

  it('answers 200 before the read finishes, then emits delivery.updated verified by the API', async () => {
    api.set(SHIPMENT_PATH, shipment('ready_to_ship'));
    api.fail(SHIPMENT_PATH, { delayMs: 300 }); // a slow read: the answer must not wait for it
    const { app, events } = appFor();
    expect(answerOf(await send(app, unsigned()))).toEqual([200, undefined]);
    expect(events).toEqual([]);
    await waitFor(() => events.length > 0);
    expect(events.map((e) => [e.name, e.resourceId, e.verifiedBy])).toEqual([
      ['delivery.updated', SHIPMENT_ID, 'api'],
    ]);
    expect(events[0]?.resource).toMatchObject({ id: 12345, status: 'ready_to_ship' });
    expect(api.requests.map((r) => r.path)).toEqual([SHIPMENT_PATH]);
  });

  it('verifies a signature when the delivery carries one, and reads the order too', async () => {
    api.set(SHIPMENT_PATH, shipment('delivered'));
    const { app, events } = appFor();
    const signed = signedWithoutDataId({ topic: 'delivery' }, JSON.stringify(fixture.body));
    expect(answerOf(await send(app, signed))).toEqual([200, undefined]);
    await waitFor(() => events.length > 0);
    expect(events.map((e) => [e.name, e.verifiedBy])).toEqual([['delivery.updated', 'signature+api']]);
  });

  it('responds 401 SIGNATURE_MISMATCH before any answer to a delivery whose signature does not match, reading nothing', async () => {
    api.set(SHIPMENT_PATH, shipment('ready_to_ship'));
    const { app, events, errors } = appFor();
    expect(answerOf(await send(app, fromFixture(fixture)))).toEqual([401, 'SIGNATURE_MISMATCH']);
    expect(errors.map((e) => e.error.code)).toEqual(['SIGNATURE_MISMATCH']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it('answers 200 but emits nothing and reports RESOURCE_NOT_FOUND when the order does not exist', async () => {
    const { app, events, errors } = appFor();
    expect(answerOf(await send(app, unsigned()))).toEqual([200, undefined]);
    await waitFor(() => errors.length > 0);
    expect(errors.map((e) => e.error.code)).toEqual(['RESOURCE_NOT_FOUND']);
    expect(events).toEqual([]);
  });

  it.each([
    ['no accessToken can read it', { accessToken: undefined }],
    ['requireSignature refuses unsigned deliveries', { requireSignature: true }],
  ] as const)('responds 401 UNVERIFIABLE_DELIVERY at once, reading nothing, when %s', async (_t, extra) => {
    if ('accessToken' in extra) expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
    const { app, events, errors } = appFor(extra);
    expect(answerOf(await send(app, unsigned()))).toEqual([401, 'UNVERIFIABLE_DELIVERY']);
    expect(errors.map((e) => e.error.code)).toEqual(['UNVERIFIABLE_DELIVERY']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });

  it('emits once per state of the order, whatever notification ids the unsigned bodies carry', async () => {
    api.set(SHIPMENT_PATH, shipment('ready_to_ship'));
    const { app, events } = appFor();
    await send(app, unsigned()).expect(200);
    await waitFor(() => events.length === 1);
    // A resend, and fresh notification ids for an order that did not change: nothing new to say.
    await send(app, withHeaders(unsigned(), { 'x-request-id': 'resend-1' })).expect(200);
    for (const id of ['next-notification', 'another-one']) {
      const copy = withBody(unsigned(), { ...(fixture.body as object), _id: id });
      await send(app, withHeaders(copy, { 'x-request-id': `${id}-1` })).expect(200);
    }
    await waitFor(() => api.readsOf(SHIPMENT_PATH) === 4);
    // The order moves on: that is a new event.
    api.set(SHIPMENT_PATH, shipment('delivered'));
    await send(app, withHeaders(unsigned(), { 'x-request-id': 'moved-1' })).expect(200);
    await waitFor(() => events.length === 2);
    await sleep(50);
    expect(events.map((e) => (e.resource as { status?: string }).status)).toEqual([
      'ready_to_ship',
      'delivered',
    ]);
  });
});

describe('fraud alerts share the answer-first rule', () => {
  it('responds 401 SIGNATURE_MISMATCH at once to a fraud alert with a forged signature, reading nothing', async () => {
    api.set('/v1/payments/4001', { id: 4001, status: 'approved' });
    const { app, events, errors } = appFor();
    const genuine = signedWebhook({ secret: FIXTURE_SECRET, dataId: '4001', type: 'stop_delivery_op_wh' });
    const forged = withHeaders(genuine, { 'x-request-id': 'not-the-signed-one' });
    expect(answerOf(await send(app, forged))).toEqual([401, 'SIGNATURE_MISMATCH']);
    expect(errors.map((e) => e.error.code)).toEqual(['SIGNATURE_MISMATCH']);
    expect(events).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});
