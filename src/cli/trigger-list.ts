// What `trigger` can send: `trigger --list` (each event with what it stores and sends) and the events part of
// `trigger --help`, both read from the trigger catalogue and the router's own topic table, so neither can drift.
import type { EventName, EventTopic } from '../event-names.js';
import { topicSpec } from '../topics.js';
import { TOPIC_TRIGGERS, type TopicTrigger, type TriggerState } from '../testing/trigger-catalogue.js';

/** Width of the name column; the longest event name is 33 characters. */
const NAME_WIDTH = 36;
/** Help lines wrap before this column. */
const HELP_WIDTH = 100;

/** One event as `trigger --list --json` describes it. */
export interface ListedEvent {
  readonly name: EventName;
  /** The resource's fields in the state the event names (nested objects flattened with dots). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The event sent first, when this one needs it (a chargeback update follows its opening). */
  readonly sendsFirst?: EventName;
  readonly note?: string;
}

/** One topic as `trigger --list --json` describes it. */
export interface ListedTopic {
  readonly topic: EventTopic;
  readonly channel: 'webhook' | 'wallet_connect';
  /** The Webhooks `type` sent. */
  readonly type: string;
  /** Where the resource is stored in the fake API; undefined when the router reads nothing. */
  readonly resourcePath: string | undefined;
  /** The IPN topic of the `--with-ipn` copy; undefined when Mercado Pago sends none. */
  readonly ipnTopic: string | undefined;
  readonly events: readonly ListedEvent[];
}

function flatten(fields: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(flatten(value as Record<string, unknown>, `${prefix}${key}.`))
        : [[`${prefix}${key}`, value]],
    ),
  );
}

function listEvent(topic: EventTopic, action: string, state: TriggerState): ListedEvent {
  return {
    name: `${topic}.${action}` as EventName,
    fields: flatten(state.fields),
    ...(state.after === undefined ? {} : { sendsFirst: `${topic}.${state.after}` as EventName }),
    ...(state.note === undefined ? {} : { note: state.note }),
  };
}

/** Every topic `trigger` can send, in the catalogue's order. */
export function listTriggers(): ListedTopic[] {
  return (Object.entries(TOPIC_TRIGGERS) as Array<[EventTopic, TopicTrigger]>).map(([topic, entry]) => {
    const parent = entry.parentResourceId === undefined ? undefined : '{parent id}';
    const resourcePath = topicSpec(entry.topic)?.resourcePath?.({
      resourceId: '{id}',
      parentResourceId: parent,
    });
    return {
      topic,
      channel: entry.channel,
      type: entry.topic,
      resourcePath,
      ipnTopic: entry.ipnTopic,
      events: Object.entries(entry.states).map(([action, state]) => listEvent(topic, action, state)),
    };
  });
}

/** `trigger --list`: each topic with what it sends, then each event with the state it stores. */
export function renderTriggerList(topics: readonly ListedTopic[]): string[] {
  const lines: string[] = [];
  for (const listed of topics) {
    const channel = listed.channel === 'wallet_connect' ? 'Wallet Connect' : 'Webhook';
    const stored =
      listed.resourcePath === undefined ? 'nothing stored (no API read)' : `stores ${listed.resourcePath}`;
    const ipn = listed.ipnTopic === undefined ? 'no IPN copy' : `--with-ipn: IPN topic=${listed.ipnTopic}`;
    lines.push(`${listed.topic}: ${channel} type=${listed.type}, ${stored}, ${ipn}`);
    for (const event of listed.events) {
      const fields = Object.entries(event.fields).map(([key, value]) => `${key}=${String(value)}`);
      const extra = [
        ...(event.sendsFirst === undefined ? [] : [`(sends ${event.sendsFirst} first)`]),
        ...(event.note === undefined || event.sendsFirst !== undefined ? [] : [`(${event.note})`]),
      ];
      lines.push(`  ${event.name.padEnd(NAME_WIDTH)}${[...fields, ...extra].join(' ') || '-'}`.trimEnd());
    }
  }
  return lines;
}

/** The events part of `trigger --help`: each topic with the action parts of its event names, wrapped. */
export function eventsHelp(): string {
  const lines = ['', 'Events (`mercadopago-notifications trigger --list` says what each one sends):'];
  const indent = ' '.repeat(2 + 22);
  for (const listed of listTriggers()) {
    let line = `  ${listed.topic.padEnd(22)}`;
    for (const event of listed.events) {
      const action = event.name.slice(listed.topic.length + 1);
      if (line.length + action.length + 1 > HELP_WIDTH && line.trim() !== listed.topic) {
        lines.push(line.trimEnd());
        line = indent;
      }
      line += `${action} `;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
