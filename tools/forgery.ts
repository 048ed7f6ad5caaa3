// Forgery attempts: systematic perturbations of genuine deliveries (every byte of v1, ts, data.id and x-request-id;
// wrong, truncated and neighbouring secrets; the data.id casing rule aimed at another id; replays of a used
// signature with another type or body). runForgeryInProcess() drives a million of them through the router without
// sockets; runForgeryOverHttp() sends a sample over loopback HTTP. Both count how many were accepted (must be 0).
// A replay carries a genuine signature: on a topic named by the read it may make a read, but only of the signed
// data.id (the type only picks the read), so replays are counted apart from forgeries.
import { randomUUID } from 'node:crypto';
import { mercadoPagoNotifications, signNotification } from '../src/index.js';
import { createMemoryStore } from '../src/store/memory.js';
import { startFakeMercadoPagoApi } from '../src/testing/fake-api.js';
import type { DeliveryStore } from '../src/store/types.js';
import {
  KNOWN_RESOURCES,
  TOOL_SECRET,
  TOOL_TOKEN,
  memoryMiB,
  startToolTarget,
  storeKnownResources,
} from './fuzz-setup.js';
import { createWireClient, invokeRouter, type WireRequest } from './wire.js';

/** A genuine delivery: what was signed and the header that signs it. */
export interface GenuineDelivery {
  readonly dataId: string;
  readonly type: string;
  readonly requestId: string;
  readonly ts: string;
  readonly signature: string;
}

/** One forged request, in the shape the router reads. */
export interface Forgery {
  readonly kind: ForgeryKind;
  readonly dataId: string;
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type ForgeryKind =
  | 'v1-byte'
  | 'v1-shape'
  | 'ts-byte'
  | 'data.id-byte'
  | 'x-request-id-byte'
  | 'wrong-secret'
  | 'truncated-secret'
  | 'neighbouring-secret'
  | 'casing-trick'
  | 'replay-other-type'
  | 'replay-other-body';

const HEX = '0123456789abcdef';
const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
const REPLAY_TYPES = [
  'merchant_order',
  'topic_merchant_order_wh',
  'chargebacks',
  'order',
  'wallet_connect',
  'stop_delivery_op_wh',
  'mp-connect',
  'topic_card_id_wh',
  'point_integration_wh',
  'unknown_topic',
];

/** Signs a delivery of `dataId` with a fresh x-request-id; `ts` in seconds. */
export function genuineDelivery(
  dataId: string,
  type: string,
  ts: number,
  secret = TOOL_SECRET,
): GenuineDelivery {
  const requestId = randomUUID();
  return {
    dataId,
    type,
    requestId,
    ts: String(ts),
    signature: signNotification({ secret, dataId, requestId, ts }),
  };
}

function replaceAt(text: string, index: number, char: string): string {
  return `${text.slice(0, index)}${char}${text.slice(index + 1)}`;
}

function headersOf(requestId: string | undefined, signature: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-signature': signature,
    ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
  };
}

function envelope(type: string, dataId: string): Record<string, unknown> {
  return { action: `${type}.updated`, type, data: { id: dataId }, id: 1, user_id: 1, live_mode: true };
}

/** Every forgery derived from one genuine delivery, about 2,500 of them. None may be accepted. */
export function* forgeriesOf(genuine: GenuineDelivery): Generator<Forgery> {
  const { dataId, type, requestId, ts, signature } = genuine;
  const v1 = signature.slice(signature.indexOf('v1=') + 3);
  const body = envelope(type, dataId);
  const withV1 = (kind: ForgeryKind, hash: string): Forgery => ({
    kind,
    dataId,
    type,
    headers: headersOf(requestId, `ts=${ts},v1=${hash}`),
    body,
  });
  // Every byte of v1, to every other hex digit; then a multibyte character; then shapes.
  for (let i = 0; i < v1.length; i++) {
    for (const char of HEX) if (char !== v1[i]) yield withV1('v1-byte', replaceAt(v1, i, char));
    yield withV1('v1-byte', replaceAt(v1, i, 'é'));
    yield withV1('v1-shape', v1.slice(0, i));
    yield withV1('v1-shape', `${v1}${HEX[i % 16] ?? '0'}`);
  }
  yield withV1('v1-shape', v1.toUpperCase());
  yield withV1('v1-shape', `${v1.slice(1)}${v1[0] ?? ''}`);
  // Every byte of ts; then neighbouring times, which a captured signature would need to move.
  const ts10 = (text: string): Forgery => ({
    ...withV1('ts-byte', v1),
    headers: headersOf(requestId, `ts=${text},v1=${v1}`),
  });
  for (let i = 0; i < ts.length; i++)
    for (const digit of '0123456789') if (digit !== ts[i]) yield ts10(replaceAt(ts, i, digit));
  for (const delta of [-3600, -60, -1, 1, 60, 3600]) yield ts10(String(Number(ts) + delta));
  yield ts10(`${ts}000`);
  yield ts10(ts.slice(0, -1));
  // Every byte of data.id, to a character that is not a case variant of it (the casing rule accepts those).
  const idVariant = (id: string): Forgery => ({
    kind: 'data.id-byte',
    dataId: id,
    type,
    headers: headersOf(requestId, signature),
    body,
  });
  for (let i = 0; i < dataId.length; i++) {
    const lower = dataId[i]?.toLowerCase();
    for (const char of ID_CHARS)
      if (char.toLowerCase() !== lower) yield idVariant(replaceAt(dataId, i, char));
  }
  yield idVariant(`${dataId}0`);
  yield idVariant(`0${dataId}`);
  yield idVariant(dataId.slice(1));
  // Every byte of x-request-id, case changes included (it is signed verbatim), and its removal.
  const requestIdVariant = (id: string | undefined): Forgery => ({
    kind: 'x-request-id-byte',
    dataId,
    type,
    headers: headersOf(id, signature),
    body,
  });
  for (let i = 0; i < requestId.length; i++) {
    for (const char of '0123456789abcdefABCDEF-x')
      if (char !== requestId[i]) yield requestIdVariant(replaceAt(requestId, i, char));
  }
  yield requestIdVariant(undefined);
  yield requestIdVariant(`${requestId}0`);
  // Other secrets: random, truncated, and one character away from the real one.
  const signedWith = (kind: ForgeryKind, secret: string): Forgery => ({
    kind,
    dataId,
    type,
    headers: headersOf(requestId, signNotification({ secret, dataId, requestId, ts })),
    body,
  });
  for (let i = 0; i < 16; i++) yield signedWith('wrong-secret', randomUUID());
  for (let i = 1; i < TOOL_SECRET.length; i++) yield signedWith('truncated-secret', TOOL_SECRET.slice(0, i));
  for (let i = 0; i < TOOL_SECRET.length; i++) {
    yield signedWith('neighbouring-secret', replaceAt(TOOL_SECRET, i, TOOL_SECRET[i] === 'x' ? 'y' : 'x'));
    yield signedWith('neighbouring-secret', replaceAt(TOOL_SECRET, i, ''));
  }
  yield signedWith('neighbouring-secret', `${TOOL_SECRET}x`);
  yield signedWith('neighbouring-secret', TOOL_SECRET.toUpperCase());
  yield signedWith('neighbouring-secret', ` ${TOOL_SECRET}`);
  // The casing rule (data.id accepted as received or lowercased) aimed at another id: a signature over one id in
  // lower case, sent with a different id in upper or mixed case, and mixed-case forms of an upper-case signed id.
  const lowered = dataId.toLowerCase();
  const loweredSignature = signNotification({ secret: TOOL_SECRET, dataId: lowered, requestId, ts });
  for (let i = 0; i < dataId.length; i++) {
    const other = replaceAt(dataId, i, dataId[i] === 'Z' ? 'Y' : 'Z').toUpperCase();
    if (other.toLowerCase() === lowered) continue;
    yield {
      kind: 'casing-trick',
      dataId: other,
      type,
      headers: headersOf(requestId, loweredSignature),
      body,
    };
    yield {
      kind: 'casing-trick',
      dataId: other.toLowerCase(),
      type,
      headers: headersOf(requestId, signature),
      body,
    };
  }
  if (dataId !== lowered) {
    const mixed = [...dataId].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c)).join('');
    if (mixed !== dataId && mixed !== lowered) {
      yield { kind: 'casing-trick', dataId: mixed, type, headers: headersOf(requestId, signature), body };
    }
  }
  // Replays of the used signature with another type, or another body (which names another resource).
  for (const other of REPLAY_TYPES) {
    yield {
      kind: 'replay-other-type',
      dataId,
      type: other,
      headers: headersOf(requestId, signature),
      body: envelope(other, dataId),
    };
  }
  for (const other of ['1002', '1003', '999', KNOWN_RESOURCES.order[0]]) {
    yield {
      kind: 'replay-other-body',
      dataId,
      type,
      headers: headersOf(requestId, signature),
      body: envelope(type, other),
    };
    yield {
      kind: 'replay-other-body',
      dataId,
      type,
      headers: headersOf(requestId, signature),
      body: { ...envelope(type, dataId), action: 'payment.created', status: 'approved', amount: 1e9, other },
    };
  }
}

/** The router path and query of a forgery. */
function urlOf(forgery: Forgery, path = '/webhooks'): string {
  return `${path}?data.id=${encodeURIComponent(forgery.dataId)}&type=${encodeURIComponent(forgery.type)}`;
}

/** Whether a forgery reuses the genuine signature unchanged (with another type or body). */
export function isReplay(kind: ForgeryKind): boolean {
  return kind === 'replay-other-type' || kind === 'replay-other-body';
}

/** Figures of a forgery run. */
export interface ForgeryFigures {
  attempts: number;
  /** Forgeries that ran a listener, or were answered 2xx other than as a replay of a used signature (must be 0). */
  accepted: number;
  /** API reads the forgeries other than replays caused (must be 0: nothing is read before the signature holds). */
  apiReadsByForgeries: number;
  /** API reads replays caused: the type picked a read of the signed data.id under another topic's path. */
  apiReadsByReplays: number;
  /** Of those, reads of anything but the signed data.id (must be 0: the unsigned body never picks the resource). */
  replayReadsOfOtherIds: number;
  byKind: Partial<Record<ForgeryKind, number>>;
  byStatus: Record<string, number>;
  genuine: number;
  /** Genuine deliveries whose first copy emitted (0 would mean the harness forged nothing real). */
  genuineEmitted: number;
  /** Keys forgeries other than replays made the store record, claimed or processed (must be 0). */
  storeWritesByForgeries: number;
  ms: number;
  /** Resident set and heap in MiB: at the start (in process: after the first round), and at the end. */
  memory: { before: { rss: number; heap: number }; after: { rss: number; heap: number } };
}

/** The real in-memory store, counting the keys it records (claimed or completed). */
function countingStore(): { store: DeliveryStore; writes: () => number } {
  const inner = createMemoryStore({ max: 50_000, ttlMs: 48 * 3600_000, leaseMs: 30_000, now: Date.now });
  let writes = 0;
  return {
    writes: () => writes,
    store: {
      ttlMs: inner.ttlMs,
      async claim(list) {
        const result = await inner.claim(list);
        if (result.status === 'claimed') writes += list.length;
        return result;
      },
      complete: (list) => ((writes += list.length), inner.complete(list)),
      release: (list) => inner.release(list),
      has: (key) => inner.has(key),
    },
  };
}

function emptyFigures(): ForgeryFigures {
  return {
    attempts: 0,
    accepted: 0,
    apiReadsByForgeries: 0,
    apiReadsByReplays: 0,
    replayReadsOfOtherIds: 0,
    byKind: {},
    byStatus: {},
    genuine: 0,
    genuineEmitted: 0,
    storeWritesByForgeries: 0,
    ms: 0,
    memory: { before: memoryMiB(), after: memoryMiB() },
  };
}

function count(figures: ForgeryFigures, forgery: Forgery, status: number, listenerRuns: number): void {
  figures.attempts++;
  figures.byKind[forgery.kind] = (figures.byKind[forgery.kind] ?? 0) + 1;
  figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
  if (listenerRuns > 0 || (status < 300 && !isReplay(forgery.kind))) figures.accepted++;
}

/** Counts the API reads of one replay, and those of any id but the signed one. */
function countReplayReads(figures: ForgeryFigures, genuine: GenuineDelivery, paths: readonly string[]): void {
  figures.apiReadsByReplays += paths.length;
  const signed = `/${encodeURIComponent(genuine.dataId)}`;
  figures.replayReadsOfOtherIds += paths.filter((path) => !path.endsWith(signed)).length;
}

/** The payment ids the genuine deliveries are about, in turn. */
const GENUINE_IDS = [...KNOWN_RESOURCES.payment, ...KNOWN_RESOURCES.order];
const typeOf = (id: string): string => (id.startsWith('ORD') ? 'order' : 'payment');

/**
 * Drives at least `minAttempts` forgeries through the real router in process (no sockets: see invokeRouter), each
 * right after the genuine delivery it perturbs was processed. Measures memory before and after.
 */
export async function runForgeryInProcess(minAttempts: number): Promise<ForgeryFigures> {
  const api = await startFakeMercadoPagoApi({ accessTokens: [TOOL_TOKEN] });
  storeKnownResources(api);
  const { store, writes } = countingStore();
  const mp = mercadoPagoNotifications({
    secret: TOOL_SECRET,
    accessToken: TOOL_TOKEN,
    apiBaseUrl: api.url,
    store,
  });
  let listenerRuns = 0;
  mp.onAny(() => void listenerRuns++);
  const figures = emptyFigures();
  const started = performance.now();
  let ts = Math.floor(Date.now() / 1000);
  try {
    while (figures.attempts < minAttempts) {
      const id = GENUINE_IDS[figures.genuine % GENUINE_IDS.length] ?? '1001';
      const genuine = genuineDelivery(id, typeOf(id), ts++);
      const headers = headersOf(genuine.requestId, genuine.signature);
      const runsBefore = listenerRuns;
      const status = await invokeRouter(
        mp,
        urlOf({ ...genuine, kind: 'v1-byte', headers, body: {} }),
        headers,
        envelope(genuine.type, id),
      );
      if (status !== 200) throw new Error(`the genuine delivery was answered ${status}`);
      figures.genuine++;
      if (listenerRuns > runsBefore) figures.genuineEmitted++;
      const all = [...forgeriesOf(genuine)];
      for (const forgery of all.filter((f) => !isReplay(f.kind))) {
        const runs = listenerRuns;
        const readsBefore = api.requests.length;
        const writesBefore = writes();
        const answer = await invokeRouter(mp, urlOf(forgery), forgery.headers, forgery.body);
        count(figures, forgery, answer, listenerRuns - runs);
        figures.apiReadsByForgeries += api.requests.length - readsBefore;
        figures.storeWritesByForgeries += writes() - writesBefore;
      }
      // The replays of one signature at once: a replay on a topic named by the read may read the signed id under
      // that topic's path, and a 404 is retried after 250 ms; every read meanwhile is theirs.
      const replays = all.filter((f) => isReplay(f.kind));
      const runs = listenerRuns;
      const readsBefore = api.requests.length;
      const answers = await Promise.all(
        replays.map((replay) => invokeRouter(mp, urlOf(replay), replay.headers, replay.body)),
      );
      replays.forEach((replay, i) =>
        count(figures, replay, answers[i] ?? 0, i === 0 ? listenerRuns - runs : 0),
      );
      countReplayReads(
        figures,
        genuine,
        api.requests.slice(readsBefore).map((r) => r.path),
      );
      // Memory is measured from the end of the first round, once the router and the caches are warm.
      if (figures.genuine === 1) figures.memory.before = memoryMiB();
    }
  } finally {
    await api.close();
  }
  figures.ms = Math.round(performance.now() - started);
  figures.memory.after = memoryMiB();
  return figures;
}

/** Sends forgeries of `genuineCount` genuine deliveries over loopback HTTP to a real server (about 2,500 each). */
export async function runForgeryOverHttp(genuineCount: number): Promise<ForgeryFigures> {
  let listenerRuns = 0;
  const target = await startToolTarget({}, () => void listenerRuns++);
  const client = createWireClient(target.url);
  const figures = emptyFigures();
  const started = performance.now();
  const toWire = (forgery: Forgery): WireRequest => {
    const url = urlOf(forgery, '/mp/webhooks');
    return {
      path: '/mp/webhooks',
      search: url.slice(url.indexOf('?') + 1),
      headers: forgery.headers,
      body: JSON.stringify(forgery.body),
    };
  };
  try {
    for (let n = 0; n < genuineCount; n++) {
      const id = GENUINE_IDS[n % GENUINE_IDS.length] ?? '1001';
      const genuine = genuineDelivery(id, typeOf(id), Math.floor(Date.now() / 1000) - n);
      const headers = headersOf(genuine.requestId, genuine.signature);
      const runsBefore = listenerRuns;
      const first = await client.send(
        toWire({ ...genuine, kind: 'v1-byte', headers, body: envelope(genuine.type, id) }),
      );
      if (first.status !== 200)
        throw new Error(`the genuine delivery was answered ${first.status}: ${first.text}`);
      figures.genuine++;
      if (listenerRuns > runsBefore) figures.genuineEmitted++;
      const readsBefore = target.api.requests.length;
      const all = [...forgeriesOf(genuine)];
      const list = all.filter((forgery) => !isReplay(forgery.kind));
      // Sixteen at a time: concurrent forgeries must not get through a race either.
      for (let i = 0; i < list.length; i += 16) {
        const slice = list.slice(i, i + 16);
        const runs = listenerRuns;
        const answers = await Promise.all(slice.map((forgery) => client.send(toWire(forgery))));
        answers.forEach((answer, j) =>
          count(figures, slice[j] as Forgery, answer.status, j === 0 ? listenerRuns - runs : 0),
        );
      }
      figures.apiReadsByForgeries += target.api.requests.length - readsBefore;
      // Replays one at a time, so that each read is theirs.
      for (const replay of all.filter((forgery) => isReplay(forgery.kind))) {
        const runs = listenerRuns;
        const before = target.api.requests.length;
        const answer = await client.send(toWire(replay));
        count(figures, replay, answer.status, listenerRuns - runs);
        countReplayReads(
          figures,
          genuine,
          target.api.requests.slice(before).map((r) => r.path),
        );
      }
    }
  } finally {
    client.close();
    await target.close();
  }
  figures.ms = Math.round(performance.now() - started);
  figures.memory.after = memoryMiB();
  return figures;
}
