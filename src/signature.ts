import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature versions this package can verify, in order of preference (reference 2.7). */
const SUPPORTED_SIGNATURE_VERSIONS = ['v1'] as const;

/** A hash carried by x-signature is 64 lowercase hex characters (HMAC-SHA256). */
const HASH_HEX_LENGTH = 64;
/** Bound on the hashes read from one header, so a crafted header cannot multiply the HMAC work. */
const MAX_HASHES_PER_HEADER = 4;

/** The parts of an x-signature header that verification needs. */
export interface ParsedSignature {
  /** The ts value exactly as sent (never reformatted: it is part of the signed manifest). */
  readonly ts: string;
  /** The hashes of the first supported version present in the header. */
  readonly hashes: readonly string[];
}

/** Why a header could not be parsed. */
export type SignatureParseFailure = 'missing' | 'no-ts' | 'no-supported-hash';

/**
 * Parses `ts=<digits>,v1=<hex>` in any piece order, with spaces, upper-case keys and extra versions
 * (reference 2.1). Returns a failure reason instead of throwing.
 */
export function parseSignatureHeader(
  header: string | readonly string[] | undefined,
): ParsedSignature | SignatureParseFailure {
  const value = Array.isArray(header) ? header.join(',') : (header as string | undefined);
  if (value === undefined || value.trim() === '') return 'missing';
  let ts: string | undefined;
  const byVersion = new Map<string, string[]>();
  for (const piece of value.split(',')) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    const part = piece.slice(eq + 1).trim();
    if (part === '') continue;
    if (key === 'ts') ts ??= part;
    else if (/^v\d+$/.test(key)) {
      const list = byVersion.get(key) ?? [];
      if (list.length < MAX_HASHES_PER_HEADER) list.push(part);
      byVersion.set(key, list);
    }
  }
  if (ts === undefined || !/^\d{1,16}$/.test(ts)) return 'no-ts';
  const version = SUPPORTED_SIGNATURE_VERSIONS.find((v) => byVersion.has(v));
  if (version === undefined) return 'no-supported-hash';
  return { ts, hashes: byVersion.get(version) ?? [] };
}

/** The values Mercado Pago signs. Missing or blank values are left out of the manifest (reference 2.2). */
export interface ManifestParts {
  readonly dataId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly ts: string;
}

/** Builds `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, dropping each part whose value did not arrive. */
export function buildManifest({ dataId, requestId, ts }: ManifestParts): string {
  let manifest = '';
  if (dataId !== undefined && dataId.trim() !== '') manifest += `id:${dataId};`;
  if (requestId !== undefined && requestId.trim() !== '') manifest += `request-id:${requestId};`;
  return `${manifest}ts:${ts};`;
}

function hmacHex(secret: string, manifest: string): string {
  return createHmac('sha256', secret).update(manifest, 'utf8').digest('hex');
}

/** Input of {@link signNotification}. */
export interface SignNotificationOptions {
  /** The application's secret signature. */
  readonly secret: string;
  /** The `data.id` query value the delivery will carry; omit for topics that send none. */
  readonly dataId?: string | undefined;
  /** The `x-request-id` header value; omit to sign a delivery without one. */
  readonly requestId?: string | undefined;
  /** Timestamp as it will appear in the header (seconds, or milliseconds for 13 digits). @default now, in seconds */
  readonly ts?: string | number | undefined;
}

/**
 * Signs a notification the way Mercado Pago does and returns the `x-signature` header value
 * (`ts=<ts>,v1=<hex>`). Used by the tests, the example app and the CLI.
 */
export function signNotification({ secret, dataId, requestId, ts }: SignNotificationOptions): string {
  if (typeof secret !== 'string' || secret === '') {
    throw new TypeError('[mercadopago-notifications] signNotification: `secret` must be a non-empty string');
  }
  const tsText = String(ts ?? Math.floor(Date.now() / 1000));
  if (!/^\d{1,16}$/.test(tsText)) {
    throw new TypeError(`[mercadopago-notifications] signNotification: \`ts\` must be digits, got ${tsText}`);
  }
  return `ts=${tsText},v1=${hmacHex(secret, buildManifest({ dataId, requestId, ts: tsText }))}`;
}

function equalHex(expected: string, received: string): boolean {
  if (received.length !== HASH_HEX_LENGTH || Buffer.byteLength(received) !== HASH_HEX_LENGTH) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

/** Which configured secret and which casing of data.id produced the matching hash. */
export interface SignatureMatch {
  /** Which configured secret matched, counted from 1 (#1 is the first), as every message numbers them. */
  readonly secretNumber: number;
  readonly idCasing: 'as-received' | 'lowercased';
  /** The hash that matched: with ts it identifies the signature for single-use checks. */
  readonly hash: string;
}

/** The casings of data.id that verification tries: as received, then lowercased when that differs. */
function idCasings(dataId: string | undefined): Array<[SignatureMatch['idCasing'], string | undefined]> {
  const lowered = dataId?.toLowerCase();
  return lowered === dataId
    ? [['as-received', dataId]]
    : [
        ['as-received', dataId],
        ['lowercased', lowered],
      ];
}

/**
 * Recomputes the HMAC with every secret and with data.id as received and lowercased (reference 2.4),
 * comparing in constant time. Returns the first match, or undefined.
 */
export function verifySignature(
  signature: ParsedSignature,
  parts: Omit<ManifestParts, 'ts'>,
  secrets: readonly string[],
): SignatureMatch | undefined {
  for (const [secretIndex, secret] of secrets.entries()) {
    for (const [idCasing, dataId] of idCasings(parts.dataId)) {
      const expected = hmacHex(
        secret,
        buildManifest({ dataId, requestId: parts.requestId, ts: signature.ts }),
      );
      const hash = signature.hashes.find((candidate) => equalHex(expected, candidate));
      if (hash !== undefined) return { secretNumber: secretIndex + 1, idCasing, hash };
    }
  }
  return undefined;
}

/** What {@link verifySignature} tried before giving up, and what the delivery lacked: the facts behind a mismatch. */
export interface SignatureMismatch {
  readonly secretsTried: number;
  readonly idCasingsTried: number;
  /** Manifest parts that did not arrive and were therefore left out of the signed text. */
  readonly missingParts: ReadonlyArray<'data.id' | 'x-request-id'>;
  /** How many of the header's hashes cannot be a v1 hash at all (not 64 lowercase hex characters). */
  readonly malformedHashes: number;
}

/** Explains why {@link verifySignature} found no match for these inputs. Pure; call it only after a mismatch. */
export function diagnoseSignatureMismatch(
  signature: ParsedSignature,
  parts: Omit<ManifestParts, 'ts'>,
  secrets: readonly string[],
): SignatureMismatch {
  const missing = (value: string | undefined): boolean => value === undefined || value.trim() === '';
  return {
    secretsTried: secrets.length,
    idCasingsTried: idCasings(parts.dataId).length,
    missingParts: [
      ...(missing(parts.dataId) ? (['data.id'] as const) : []),
      ...(missing(parts.requestId) ? (['x-request-id'] as const) : []),
    ],
    malformedHashes: signature.hashes.filter((hash) => !/^[0-9a-f]{64}$/.test(hash)).length,
  };
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `tried 2 secrets x 2 id casings; x-request-id missing`: a mismatch in one line. */
export function describeSignatureMismatch(mismatch: SignatureMismatch): string {
  const { secretsTried, idCasingsTried, missingParts, malformedHashes } = mismatch;
  return [
    `tried ${plural(secretsTried, 'secret')} x ${plural(idCasingsTried, 'id casing')}`,
    ...missingParts.map((part) => `${part} missing`),
    ...(malformedHashes > 0
      ? [`${plural(malformedHashes, 'v1 value')} not 64 lowercase hex characters`]
      : []),
  ].join('; ');
}

/** Reads ts as milliseconds when it has 13 or more digits, as seconds otherwise (reference 2.5). */
export function signatureTimeMs(ts: string): number {
  const value = Number(ts);
  return value >= 1e12 ? value : value * 1000;
}
