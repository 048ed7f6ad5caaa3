// Adversarial requests (fast-check arbitraries) and the properties every answer must keep. `npm test` runs a
// sample (__tests__/property), `npm run fuzz` runs at least 100,000 cases; both use runAdversarial() below.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { signNotification, type AnyMercadoPagoEvent } from '../src/index.js';
import { KNOWN_RESOURCES, TOOL_SECRET, TOOL_TOKEN, startToolTarget } from './fuzz-setup.js';
import { createWireClient, type WireRequest } from './wire.js';

/** What a case signed, so the oracle can tell whether the signature it carries is genuine. */
interface SignedParts {
  readonly secret: string;
  readonly ts: string;
  readonly hash: string;
  /** Whether the hash reached the header unbroken. */
  readonly intact: boolean;
}

/** One adversarial request and what was signed for it. */
export interface AdversarialCase {
  readonly request: WireRequest;
  readonly signed: SignedParts | undefined;
}

const KNOWN_IDS = Object.values(KNOWN_RESOURCES).flat();
const TOPICS = [
  'payment',
  'merchant_order',
  'topic_merchant_order_wh',
  'chargebacks',
  'topic_chargebacks_wh',
  'order',
  'wallet_connect',
  'stop_delivery_op_wh',
  'delivery_cancellation',
  'topic_card_id_wh',
  'point_integration_wh',
  'mp-connect',
  'subscription_preapproval',
];
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'data', 'data.id[]'];

const idArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_IDS) },
  { weight: 1, arbitrary: fc.stringMatching(/^\d{1,25}$/) },
  { weight: 1, arbitrary: fc.constantFrom('ord01fuzz00000000000000000001', 'Ord01Fuzz00000000000000000001') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('9'.repeat(400), '', ' ', '-1', '1e3', '0x10', '1001 ', '../1001'),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
);
const topicArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...TOPICS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
);
const requestIdArb = fc.oneof(
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.stringMatching(/^[!-~]{1,40}$/) },
  { weight: 1, arbitrary: fc.constant('r'.repeat(6000)) },
);

/** The query: a base shape (Webhook, IPN or none), then extra pairs that may repeat keys or use odd ones. */
const queryArb = fc
  .record({
    shape: fc.constantFrom('webhook', 'ipn', 'none', 'both'),
    id: idArb,
    topic: topicArb,
    extras: fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom('data.id', 'type', 'id', 'topic', ...ODD_KEYS), fc.string({ maxLength: 8 })),
        fc.oneof(idArb, topicArb),
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ shape, id, topic, extras }) => {
    const pairs: Array<[string, string]> = [];
    if (shape === 'webhook' || shape === 'both') pairs.push(['data.id', id], ['type', topic]);
    if (shape === 'ipn' || shape === 'both') pairs.push(['id', id], ['topic', topic]);
    return { dataId: shape === 'webhook' || shape === 'both' ? id : undefined, pairs: [...pairs, ...extras] };
  });

/** Ways to write one x-signature: piece order, spacing, key case, extra pieces, several header lines. */
const signatureStyleArb = fc.record({
  swap: fc.boolean(),
  spaces: fc.constantFrom('', ' ', '  ', '\t'),
  upperKeys: fc.boolean(),
  extra: fc.constantFrom('', 'v2=abc', 'v1=', 'foo', 'v1=' + 'é'.repeat(32), '=,=', 'ts=1'),
  asArray: fc.boolean(),
});

const signatureArb = fc.record({
  mode: fc.constantFrom('valid', 'valid', 'valid', 'wrong-secret', 'garbage', 'absent', 'multibyte', 'long'),
  style: signatureStyleArb,
  garbage: fc.string({ maxLength: 80 }),
  ts: fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.stringMatching(/^\d{1,20}$/) },
  ),
});

const contentTypeArb = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=utf-16',
  '',
);

const envelopeArb = fc.record(
  {
    id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
    type: fc.oneof(topicArb, fc.integer(), fc.constant(null)),
    action: fc.oneof(fc.constantFrom('payment.created', 'Created', 'status.updated'), fc.jsonValue()),
    data: fc.oneof(fc.record({ id: fc.oneof(idArb, fc.integer()) }), fc.jsonValue()),
    user_id: fc.oneof(fc.integer(), fc.string(), fc.array(fc.integer())),
    live_mode: fc.jsonValue(),
    version: fc.jsonValue(),
    resource: fc.string(),
    state: fc.string(),
  },
  { requiredKeys: [] },
);

const bodyArb = fc.oneof(
  { weight: 4, arbitrary: envelopeArb.map((body) => JSON.stringify(body)) },
  { weight: 2, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => `${'['.repeat(depth)}12345678901234567890${']'.repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"data":{"id":123456789012345678901234567890},"type":"payment","id":1e400}',
      '{"__proto__":{"polluted":true},"type":"payment","data":{"id":"1001"}}',
      '{"constructor":{"prototype":{"polluted":true}},"topic":"payment","resource":"/x/1001"}',
      '{"type":"wallet_connect","id":"44ae","version":{"toString":1},"data":{"id":"22abcd1235ed497f945f755fcaba3c6c"}}',
      '{"state":"FINISHED","id":"1001"}',
      'null',
      '',
      '\u0000\u0001',
    ),
  },
);

/** Builds an adversarial case from its parts; the signature, when "valid", is made over what the query carries. */
export const adversarialCaseArb: fc.Arbitrary<AdversarialCase> = fc
  .record({
    path: fc.constantFrom('/mp/webhooks', '/mp/ipn', '/mp/wallet-connect'),
    query: queryArb,
    requestId: requestIdArb,
    signature: signatureArb,
    contentType: contentTypeArb,
    body: bodyArb,
    retry: fc.option(fc.constantFrom('0', '1', '-1', 'x', '99999999999999999999')),
  })
  .map(({ path, query, requestId, signature, contentType, body, retry }) => {
    const ts = signature.ts ?? String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string | string[]> = { 'user-agent': 'fuzz' };
    if (contentType !== '') headers['content-type'] = contentType;
    if (requestId !== undefined) headers['x-request-id'] = requestId;
    if (retry !== null) headers['x-retry'] = retry;
    let signed: SignedParts | undefined;
    if (signature.mode !== 'absent') {
      const secret = signature.mode === 'wrong-secret' ? `${TOOL_SECRET}x` : TOOL_SECRET;
      const header = /^\d{1,16}$/.test(ts)
        ? signNotification({ secret, dataId: query.dataId, requestId, ts })
        : `ts=${ts},v1=${'0'.repeat(64)}`;
      const hash = header.slice(header.indexOf('v1=') + 3);
      let v1 = hash;
      if (signature.mode === 'garbage') v1 = signature.garbage;
      if (signature.mode === 'multibyte') v1 = `${hash.slice(0, 62)}é`;
      if (signature.mode === 'long') v1 = hash.repeat(40);
      const { swap, spaces, upperKeys, extra, asArray } = signature.style;
      const pieces = [
        `${upperKeys ? 'TS' : 'ts'}${spaces}=${spaces}${ts}`,
        `${upperKeys ? 'V1' : 'v1'}=${v1}`,
      ];
      if (swap) pieces.reverse();
      if (extra !== '') pieces.push(extra);
      headers['x-signature'] = asArray ? pieces : pieces.join(`,${spaces}`);
      signed = { secret, ts, hash, intact: v1 === hash };
    }
    const search = query.pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return { request: { path, search, headers, body }, signed };
  });

/** The oracle: the signature is genuine for what arrived, checked with the exported signer. */
export function carriesGenuineSignature(adversarial: AdversarialCase, search: string): boolean {
  const { signed, request } = adversarial;
  if (signed === undefined || signed.secret !== TOOL_SECRET || !signed.intact) return false;
  const dataIds = new URLSearchParams(search).getAll('data.id');
  const requestId = request.headers['x-request-id'];
  if (dataIds.length > 1 || Array.isArray(requestId)) return false;
  const candidates = dataIds.length === 0 ? [undefined] : [dataIds[0], dataIds[0]?.toLowerCase()];
  return candidates.some(
    (dataId) =>
      signNotification({
        secret: TOOL_SECRET,
        dataId,
        requestId: requestId as string | undefined,
        ts: signed.ts,
      }) === `ts=${signed.ts},v1=${signed.hash}`,
  );
}

/** Figures of one adversarial run. */
export interface AdversarialFigures {
  cases: number;
  byStatus: Record<string, number>;
  events: number;
  eventsBySignature: number;
  eventsByApiRead: number;
  /** Listener runs that neither a genuine signature nor an API read justified (must be 0). */
  unverifiedEvents: number;
  /** Answers that leaked the secret, the token, a genuine hash or a stack trace (must be 0). */
  leakyAnswers: number;
  /** Errors that escaped the router into Express (must be 0). */
  escapedErrors: number;
  /** INTERNAL_ERROR answers or reports (must be 0). */
  internalErrors: number;
  apiReads: number;
}

/** The probe of the genuine delivery sent after each batch to check that the router keeps answering. */
const HEALTH_PROBE = -1;
const STACK_TRACE = /\n\s+at |\.ts:\d+|node_modules/;

/** Options of {@link runAdversarial}. */
export interface AdversarialRunOptions {
  /** Cases sent at once; each fast-check run is one batch, so the router also sees concurrent hostile traffic. */
  readonly batch?: number;
  readonly seed?: number;
}

/**
 * Sends at least `minCases` adversarial cases through a real router over loopback HTTP, in concurrent batches, and
 * checks for each that the router answered (no error escaped into Express, no INTERNAL_ERROR), that the answer
 * leaks no secret, token, genuine hash or stack trace, and that every listener run is justified by a genuine
 * signature or by a successful API read of its resource made after the request arrived. The router keeps
 * answering a genuine delivery throughout. Throws fast-check's report when a property fails.
 */
export async function runAdversarial(
  minCases: number,
  { batch = 50, seed }: AdversarialRunOptions = {},
): Promise<AdversarialFigures> {
  // What the oracle needs of each case sent, by probe; old batches are dropped to keep a long run's memory flat.
  const cases = new Map<number, { adversarial: AdversarialCase; search: string; logStart: number }>();
  let sentCount = 0;
  const figures: AdversarialFigures = {
    cases: 0,
    byStatus: {},
    events: 0,
    eventsBySignature: 0,
    eventsByApiRead: 0,
    unverifiedEvents: 0,
    leakyAnswers: 0,
    escapedErrors: 0,
    internalErrors: 0,
    apiReads: 0,
  };
  const violations: string[] = [];
  const onEvent = (event: AnyMercadoPagoEvent): void => {
    figures.events++;
    const probe = Number(event.delivery.query['probe']);
    if (probe === HEALTH_PROBE) return; // the genuine delivery of the health check
    const sent = cases.get(probe);
    if (sent === undefined) return void violations.push(`event ${event.name} from an unknown request`);
    const genuine = carriesGenuineSignature(sent.adversarial, sent.search);
    const readOk = target.api.requests
      .slice(sent.logStart)
      .some((r) => r.status === 200 && r.path.endsWith(`/${event.resourceId}`));
    if (genuine) figures.eventsBySignature++;
    if (readOk) figures.eventsByApiRead++;
    const claimsSignature = event.verifiedBy !== 'api';
    const claimsRead = event.verifiedBy !== 'signature';
    if ((!genuine && !readOk) || (claimsSignature && !genuine) || (claimsRead && !readOk)) {
      figures.unverifiedEvents++;
      violations.push(`${event.name} (${event.verifiedBy}) ran for case ${probe}: ${JSON.stringify(sent)}`);
    }
  };
  const target = await startToolTarget({ fetchTimeoutMs: 2_000, handlerTimeoutMs: 2_000 }, onEvent);
  const client = createWireClient(target.url, batch + 1);
  const health = async (): Promise<void> => {
    const requestId = randomUUID();
    const answer = await client.send({
      path: '/mp/webhooks',
      search: `probe=${HEALTH_PROBE}&data.id=1001&type=payment`,
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        'x-signature': signNotification({ secret: TOOL_SECRET, dataId: '1001', requestId }),
      },
      body: '{}',
    });
    if (answer.status !== 200)
      throw new Error(`the router stopped answering: health check got ${answer.status}`);
  };
  const sendOne = async (adversarial: AdversarialCase): Promise<void> => {
    const probe = sentCount++;
    const { search: raw } = adversarial.request;
    const search = raw === '' ? `probe=${probe}` : `probe=${probe}&${raw}`;
    cases.set(probe, { adversarial, search, logStart: target.api.requests.length });
    const answer = await client.send({ ...adversarial.request, search });
    figures.cases++;
    figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
    const secrets = [TOOL_SECRET, TOOL_TOKEN, adversarial.signed?.hash].filter((s) => s !== undefined);
    if (secrets.some((s) => answer.text.includes(s)) || STACK_TRACE.test(answer.text)) {
      figures.leakyAnswers++;
      throw new Error(`the answer leaks: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    if (answer.text.includes('INTERNAL_ERROR')) {
      figures.internalErrors++;
      throw new Error(`INTERNAL_ERROR for ${JSON.stringify(adversarial)}`);
    }
  };
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(adversarialCaseArb, { minLength: batch, maxLength: batch }), async (list) => {
        // Fraud alerts run their listeners after the answer: keep five batches for their late events.
        for (const probe of cases.keys()) if (probe < sentCount - 5 * batch) cases.delete(probe);
        await Promise.all(list.map(sendOne));
        if (target.escaped.length > 0)
          throw new Error(`an error escaped the router: ${String(target.escaped[0])}`);
        if (violations.length > 0) throw new Error(violations.join('\n'));
        await health();
      }),
      { numRuns: Math.ceil(minCases / batch), ...(seed === undefined ? {} : { seed }), endOnFailure: true },
    );
    // Fraud alerts are answered before their listeners run: give those a moment before the last checks.
    await new Promise((resolve) => setTimeout(resolve, 300));
    figures.escapedErrors = target.escaped.length;
    figures.internalErrors += target.reported.get('INTERNAL_ERROR') ?? 0;
    figures.apiReads = target.api.requests.length;
    if (violations.length > 0) throw new Error(violations.join('\n'));
    if (figures.internalErrors > 0) throw new Error('the router reported INTERNAL_ERROR');
    return figures;
  } finally {
    client.close();
    await target.close();
  }
}
