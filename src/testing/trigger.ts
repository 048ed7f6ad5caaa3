// `trigger`: puts a resource into the fake API in the state an event names, then sends the delivery Mercado
// Pago would send about it. Used by the CLI, the example app and the tests.
import { stringify } from 'lossless-json';
import { EVENT_NAMES, isEventName, type EventName, type EventTopic } from '../event-names.js';
import { closestName } from '../suggest.js';
import { topicSpec } from '../topics.js';
import { buildDelivery, type BuiltDelivery } from './build-delivery.js';
import { networkCause, parseHttpUrl, postDelivery, type PostedDelivery } from './post-delivery.js';
import { TOPIC_TRIGGERS, type TopicTrigger, type TriggerState } from './trigger-catalogue.js';

const PREFIX = '[mercadopago-notifications] trigger';
/** Where `mercadopago-notifications fake-api` listens unless told otherwise. */
export const DEFAULT_FAKE_API_URL = 'http://127.0.0.1:3999';

/** Options of {@link triggerEvent}. */
export interface TriggerEventOptions {
  /**
   * The event, or a sequence of events of one topic that the same resource goes through, in order:
   * `'payment.approved'`, `'payment.pending,payment.approved'` or `['payment.pending', 'payment.approved']`.
   */
  readonly events: string | readonly string[];
  /** Your endpoint, e.g. `http://127.0.0.1:3000/mercadopago/webhooks`. */
  readonly url: string;
  /** Base URL of the fake API your app reads from. @default 'http://127.0.0.1:3999' */
  readonly apiUrl?: string | undefined;
  /** The secret signature your app verifies with. */
  readonly secret: string;
  /** The resource id to use. @default a fresh id shaped like the real ones */
  readonly resourceId?: string | undefined;
  /** Also send the IPN copy of each Webhook, with the same x-request-id and ts. @default false */
  readonly withIpn?: boolean | undefined;
  /** Send each Webhook a second time, byte for byte, as Mercado Pago's resends. @default false */
  readonly resend?: boolean | undefined;
  /** Called as each step happens, for a progress display. */
  readonly report?: ((entry: TriggerReport) => void) | undefined;
}

/** One request sent to your endpoint and its answer. */
export interface TriggerExchange extends PostedDelivery {
  readonly kind: 'webhook' | 'ipn' | 'resend';
  readonly event: EventName;
  readonly delivery: BuiltDelivery;
}

/** What {@link triggerEvent} reports while it runs. */
export type TriggerReport =
  | { readonly type: 'note'; readonly event: EventName; readonly text: string }
  | { readonly type: 'resource'; readonly event: EventName; readonly url: string; readonly path: string }
  | ({ readonly type: 'exchange' } & TriggerExchange);

/** What {@link triggerEvent} did. */
export interface TriggerResult {
  readonly resourceId: string;
  readonly exchanges: readonly TriggerExchange[];
  /** Whether every answer was 2xx. */
  readonly ok: boolean;
}

interface Step {
  readonly event: EventName;
  readonly state: TriggerState;
}

function fail(message: string): never {
  throw new TypeError(`${PREFIX}: ${message}`);
}

function splitEvent(name: EventName): [EventTopic, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot) as EventTopic, name.slice(dot + 1)];
}

function stateOf(entry: TopicTrigger, action: string): TriggerState {
  return (entry.states as Readonly<Record<string, TriggerState>>)[action] as TriggerState;
}

/** The event names of `topic`. */
export function eventsOfTopic(topic: EventTopic): EventName[] {
  return EVENT_NAMES.filter((name) => name.startsWith(`${topic}.`));
}

const TOPICS: readonly EventTopic[] = [...new Set(EVENT_NAMES.map((name) => splitEvent(name)[0]))];

/** Why `name` is not an event name, with the closest event, or the topic it names or resembles. */
function unknownEvent(name: string): string {
  const listOf = (topic: EventTopic): string => eventsOfTopic(topic).join(', ');
  const exactTopic = TOPICS.find((topic) => topic === name.toLowerCase());
  if (exactTopic !== undefined) {
    return `\`${name}\` is a topic, not an event: name one of its events (${listOf(exactTopic)})`;
  }
  const event = closestName(name, EVENT_NAMES);
  if (event !== undefined) return `unknown event \`${name}\`: did you mean \`${event}\`?`;
  const guess = closestName(name.split('.')[0] ?? name, TOPICS);
  const topic = TOPICS.find((known) => known === guess);
  if (topic !== undefined) {
    return `unknown event \`${name}\`: did you mean an event of the topic \`${topic}\`? (${listOf(topic)})`;
  }
  return `unknown event \`${name}\``;
}

/**
 * Reads an event name or a comma-separated sequence of names of one topic.
 * @throws TypeError for an unknown name (suggesting the closest known one) or a sequence that mixes topics.
 */
export function parseEventNames(events: string | readonly string[]): EventName[] {
  const names = (typeof events === 'string' ? events.split(',') : [...events]).map((name) => name.trim());
  if (names.length === 0 || names.some((name) => name === '')) fail('give at least one event name');
  for (const name of names) {
    if (!isEventName(name)) fail(unknownEvent(name));
  }
  const typed = names as EventName[];
  const topics = new Set(typed.map((name) => splitEvent(name)[0]));
  if (topics.size > 1) {
    fail(`a sequence changes one resource, so its events must share a topic; got ${[...topics].join(', ')}`);
  }
  return typed;
}

/** The steps to send, with the states that must come first (a chargeback update needs its opening). */
function planSteps(names: readonly EventName[]): { entry: TopicTrigger; steps: Step[] } {
  const entry: TopicTrigger = TOPIC_TRIGGERS[splitEvent(names[0] as EventName)[0]];
  const steps: Step[] = [];
  for (const event of names) {
    const [topic, action] = splitEvent(event);
    const state = stateOf(entry, action);
    if (state.after !== undefined && !steps.some((step) => step.event === `${topic}.${state.after}`)) {
      steps.push({ event: `${topic}.${state.after}` as EventName, state: stateOf(entry, state.after) });
    }
    steps.push({ event, state });
  }
  return { entry, steps };
}

async function storeResource(apiUrl: URL, path: string, resource: unknown): Promise<string> {
  const url = new URL(`/_fake/resources?path=${encodeURIComponent(path)}`, apiUrl).toString();
  let response: Response;
  try {
    response = await fetch(url, { method: 'PUT', body: stringify(resource) ?? '' });
  } catch (error) {
    throw new Error(
      `${PREFIX}: cannot reach the fake API at ${apiUrl.origin} (${networkCause(error)}): start it with ` +
        '`npx mercadopago-notifications fake-api`, or pass its URL with --api-url',
      { cause: error },
    );
  }
  if (response.status !== 204) {
    throw new Error(
      `${PREFIX}: the fake API answered ${response.status} to PUT ${url}: ${await response.text()}`,
    );
  }
  return url;
}

/**
 * Triggers events as Mercado Pago would: for each event, stores the resource in the fake API in the state the
 * event names (through its control routes, so the fake may run in another process), then posts the signed
 * delivery to `url` (a fresh x-request-id and ts), optionally followed by its IPN copy and a resend.
 *
 * @throws TypeError for an unknown event name (with a suggestion), a sequence mixing topics, a bad URL, a
 *   missing secret, or `withIpn` for a topic Mercado Pago sends no IPN for; Error when the fake API or the
 *   endpoint cannot be reached.
 */
export async function triggerEvent(options: Readonly<TriggerEventOptions>): Promise<TriggerResult> {
  const { secret, withIpn = false, resend = false, report = () => undefined } = options;
  const { entry, steps } = planSteps(parseEventNames(options.events));
  const endpoint = parseHttpUrl(options.url, '`url`');
  const apiUrl = parseHttpUrl(options.apiUrl ?? DEFAULT_FAKE_API_URL, '`apiUrl`');
  if (typeof secret !== 'string' || secret === '') fail('a secret is needed to sign the deliveries');
  if (withIpn && entry.ipnTopic === undefined) {
    fail(`Mercado Pago sends no IPN copy of ${steps[0]?.event ?? ''} (topic ${entry.topic})`);
  }
  const resourceId = options.resourceId ?? entry.newResourceId();
  const startedMs = Date.now();
  const exchanges: TriggerExchange[] = [];
  const send = async (kind: TriggerExchange['kind'], event: EventName, delivery: BuiltDelivery) => {
    const exchange = { kind, event, delivery, ...(await postDelivery(endpoint.origin, delivery)) };
    exchanges.push(exchange);
    report({ type: 'exchange', ...exchange });
  };
  for (const { event, state } of steps) {
    if (state.note !== undefined) report({ type: 'note', event, text: state.note });
  }
  for (const [index, { event, state }] of steps.entries()) {
    const change = {
      step: index,
      createdAt: new Date(startedMs).toISOString(),
      updatedAt: new Date(startedMs + index * 1000).toISOString(),
      version: Math.floor(startedMs / 1000) + index,
    };
    const resource = entry.resource(resourceId, state, change);
    // Stored where the router reads it: the path comes from the router's own topic catalogue.
    const path = topicSpec(entry.topic)?.resourcePath?.({
      resourceId,
      parentResourceId: entry.parentResourceId,
    });
    if (resource !== undefined && path !== undefined) {
      report({ type: 'resource', event, path, url: await storeResource(apiUrl, path, resource) });
    }
    const webhook = buildDelivery({
      topic: state.topic ?? entry.topic,
      resourceId,
      channel: entry.channel,
      secret,
      path: `${endpoint.pathname}${endpoint.search}`,
      action: state.action ?? (index === 0 ? entry.actions?.created : entry.actions?.updated),
      data: state.data,
    });
    await send('webhook', event, webhook);
    if (withIpn && entry.ipnTopic !== undefined) {
      const ipn = buildDelivery({
        topic: entry.ipnTopic,
        resourceId,
        channel: 'ipn',
        path: `${endpoint.pathname}${endpoint.search}`,
        requestId: webhook.headers['x-request-id'] ?? null,
        ts: /ts=(\d+)/.exec(webhook.headers['x-signature'] ?? '')?.[1],
      });
      await send('ipn', event, ipn);
    }
    if (resend) await send('resend', event, webhook);
  }
  return { resourceId, exchanges, ok: exchanges.every(({ status }) => status >= 200 && status < 300) };
}
