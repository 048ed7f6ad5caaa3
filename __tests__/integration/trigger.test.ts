// The trigger code behind `mercadopago-notifications trigger`, against a real router served on 127.0.0.1 and
// the real fake API, over real HTTP.
import { EVENT_NAMES, type EventName } from '../../src/index.js';
import { isSignatureOnlyEvent } from '../../src/event-names.js';
import { startFakeMercadoPagoApi } from '../../src/testing/fake-api.js';
import { triggerEvent, type TriggerEventOptions } from '../../src/testing/index.js';
import { TOPIC_TRIGGERS } from '../../src/testing/trigger-catalogue.js';
import { createApp, serveOnLoopback, type ServedApp, type TestApp } from '../helpers/app.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/timing.js';
import { expectWarnings } from '../helpers/warnings.js';

const api = useFakeApi();
// One of the two routers has no accessToken, on purpose.
expectWarnings('MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN');
/** The router reading the fake API, and one with no accessToken (it emits notification.received). */
let reading: { test: TestApp; served: ServedApp };
let notReading: { test: TestApp; served: ServedApp };

beforeAll(async () => {
  const withToken = createApp(apiOptions(api));
  const withoutToken = createApp({ secret: FIXTURE_SECRET, apiBaseUrl: api.url });
  reading = { test: withToken, served: await serveOnLoopback(withToken.app) };
  notReading = { test: withoutToken, served: await serveOnLoopback(withoutToken.app) };
});
afterAll(() => Promise.all([reading.served.close(), notReading.served.close()]));

const endpoint = (served: ServedApp): string => `${served.url}/mp/webhooks`;
/** Triggers at the reading router with the fixture secret; `options` override. */
const triggerAtRouter = (options: Partial<TriggerEventOptions> & Pick<TriggerEventOptions, 'events'>) =>
  triggerEvent({ url: endpoint(reading.served), apiUrl: api.url, secret: FIXTURE_SECRET, ...options });
const eventsOf = (test: TestApp, resourceId: string): EventName[] =>
  test.events.filter((event) => event.resourceId === resourceId).map((event) => event.name);

describe('triggerEvent, for every event name', () => {
  it.each([...EVENT_NAMES])('makes %s arrive at a real router as that event', async (name) => {
    const { test, served } = name === 'notification.received' ? notReading : reading;
    const result = await triggerEvent({
      events: name,
      url: endpoint(served),
      apiUrl: api.url,
      secret: FIXTURE_SECRET,
    });
    expect(result.ok).toBe(true);
    // Fraud alerts are answered before the listeners run (Mercado Pago never retries them): wait for the event.
    await waitFor(() => eventsOf(test, result.resourceId).includes(name));
    // One event per state sent, in order, the last being the one asked for (a chargeback update follows its opening).
    const sent = result.exchanges.map((exchange) => exchange.event);
    expect(eventsOf(test, result.resourceId)).toEqual(sent);
    expect(sent.at(-1)).toBe(name);
    expect(test.errors).toEqual([]);
  });
});

describe('triggerEvent --with-ipn, for every topic Mercado Pago also notifies by IPN', () => {
  const withIpn = Object.entries(TOPIC_TRIGGERS)
    .filter(([, entry]) => entry.ipnTopic !== undefined)
    .map(([topic, entry]): [EventName, string] => [
      EVENT_NAMES.find((name) => name.startsWith(`${topic}.`)) as EventName,
      entry.ipnTopic ?? '',
    ]);

  it.each(withIpn)('sends %s as a Webhook and its %s IPN copy, one event', async (name) => {
    const result = await triggerAtRouter({ events: name, withIpn: true });
    // A fraud alert rests on its signature alone: its IPN copy, which no one can sign, is refused.
    const ipnStatus = isSignatureOnlyEvent(name) ? 401 : 200;
    expect(result.exchanges.map(({ kind, status }) => [kind, status])).toEqual([
      ['webhook', 200],
      ['ipn', ipnStatus],
    ]);
    await waitFor(() => eventsOf(reading.test, result.resourceId).includes(name));
    expect(eventsOf(reading.test, result.resourceId)).toEqual([name]);
  });
});

describe('triggerEvent', () => {
  it('moves one resource through a sequence of states, one event per state', async () => {
    const result = await triggerAtRouter({ events: 'payment.pending, payment.approved,payment.refunded' });
    expect(eventsOf(reading.test, result.resourceId)).toEqual([
      'payment.pending',
      'payment.approved',
      'payment.refunded',
    ]);
    expect(api.readsOf(`/v1/payments/${result.resourceId}`)).toBe(3);
    expect(result.exchanges.map(({ delivery }) => JSON.parse(delivery.body).action)).toEqual([
      'payment.created',
      'payment.updated',
      'payment.updated',
    ]);
  });

  it('sends the IPN copy with the Webhook’s x-request-id and ts, and a byte-for-byte resend, all answered 200 with one event', async () => {
    const result = await triggerAtRouter({ events: 'merchant_order.closed', withIpn: true, resend: true });
    const [webhook, ipn, resend] = result.exchanges;
    expect(result.exchanges.map(({ kind, status }) => [kind, status])).toEqual([
      ['webhook', 200],
      ['ipn', 200],
      ['resend', 200],
    ]);
    expect(ipn?.delivery.query).toEqual({ id: result.resourceId, topic: 'merchant_order' });
    expect(ipn?.delivery.headers['x-request-id']).toBe(webhook?.delivery.headers['x-request-id']);
    expect(ipn?.delivery.headers['x-signature']?.split(',')[0]).toBe(
      webhook?.delivery.headers['x-signature']?.split(',')[0],
    );
    expect(resend?.delivery).toBe(webhook?.delivery);
    expect(eventsOf(reading.test, result.resourceId)).toEqual(['merchant_order.closed']);
  });

  it.each([
    ['subscription.authorized', 'preapproval'],
    ['subscription_payment.recycling', 'authorized_payment'],
    ['point_intent.finished', 'point_integration_ipn'],
  ])('sends the legacy IPN copy of %s (topic %s), one event for both copies', async (name, topic) => {
    const result = await triggerAtRouter({ events: name, withIpn: true });
    expect(result.exchanges.map(({ kind, status }) => [kind, status])).toEqual([
      ['webhook', 200],
      ['ipn', 200],
    ]);
    expect(result.exchanges[1]?.delivery.query).toEqual({ id: result.resourceId, topic });
    expect(eventsOf(reading.test, result.resourceId)).toEqual([name]);
  });

  it('moves a subscription through its statuses, one event per status', async () => {
    const result = await triggerAtRouter({
      events: 'subscription.pending,subscription.authorized,subscription.paused,subscription.cancelled',
    });
    expect(eventsOf(reading.test, result.resourceId)).toEqual([
      'subscription.pending',
      'subscription.authorized',
      'subscription.paused',
      'subscription.cancelled',
    ]);
  });

  it('uses the resource id it is given and reports the stored resource before each delivery', async () => {
    const reports: string[] = [];
    const result = await triggerAtRouter({
      events: ['order.processed'],
      resourceId: 'ORD01TESTTRIGGER0000000001',
      report: (entry) => void reports.push(entry.type),
    });
    expect(result.resourceId).toBe('ORD01TESTTRIGGER0000000001');
    expect(reports).toEqual(['resource', 'exchange']);
    expect(eventsOf(reading.test, result.resourceId)).toEqual(['order.processed']);
  });

  it('resolves with ok false and the 401 when the app verifies with another secret', async () => {
    const result = await triggerAtRouter({ events: 'payment.approved', secret: 'not-the-app-secret' });
    expect(result.ok).toBe(false);
    expect(result.exchanges.map(({ status }) => status)).toEqual([401]);
    expect(JSON.parse(result.exchanges[0]?.responseBody ?? '{}').error.code).toBe('SIGNATURE_MISMATCH');
  });

  it.each<[string, Partial<Parameters<typeof triggerEvent>[0]>, RegExp]>([
    [
      'an unknown event name',
      { events: 'payment.aproved' },
      /unknown event `payment.aproved`: did you mean `payment.approved`\?/,
    ],
    ['an unknown name with no close match', { events: 'refund' }, /unknown event `refund`$/],
    ['an empty name in a sequence', { events: 'payment.pending,' }, /at least one event name/],
    [
      'a sequence mixing topics',
      { events: 'payment.pending,order.processed' },
      /must share a topic; got payment, order/,
    ],
    [
      'an endpoint without its scheme',
      { url: 'localhost:3000/mp' },
      /`url` must be an http\(s\) URL, got "localhost:3000\/mp": add the scheme, e\.g\. http:\/\/localhost:3000\/mp$/,
    ],
    [
      'a topic instead of an event',
      { events: 'payment' },
      /`payment` is a topic, not an event: name one of its events \(payment\.pending, payment\.approved, /,
    ],
    [
      'a misspelled topic',
      { events: 'chargebak.opened' },
      /unknown event `chargebak\.opened`: did you mean `chargeback\.opened`\?/,
    ],
    [
      'a misspelled topic alone',
      { events: 'subscriptoin' },
      /did you mean an event of the topic `subscription`\? \(subscription\.pending, /,
    ],
    ['a fake API URL that is not http', { apiUrl: 'ftp://127.0.0.1' }, /`apiUrl` must be an http\(s\) URL/],
    ['an empty secret', { secret: '' }, /a secret is needed/],
    [
      'an IPN copy of a topic that has none',
      { events: 'order.processed', withIpn: true },
      /no IPN copy of order.processed/,
    ],
  ])('throws a TypeError for %s, before sending anything', async (_, overrides, message) => {
    const requests = api.requests.length;
    const attempt = triggerAtRouter({ events: 'payment.approved', ...overrides });
    await expect(attempt).rejects.toThrow(TypeError);
    await expect(attempt).rejects.toThrow(message);
    expect(api.requests.length).toBe(requests);
  });

  it('rejects naming the fake API and how to start it when nothing listens there', async () => {
    const closed = await startFakeMercadoPagoApi();
    await closed.close();
    await expect(
      triggerEvent({
        events: 'payment.approved',
        url: endpoint(reading.served),
        apiUrl: closed.url,
        secret: 'x',
      }),
    ).rejects.toThrow(`cannot reach the fake API at ${closed.url}`);
  });

  it('rejects naming the endpoint when the app does not listen there', async () => {
    const closed = await serveOnLoopback(createApp(apiOptions(api)).app);
    await closed.close();
    await expect(
      triggerEvent({
        events: 'payment.approved',
        url: `${closed.url}/mp/webhooks`,
        apiUrl: api.url,
        secret: 'x',
      }),
    ).rejects.toThrow(
      /POST http:\/\/127\.0\.0\.1:\d+\/mp\/webhooks\?data\.id=\d+&type=payment failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\. Is your app listening there\?$/,
    );
  });
});
