// A live server for an app and a reader for the inspector's server-sent events stream: supertest waits for the
// end of a response, and an event stream never ends.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { InspectorEntry } from '../../src/inspector/trace.js';

/** How long a test waits for an expected stream message before failing with what did arrive. */
const STREAM_WAIT_MS = 15_000;

/** An app listening on 127.0.0.1 at a free port. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<RunningApp> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One message of the stream. */
export interface StreamMessage {
  readonly event: string;
  readonly data: string;
}

/** An open inspector stream: every message so far, and a way to wait for the next one that matters. */
export interface InspectorStream {
  readonly status: number;
  readonly headers: Headers;
  /** Everything received, byte for byte as text. */
  readonly text: () => string;
  readonly messages: () => readonly StreamMessage[];
  /** The snapshot the stream opened with. */
  snapshot(): Promise<InspectorEntry[]>;
  /** Resolves with the first `entry` message (already received or still to come) that `match` accepts. */
  entry(match: (entry: InspectorEntry) => boolean): Promise<InspectorEntry>;
  close(): void;
}

function parseMessages(text: string): StreamMessage[] {
  const messages: StreamMessage[] = [];
  for (const block of text.split('\n\n').slice(0, -1)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
    }
    if (data.length > 0) messages.push({ event, data: data.join('\n') });
  }
  return messages;
}

/** Opens `GET <url>` as an event stream and reads it in the background until `close()`. */
export async function openInspectorStream(url: string): Promise<InspectorStream> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  let text = '';
  const waiters = new Set<() => void>();
  if (response.body !== null) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += value;
          for (const wake of waiters) wake();
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  const messages = (): StreamMessage[] => parseMessages(text);

  async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
    const deadline = Date.now() + STREAM_WAIT_MS;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${STREAM_WAIT_MS} ms; the stream sent:\n${text}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        waiters.add(wake);
      });
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    text: () => text,
    messages,
    snapshot: () =>
      waitFor(() => {
        const message = messages().find((m) => m.event === 'snapshot');
        return message === undefined ? undefined : (JSON.parse(message.data) as InspectorEntry[]);
      }, 'snapshot'),
    entry: (match) =>
      waitFor(
        () =>
          messages()
            .filter((m) => m.event === 'entry')
            .map((m) => JSON.parse(m.data) as InspectorEntry)
            .find(match),
        'matching entry',
      ),
    close: () => abort.abort(),
  };
}
