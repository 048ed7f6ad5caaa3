import { createTrace, type DeliveryTrace, type InspectorEntry } from './trace.js';
import type { Redactor } from '../redact.js';

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** Deliveries kept; the oldest is dropped first. */
  readonly max: number;
  /** Masks secrets and tokens wherever a message or a delivery value repeats one. */
  readonly redact: Redactor;
  readonly now: () => number;
}

/** The last deliveries, and the pages watching them. */
export interface InspectorRecorder {
  readonly max: number;
  /** Starts recording one request to `url` (path and query). */
  begin(url: string): DeliveryTrace;
  /** Every kept entry, oldest first, as a JSON array. */
  snapshot(): string;
  /** Calls `listener` with each new or updated entry as JSON; returns the unsubscribe function. */
  subscribe(listener: (json: string) => void): () => void;
}

/** A bounded buffer of traced deliveries (insertion-ordered map: the first key is the oldest). */
export function createRecorder({ max, redact, now }: RecorderOptions): InspectorRecorder {
  const entries = new Map<number, InspectorEntry>();
  const listeners = new Set<(json: string) => void>();
  let lastId = 0;
  // Every string is masked as it is serialized, whichever field it sits in.
  const serialize = (value: unknown): string =>
    JSON.stringify(value, (_key, field: unknown) => (typeof field === 'string' ? redact(field) : field));

  function publish(entry: InspectorEntry): void {
    if (entry.id === 0) {
      entry.id = ++lastId;
      entries.set(entry.id, entry);
      const oldest = entries.keys().next();
      if (entries.size > max && oldest.done !== true) entries.delete(oldest.value);
    } else if (!entries.has(entry.id)) {
      return; // dropped from the buffer before its update
    }
    if (listeners.size === 0) return;
    const json = serialize(entry);
    for (const listener of listeners) listener(json);
  }

  return {
    max,
    begin: (url) => createTrace(url, { now, publish }),
    snapshot: () => serialize([...entries.values()]),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
