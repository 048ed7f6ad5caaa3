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

/** How a delivery will be trusted: its verified signature, an API read, or both. */
export interface VerificationPlan {
  readonly spec: TopicSpec | undefined;
  /** The verified signature and what matched; `ts` + `hash` identify it for the single-use rule. */
  readonly signature: (SignatureMatch & { readonly ts: string }) | undefined;
  /** The API path read to confirm the delivery and name its event (always set for a delivery with no signature). */
  readonly readPath: string | undefined;
  readonly verifiedBy: VerifiedBy;
}

function reject(
  code:
    | 'SIGNATURE_MISSING'
    | 'SIGNATURE_MALFORMED'
    | 'SIGNATURE_MISMATCH'
    | 'SIGNATURE_EXPIRED'
    | 'UNVERIFIABLE_DELIVERY',
  message: string,
): never {
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
 * Decides how to trust a delivery and checks what can be checked without I/O (reference 2.10). Throws a 401
 * MercadoPagoNotificationError when the delivery cannot be trusted. `retentionMs` is how long the store
 * remembers signatures: a signature-only delivery older than that could be a replay it has forgotten.
 */
export function planVerification(
  delivery: ReceivedDelivery,
  config: NormalizedOptions,
  retentionMs: number,
): VerificationPlan {
  const spec = topicSpec(delivery.topic);
  const { resourceId, parentResourceId } = delivery;
  const path =
    resourceId === undefined
      ? undefined
      : spec?.resourcePath?.({
          resourceId: encodeURIComponent(resourceId),
          parentResourceId: parentResourceId === undefined ? undefined : encodeURIComponent(parentResourceId),
        });
  const readPath = config.accessToken === undefined ? undefined : path;
  const canRead = readPath !== undefined;
  // IPN cannot be signed (reference 1.3); topics whose signing is undocumented are checked when they carry one.
  const signed =
    config.secrets.length > 0 &&
    delivery.channel !== 'ipn' &&
    (delivery.signatureHeader !== undefined || spec?.signatureOptional !== true);
  if (signed) {
    const parsed = parseSignatureHeader(delivery.signatureHeader);
    if (parsed === 'missing')
      reject('SIGNATURE_MISSING', 'the delivery has no x-signature header while `secret` is configured');
    if (parsed === 'no-ts') reject('SIGNATURE_MALFORMED', 'x-signature has no numeric ts=');
    if (parsed === 'no-supported-hash') reject('SIGNATURE_MALFORMED', 'x-signature has no v1= hash');
    const parts = { dataId: delivery.signedDataId, requestId: delivery.requestId };
    const match = verifySignature(parsed, parts, config.secrets);
    if (match === undefined)
      reject('SIGNATURE_MISMATCH', mismatchMessage(diagnoseSignatureMismatch(parsed, parts, config.secrets)));
    debug('signature verified with secret #%d, data.id %s', match.secretIndex, match.idCasing);
    const ageMs = config.now() - signatureTimeMs(parsed.ts);
    const toleranceMs = (config.toleranceSeconds ?? Infinity) * 1000;
    if (Math.abs(ageMs) > toleranceMs) expired(ageMs, toleranceMs, 'toleranceSeconds window');
    // Nothing is read to confirm a signature-only delivery: refuse one older than the store's memory of signatures.
    if (!canRead && ageMs > retentionMs) expired(ageMs, retentionMs, 'dedup retention');
    return {
      spec,
      signature: { ...match, ts: parsed.ts },
      readPath,
      verifiedBy: canRead ? 'signature+api' : 'signature',
    };
  }
  if (config.requireSignature) {
    reject(
      'UNVERIFIABLE_DELIVERY',
      `requireSignature is on and this ${delivery.channel} delivery carries no verifiable signature (IPN never does): send Webhooks, or turn requireSignature off and configure accessToken`,
    );
  }
  if (config.accessToken === undefined) {
    reject(
      'UNVERIFIABLE_DELIVERY',
      `this ${delivery.channel} delivery is not signed and no accessToken is configured to confirm it by reading the resource: configure accessToken`,
    );
  }
  if (readPath === undefined) {
    reject(
      'UNVERIFIABLE_DELIVERY',
      `an unsigned delivery of topic ${delivery.topic} cannot be confirmed: ${spec === undefined || spec.resourcePath === undefined ? 'there is no API read for it' : 'it names no resource to read'}; configure Webhooks with a secret`,
    );
  }
  return { spec, signature: undefined, readPath, verifiedBy: 'api' };
}
