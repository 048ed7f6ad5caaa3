import { isSignatureKey } from '../dedup-keys.js';
import { buildManifest, parseSignatureHeader, signatureTimeMs } from '../signature.js';
import type { ReceivedDelivery } from '../delivery.js';
import type { MercadoPagoNotificationError, MercadoPagoNotificationErrorCode } from '../errors.js';
import type { Outcome } from '../in-flight.js';
import type { SignatureMatch } from '../signature.js';
import type { DeliveryChannel, VerifiedBy } from '../types.js';
import type { VerificationPlan } from '../verification.js';

/** Longest text the inspector keeps from one delivery-provided value or message. */
const MAX_TEXT_LENGTH = 300;
/** Hex characters of the v1 hash shown: enough to tell two signatures apart, too few to reuse one. */
const V1_PREFIX_LENGTH = 8;

/** Codes that mean the delivery could not be trusted by its signature or by the rules around it. */
const VERIFICATION_CODES: ReadonlySet<MercadoPagoNotificationErrorCode> = new Set([
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_MISMATCH',
  'SIGNATURE_EXPIRED',
  'UNVERIFIABLE_DELIVERY',
]);
/** Codes of a failed API read: for an unsigned delivery (IPN) the read is its verification. */
const API_READ_CODES: ReadonlySet<MercadoPagoNotificationErrorCode> = new Set([
  'RESOURCE_NOT_FOUND',
  'API_UNAUTHORIZED',
  'API_UNAVAILABLE',
  'API_TIMEOUT',
  'ACCESS_TOKEN_UNAVAILABLE',
]);

/** An error as a row shows it. */
export interface EntryError {
  readonly code: MercadoPagoNotificationErrorCode;
  readonly message: string;
}

/**
 * One delivery as the inspector page shows it (serialized as JSON to the page). It never holds a secret, a
 * token, the body or a whole v1 hash: only what the request itself carried in the clear, and outcomes.
 */
export interface InspectorEntry {
  id: number;
  /** When the request arrived, ISO 8601. */
  receivedAt: string;
  channel?: DeliveryChannel;
  topic?: string;
  action?: string;
  resourceId?: string;
  requestId?: string;
  retry?: number;
  /** The x-signature as parsed, when it parsed: ts, its age on arrival, a v1 prefix, and the manifest rebuilt. */
  signature?: { ts: string; ageSeconds: number; v1Prefix: string; hashes: number; manifest: string };
  verification: {
    status: 'verified' | 'failed' | 'pending' | 'not reached';
    by?: VerifiedBy;
    /** Which configured secret (1 = the first) and which casing of data.id produced the hash. */
    matched?: { secret: number; idCasing: SignatureMatch['idCasing'] };
    reason?: string;
  };
  dedup?:
    'new' | 'duplicate delivery' | 'replayed signature' | 'duplicate event' | 'joined a copy in progress';
  events: string[];
  listeners?: { count: number; status: 'running' | 'ok' | 'failed'; failures: string[] };
  answer?: { status: number; ms: number; beforeProcessing: boolean; error?: EntryError };
  /** How processing ended, for a delivery answered before it was processed. */
  processed?: { ms: number; error?: EntryError };
}

/** What the handler reports about one request. Each method is called at most once, in this order. */
export interface DeliveryTrace {
  parsed(delivery: ReceivedDelivery): void;
  /** The delivery layer recognised a copy: `key` is already processed. */
  duplicateOf(key: string): void;
  emitted(name: string, listenerCount: number): void;
  /** Listeners finished, possibly after the answer (listener timeout). */
  listenersSettled(failures: readonly Error[]): void;
  /**
   * The answer went out. `outcome` is undefined when the delivery is answered before processing; the second
   * call then reports how processing ended.
   */
  answered(status: number, plan: VerificationPlan | undefined, outcome: Outcome | undefined): void;
}

/** What a trace needs from the recorder. */
export interface TraceSink {
  readonly now: () => number;
  /** Adds the entry to the buffer (first answer) or republishes it (later updates). */
  readonly publish: (entry: InspectorEntry) => void;
}

const ERROR_PREFIX = /^\[mercadopago-notifications\] /;

const clip = (text: string): string =>
  text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text;

function signatureOf(delivery: ReceivedDelivery, receivedAtMs: number): InspectorEntry['signature'] {
  const parsed = parseSignatureHeader(delivery.signatureHeader);
  if (typeof parsed === 'string') return undefined;
  const manifest = buildManifest({
    dataId: delivery.signedDataId,
    requestId: delivery.requestId,
    ts: parsed.ts,
  });
  return {
    ts: parsed.ts,
    ageSeconds: Math.round((receivedAtMs - signatureTimeMs(parsed.ts)) / 1000),
    v1Prefix: clip(parsed.hashes[0] ?? '').slice(0, V1_PREFIX_LENGTH),
    hashes: parsed.hashes.length,
    manifest: clip(manifest),
  };
}

/** Topic and resource id as the query named them, for a request that was not a delivery. */
function fromQuery(url: string): Pick<InspectorEntry, 'topic' | 'resourceId'> {
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const topic = query.get('type') ?? query.get('topic');
  const resourceId = query.get('data.id') ?? query.get('id');
  return {
    ...(topic === null ? {} : { topic: clip(topic) }),
    ...(resourceId === null ? {} : { resourceId: clip(resourceId) }),
  };
}

function verificationOf(
  plan: VerificationPlan | undefined,
  outcome: Outcome | undefined,
  describe: (error: MercadoPagoNotificationError) => EntryError,
): InspectorEntry['verification'] {
  const error = outcome?.ok === false ? outcome.error : undefined;
  if (plan === undefined) {
    // Answered before verification (fraud alerts, Delivery): the final outcome says how it went.
    if (outcome === undefined) return { status: 'pending' };
    return error !== undefined && VERIFICATION_CODES.has(error.code)
      ? { status: 'failed', reason: describe(error).message }
      : { status: 'not reached' };
  }
  const by = plan.verifiedBy;
  const match = plan.signature;
  if (match !== undefined) {
    return { status: 'verified', by, matched: { secret: match.secretNumber, idCasing: match.idCasing } };
  }
  if (outcome === undefined) return { status: 'pending', by };
  if (error !== undefined && API_READ_CODES.has(error.code)) {
    return { status: 'failed', by, reason: `API read: ${describe(error).message}` };
  }
  return { status: 'verified', by };
}

function dedupOf(outcome: Outcome | undefined, duplicateKey: string | undefined): InspectorEntry['dedup'] {
  if (outcome === undefined || !outcome.ok) return undefined;
  switch (outcome.dedup) {
    case 'new':
      return 'new';
    case 'duplicate':
      return duplicateKey !== undefined && isSignatureKey(duplicateKey)
        ? 'replayed signature'
        : 'duplicate delivery';
    case 'duplicate-event':
      return 'duplicate event';
    case 'joined':
      return 'joined a copy in progress';
  }
}

/** Starts the trace of one request that arrived at `url` (path and query). */
export function createTrace(url: string, sink: TraceSink): DeliveryTrace {
  const startedMs = sink.now();
  const started = performance.now();
  const entry: InspectorEntry = {
    id: 0,
    receivedAt: new Date(startedMs).toISOString(),
    verification: { status: 'pending' },
    events: [],
  };
  let parsed = false;
  let duplicateKey: string | undefined;
  const shown = (message: string): string => clip(message.replace(ERROR_PREFIX, ''));
  const describe = (error: MercadoPagoNotificationError): EntryError => ({
    code: error.code,
    message: shown(error.message),
  });
  const publishIfAnswered = (): void => {
    if (entry.answer !== undefined) sink.publish(entry);
  };

  return {
    parsed(delivery) {
      parsed = true;
      entry.channel = delivery.channel;
      entry.topic = clip(delivery.topic);
      if (delivery.action !== undefined) entry.action = clip(delivery.action);
      if (delivery.resourceId !== undefined) entry.resourceId = delivery.resourceId;
      if (delivery.requestId !== undefined) entry.requestId = clip(delivery.requestId);
      if (delivery.retry !== undefined) entry.retry = delivery.retry;
      const signature = signatureOf(delivery, startedMs);
      if (signature !== undefined) entry.signature = signature;
    },
    duplicateOf(key) {
      duplicateKey = key;
    },
    emitted(name, listenerCount) {
      entry.events = [name];
      entry.listeners = {
        count: listenerCount,
        status: listenerCount === 0 ? 'ok' : 'running',
        failures: [],
      };
    },
    listenersSettled(failures) {
      if (entry.listeners === undefined) return;
      entry.listeners.status = failures.length === 0 ? 'ok' : 'failed';
      entry.listeners.failures = failures.map((failure) => shown(failure.message));
      publishIfAnswered();
    },
    answered(status, plan, outcome) {
      const ms = Math.round(performance.now() - started);
      const error = outcome?.ok === false ? describe(outcome.error) : undefined;
      if (entry.answer === undefined) {
        if (!parsed) Object.assign(entry, fromQuery(url));
        entry.answer = { status, ms, beforeProcessing: outcome === undefined, ...(error && { error }) };
      } else {
        entry.processed = { ms, ...(error && { error }) };
      }
      entry.verification = verificationOf(plan, outcome, describe);
      const dedup = dedupOf(outcome, duplicateKey);
      if (dedup !== undefined) entry.dedup = dedup;
      sink.publish(entry);
    },
  };
}
