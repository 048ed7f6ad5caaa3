import createDebug from 'debug';
import { MercadoPagoNotificationError } from './errors.js';
import {
  describeSignatureMismatch,
  diagnoseSignatureMismatch,
  parseSignatureHeader,
  signatureTimeMs,
  verifySignature,
  type SignatureMatch,
  type SignatureMismatch,
} from './signature.js';
import { topicSpec, type TopicSpec } from './topics.js';
import type { ReceivedDelivery } from './delivery.js';
import type { NormalizedOptions } from './options.js';
import type { VerifiedBy } from './types.js';

const debug = createDebug('mercadopago-notifications:signature');

/** A signature that verified, with what the single-use and freshness rules need. */
export interface VerifiedSignature extends SignatureMatch {
  /** The ts exactly as signed. */
  readonly ts: string;
  /**
   * Whether a signature-only event may still rest on it: its ts is within the time the store remembers used
   * signatures (older, it could be a replay the store has forgotten).
   */
  readonly fresh: boolean;
}

/** How a delivery will be trusted: its verified signature, an API read, or both. */
export interface VerificationPlan {
  readonly spec: TopicSpec | undefined;
  readonly signature: VerifiedSignature | undefined;
  /** The API path read to confirm the delivery and name its event; undefined when nothing is read. */
  readonly readPath: string | undefined;
  /**
   * The event can only rest on the signature (README events table, "what verifies it"): no read names it, the
   * topic is unknown, or no accessToken is configured to read it. Checked single-use before anything is read.
   */
  readonly signatureOnly: boolean;
  readonly verifiedBy: VerifiedBy;
}

type RefusalCode =
  | 'INVALID_DELIVERY'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_MISMATCH'
  | 'SIGNATURE_EXPIRED'
  | 'UNVERIFIABLE_DELIVERY';

function reject(code: RefusalCode, message: string): never {
  throw new MercadoPagoNotificationError(code, message);
}

function mismatchMessage(mismatch: SignatureMismatch): string {
  return (
    `signature mismatch: ${describeSignatureMismatch(mismatch)}. Check that the secret is this application's ` +
    '(test and production modes have different secrets) and that no proxy rewrote the query or x-request-id'
  );
}

function expired(ageMs: number, windowMs: number, window: string): never {
  reject(
    'SIGNATURE_EXPIRED',
    `the signature ts is ${Math.round(ageMs / 1000)} s old, outside the ${window} of ${Math.round(windowMs / 1000)} s`,
  );
}

/**
 * Checks x-signature against every secret (reference 2.10 steps 3 to 5). Throws a 401 when it does not hold.
 * Returns undefined for a valid signature that vouches for nothing here: one without data.id on a topic whose
 * signing is optional (the delivery is then confirmed by the read, as an unsigned one is).
 */
function verifyDeliverySignature(
  delivery: ReceivedDelivery,
  spec: TopicSpec | undefined,
  config: NormalizedOptions,
  retentionMs: number,
): VerifiedSignature | undefined {
  const parsed = parseSignatureHeader(delivery.signatureHeader);
  if (parsed === 'missing')
    reject('SIGNATURE_MISSING', 'the delivery has no x-signature header while `secret` is configured');
  if (parsed === 'no-ts') reject('SIGNATURE_MALFORMED', 'x-signature has no numeric ts=');
  if (parsed === 'no-supported-hash') reject('SIGNATURE_MALFORMED', 'x-signature has no v1= hash');
  const parts = { dataId: delivery.signedDataId, requestId: delivery.requestId };
  const match = verifySignature(parsed, parts, config.secrets);
  if (match === undefined)
    reject('SIGNATURE_MISMATCH', mismatchMessage(diagnoseSignatureMismatch(parsed, parts, config.secrets)));
  if (delivery.signedDataId === undefined && spec?.signedWithoutDataId !== true) {
    // Only Card Updater, Point and Delivery are sent without data.id: on any other topic such a signature was
    // copied from one of them, and it vouches for no resource of this one.
    if (spec?.signatureOptional === true) return undefined;
    reject(
      'SIGNATURE_MISMATCH',
      `the signature covers no data.id, while every genuine ${delivery.topic} delivery carries one: ` +
        'a signature of a topic sent without data.id (Card Updater, Point, Delivery) does not vouch for this one',
    );
  }
  debug('signature verified with secret #%d, data.id %s', match.secretNumber, match.idCasing);
  const ageMs = config.now() - signatureTimeMs(parsed.ts);
  const toleranceMs = (config.toleranceSeconds ?? Infinity) * 1000;
  if (Math.abs(ageMs) > toleranceMs) expired(ageMs, toleranceMs, 'toleranceSeconds window');
  return { ...match, ts: parsed.ts, fresh: ageMs <= retentionMs };
}

/** Why an unsigned delivery of a signature-only event cannot be trusted, and what would make it trustworthy. */
function unsignedSignatureOnlyMessage(
  delivery: ReceivedDelivery,
  spec: TopicSpec | undefined,
  config: NormalizedOptions,
): string {
  const channel =
    delivery.channel === 'ipn' ? 'an IPN delivery (IPN is never signed)' : 'an unsigned delivery';
  const withSecret =
    config.secrets.length === 0
      ? 'configure `secret` and subscribe to it in Webhooks'
      : 'subscribe to it in Webhooks';
  if (spec === undefined) {
    return `${channel} of topic ${delivery.topic}, which this version does not type, can only be trusted on a verified signature: ${withSecret}`;
  }
  if (spec.confirmedBy === 'signature') {
    return `${channel} of topic ${delivery.topic} is refused: no API read can confirm its event, so it is emitted only on a verified signature; ${withSecret}`;
  }
  return `${channel} of topic ${delivery.topic} cannot be confirmed: no \`accessToken\` is configured to read the resource; configure \`accessToken\``;
}

/**
 * Decides how to trust a delivery and checks all that can be checked without I/O (reference 2.10), before any
 * answer. Throws a MercadoPagoNotificationError (401, or 400 for a delivery that names no resource) when the
 * delivery cannot be trusted. `retentionMs` is how long the store remembers used signatures.
 */
export function planVerification(
  delivery: ReceivedDelivery,
  config: NormalizedOptions,
  retentionMs: number,
): VerificationPlan {
  const spec = topicSpec(delivery.topic);
  // IPN cannot be signed (reference 1.3); topics whose signing is undocumented are checked when they carry one.
  const signed =
    config.secrets.length > 0 &&
    delivery.channel !== 'ipn' &&
    (delivery.signatureHeader !== undefined || spec?.signatureOptional !== true);
  const signature = signed ? verifyDeliverySignature(delivery, spec, config, retentionMs) : undefined;

  // No read names the event: the topic is unknown, has none (mp-connect), or no accessToken is there to make it.
  const signatureOnly =
    spec === undefined || spec.confirmedBy === 'signature' || config.accessToken === undefined;
  if (signature === undefined) {
    if (config.requireSignature) {
      reject(
        'UNVERIFIABLE_DELIVERY',
        `requireSignature is on and this ${delivery.channel} delivery carries no verifiable signature (IPN never does): send Webhooks, or turn requireSignature off and configure accessToken`,
      );
    }
    if (signatureOnly) reject('UNVERIFIABLE_DELIVERY', unsignedSignatureOnlyMessage(delivery, spec, config));
  } else if (signatureOnly && !signature.fresh) {
    // Nothing is read to confirm it: refuse a signature older than the store's memory of used signatures.
    expired(config.now() - signatureTimeMs(signature.ts), retentionMs, 'retention of used signatures');
  }

  const { resourceId, parentResourceId } = delivery;
  const path =
    resourceId === undefined
      ? undefined
      : spec?.resourcePath?.({
          resourceId: encodeURIComponent(resourceId),
          parentResourceId: parentResourceId === undefined ? undefined : encodeURIComponent(parentResourceId),
        });
  if (
    spec !== undefined &&
    (resourceId === undefined || (spec.resourcePath !== undefined && path === undefined))
  ) {
    // Mercado Pago resends a 400: a body that did not arrive whole gets another chance.
    reject(
      'INVALID_DELIVERY',
      `not a Mercado Pago delivery: a ${delivery.topic} delivery names its resource, and this one names none (is the body JSON?)`,
    );
  }
  const readPath = config.accessToken === undefined ? undefined : path;
  let verifiedBy: VerifiedBy = 'api';
  if (signature !== undefined) verifiedBy = readPath === undefined ? 'signature' : 'signature+api';
  return { spec, signature, readPath, signatureOnly, verifiedBy };
}
