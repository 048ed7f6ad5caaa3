import { createHmac } from 'node:crypto';
import {
  buildManifest,
  describeSignatureMismatch,
  diagnoseSignatureMismatch,
  parseSignatureHeader,
  signatureTimeMs,
  signNotification,
  verifySignature,
  type ParsedSignature,
} from '../../src/signature.js';
import {
  DELIVERY_FIXTURES,
  FIXTURE_SECRET,
  FIXTURE_TEST_MODE_SECRET,
  loadDelivery,
  type DeliveryFixture,
} from '../helpers/fixtures.js';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

/** Parses a header that the test expects to be well formed. */
function parsed(header: string | readonly string[]): ParsedSignature {
  const result = parseSignatureHeader(header);
  if (typeof result === 'string') throw new Error(`expected a parsed signature, got ${result}`);
  return result;
}

/** The manifest parts a fixture carries: data.id from the query, x-request-id from the headers. */
function partsOf(fixture: DeliveryFixture): { dataId: string | undefined; requestId: string | undefined } {
  return { dataId: fixture.path_query['data.id'], requestId: fixture.headers['x-request-id'] };
}

function hmac(secret: string, manifest: string): string {
  return createHmac('sha256', secret).update(manifest, 'utf8').digest('hex');
}

const fixtures = DELIVERY_FIXTURES.map((name) => [name, loadDelivery(name)] as const);
const verifiable = fixtures.filter(
  ([, f]) => f.meta.signature_verifiable === true || f.meta.signature_verifiable === 'assumed',
);
const ipn = fixtures.filter(([, f]) => f.meta.channel === 'ipn');

describe('parseSignatureHeader', () => {
  it('reads ts and v1 from the documented format', () => {
    expect(parseSignatureHeader(`ts=1766237532,v1=${HASH_A}`)).toEqual({
      ts: '1766237532',
      hashes: [HASH_A],
    });
  });

  it('reads the pieces in any order', () => {
    expect(parseSignatureHeader(`v1=${HASH_A},ts=1766237532`)).toEqual({
      ts: '1766237532',
      hashes: [HASH_A],
    });
  });

  it('trims spaces around pieces, keys and values', () => {
    expect(parseSignatureHeader(`  ts = 1766237532 ,  v1 =  ${HASH_A}  `)).toEqual({
      ts: '1766237532',
      hashes: [HASH_A],
    });
  });

  it('reads upper-case keys', () => {
    expect(parseSignatureHeader(`TS=1766237532,V1=${HASH_A}`)).toEqual({
      ts: '1766237532',
      hashes: [HASH_A],
    });
  });

  it('ignores an extra v2 and keeps only the v1 hashes', () => {
    expect(parseSignatureHeader(`ts=1,v2=${HASH_B},v1=${HASH_A}`)).toEqual({ ts: '1', hashes: [HASH_A] });
  });

  it('collects several v1 hashes in header order', () => {
    expect(parseSignatureHeader(`ts=1,v1=${HASH_A},v1=${HASH_B}`)).toEqual({
      ts: '1',
      hashes: [HASH_A, HASH_B],
    });
  });

  it('splits each piece at its first "=" only', () => {
    expect(parseSignatureHeader('ts=1,v1=ab=cd')).toEqual({ ts: '1', hashes: ['ab=cd'] });
  });

  it('keeps a 13-digit ts verbatim (never reformatted)', () => {
    expect(parsed(`ts=1742505638683,v1=${HASH_A}`).ts).toBe('1742505638683');
  });

  it('skips pieces without "=" and with empty values', () => {
    expect(parseSignatureHeader(`garbage,ts=1,v1=,v1=${HASH_A},=x`)).toEqual({ ts: '1', hashes: [HASH_A] });
  });

  it('parses the header-variants fixture (v1 first, upper-case TS, extra v2, spaces)', () => {
    const fixture = loadDelivery('webhook-payment-header-variants');
    expect(parseSignatureHeader(fixture.headers['x-signature'])).toEqual({
      ts: '1766237532',
      hashes: ['c42df7cc9513d9e3e2b45e0def3adee2a5899cdc77d4626a276cf30276200f8e'],
    });
  });

  it('joins an array header (the same header sent twice) before parsing', () => {
    expect(parseSignatureHeader(['ts=1766237532', `v1=${HASH_A}`])).toEqual({
      ts: '1766237532',
      hashes: [HASH_A],
    });
  });

  it.each([
    ['undefined', undefined],
    ['an empty string', ''],
    ['blanks', '   '],
    ['an empty array', []],
  ])('returns "missing" for %s', (_label, header) => {
    expect(parseSignatureHeader(header)).toBe('missing');
  });

  it.each([
    ['there is no ts', `v1=${HASH_A}`],
    ['ts is empty', `ts=,v1=${HASH_A}`],
    ['ts is not numeric', `ts=abc,v1=${HASH_A}`],
    ['ts has a letter after the digits', `ts=1766237532a,v1=${HASH_A}`],
    ['ts is negative', `ts=-1766237532,v1=${HASH_A}`],
    ['ts is a decimal', `ts=1766237532.5,v1=${HASH_A}`],
    ['ts is absurdly long', `ts=${'9'.repeat(40)},v1=${HASH_A}`],
  ])('returns "no-ts" when %s', (_label, header) => {
    expect(parseSignatureHeader(header)).toBe('no-ts');
  });

  it.each([
    ['there is no vN piece', 'ts=1766237532'],
    ['only an unsupported version is present', `ts=1766237532,v2=${HASH_A}`],
    ['v1 is empty', 'ts=1766237532,v1='],
    ['the hash key is not v<digits>', `ts=1766237532,vx=${HASH_A},sha256=${HASH_A}`],
  ])('returns "no-supported-hash" when %s', (_label, header) => {
    expect(parseSignatureHeader(header)).toBe('no-supported-hash');
  });
});

describe('buildManifest', () => {
  it('builds id, request-id and ts, each ending with ";"', () => {
    expect(buildManifest({ dataId: '123', requestId: 'req-1', ts: '1766237532' })).toBe(
      'id:123;request-id:req-1;ts:1766237532;',
    );
  });

  it('drops the whole request-id part when there is no x-request-id', () => {
    expect(buildManifest({ dataId: '123', ts: '1766237532' })).toBe('id:123;ts:1766237532;');
  });

  it('drops the whole id part when there is no data.id', () => {
    expect(buildManifest({ requestId: 'req-1', ts: '1766237532' })).toBe('request-id:req-1;ts:1766237532;');
  });

  it('keeps only ts when neither data.id nor x-request-id arrived', () => {
    expect(buildManifest({ ts: '1766237532' })).toBe('ts:1766237532;');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('treats %s values as missing', (_label, blank) => {
    expect(buildManifest({ dataId: blank, requestId: blank, ts: '1' })).toBe('ts:1;');
    expect(buildManifest({ dataId: '9', requestId: blank, ts: '1' })).toBe('id:9;ts:1;');
    expect(buildManifest({ dataId: blank, requestId: 'r', ts: '1' })).toBe('request-id:r;ts:1;');
  });

  it('keeps data.id casing as given', () => {
    expect(buildManifest({ dataId: 'ORD01ABC', requestId: 'r', ts: '1' })).toBe(
      'id:ORD01ABC;request-id:r;ts:1;',
    );
  });
});

describe('signNotification', () => {
  it('returns "ts=<ts>,v1=<64 lowercase hex>"', () => {
    expect(signNotification({ secret: 's', dataId: '1', requestId: 'r', ts: '1766237532' })).toMatch(
      /^ts=1766237532,v1=[0-9a-f]{64}$/,
    );
  });

  it('reproduces the x-signature of the real fixture delivery', () => {
    const fixture = loadDelivery('webhook-payment-created');
    const { dataId, requestId } = partsOf(fixture);
    expect(signNotification({ secret: FIXTURE_SECRET, dataId, requestId, ts: '1766237532' })).toBe(
      fixture.headers['x-signature'],
    );
  });

  it('signs the HMAC-SHA256 of the manifest, leaving out the parts that are not given', () => {
    expect(signNotification({ secret: 'k', ts: '5' })).toBe(`ts=5,v1=${hmac('k', 'ts:5;')}`);
    expect(signNotification({ secret: 'k', dataId: '7', ts: '5' })).toBe(
      `ts=5,v1=${hmac('k', 'id:7;ts:5;')}`,
    );
    expect(signNotification({ secret: 'k', requestId: 'r', ts: '5' })).toBe(
      `ts=5,v1=${hmac('k', 'request-id:r;ts:5;')}`,
    );
  });

  it('signs a numeric ts the same as its string form', () => {
    expect(signNotification({ secret: 's', dataId: '1', ts: 1766237532 })).toBe(
      signNotification({ secret: 's', dataId: '1', ts: '1766237532' }),
    );
  });

  it('defaults ts to the current time in seconds', () => {
    const before = Math.floor(Date.now() / 1000);
    const header = signNotification({ secret: 's', dataId: '1' });
    const after = Math.floor(Date.now() / 1000);
    const ts = Number(parsed(header).ts);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
  });

  it('produces a header that verifySignature accepts', () => {
    const header = signNotification({ secret: 's', dataId: 'ORD01XYZ', requestId: 'r', ts: '1742505638683' });
    expect(verifySignature(parsed(header), { dataId: 'ORD01XYZ', requestId: 'r' }, ['s'])).toMatchObject({
      secretNumber: 1,
      idCasing: 'as-received',
    });
  });

  it.each([
    ['secret is empty', { secret: '' }, /secret/],
    ['secret is not a string', { secret: 42 as unknown as string }, /secret/],
    ['secret is missing', {} as { secret: string }, /secret/],
    ['ts is not digits', { secret: 's', ts: 'abc' }, /ts/],
    ['ts is negative', { secret: 's', ts: -1 }, /ts/],
    ['ts is a decimal', { secret: 's', ts: 1.5 }, /ts/],
    ['ts is NaN', { secret: 's', ts: Number.NaN }, /ts/],
  ])('throws a TypeError when %s', (_label, options, message) => {
    expect(() => signNotification(options)).toThrow(TypeError);
    expect(() => signNotification(options)).toThrow(message);
  });
});

describe('verifySignature with the fixtures', () => {
  it('has verifiable and IPN fixtures to check', () => {
    expect(verifiable.length).toBeGreaterThanOrEqual(20);
    expect(ipn.length).toBe(3);
  });

  it.each(verifiable)('accepts %s with its meta.secret and rebuilds meta.manifest', (_name, fixture) => {
    const secret = fixture.meta.secret;
    expect(secret).toEqual(expect.any(String));
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    const parts = partsOf(fixture);
    const match = verifySignature(signature, parts, [secret ?? '']);
    expect(match).toBeDefined();
    expect(match?.secretNumber).toBe(1);
    expect(signature.hashes).toContain(match?.hash);
    const dataId = match?.idCasing === 'lowercased' ? parts.dataId?.toLowerCase() : parts.dataId;
    expect(buildManifest({ dataId, requestId: parts.requestId, ts: signature.ts })).toBe(
      fixture.meta.manifest,
    );
  });

  it.each(ipn)('rejects the IPN fixture %s whatever id it is given', (_name, fixture) => {
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    const requestId = fixture.headers['x-request-id'];
    const secrets = [FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET];
    expect(
      verifySignature(signature, { dataId: fixture.path_query['id'], requestId }, secrets),
    ).toBeUndefined();
    expect(verifySignature(signature, { requestId }, secrets)).toBeUndefined();
  });

  it('matches the docs Orders example with data.id as received (upper case)', () => {
    const fixture = loadDelivery('webhook-order-action-required-docs');
    const match = verifySignature(parsed(fixture.headers['x-signature'] ?? ''), partsOf(fixture), [
      FIXTURE_SECRET,
    ]);
    expect(match?.idCasing).toBe('as-received');
  });

  it('matches the QR Orders example with data.id lowercased', () => {
    const fixture = loadDelivery('webhook-order-processed-lowercase-signed');
    const match = verifySignature(parsed(fixture.headers['x-signature'] ?? ''), partsOf(fixture), [
      FIXTURE_SECRET,
    ]);
    expect(match?.idCasing).toBe('lowercased');
  });

  it('matches a mixed-case data.id whose lowercased form was signed', () => {
    const fixture = loadDelivery('webhook-order-processed-lowercase-signed');
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    const parts = { ...partsOf(fixture), dataId: 'Ord01jv3aw3nfststb669f41nacdX' };
    expect(verifySignature(signature, parts, [FIXTURE_SECRET])?.idCasing).toBe('lowercased');
  });

  it('rejects an upper-case-signed delivery when its data.id arrives lowercased', () => {
    const fixture = loadDelivery('webhook-order-action-required-docs');
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    const parts = { ...partsOf(fixture), dataId: 'ord01jq4s4ky8hwq6na5pxb65b3d3' };
    expect(verifySignature(signature, parts, [FIXTURE_SECRET])).toBeUndefined();
  });

  it('accepts the second secret while rotating and reports secretNumber 2', () => {
    const fixture = loadDelivery('webhook-payment-created');
    const match = verifySignature(parsed(fixture.headers['x-signature'] ?? ''), partsOf(fixture), [
      'old-secret-that-no-longer-signs',
      FIXTURE_SECRET,
    ]);
    expect(match?.secretNumber).toBe(2);
  });

  it('reports secretNumber 1 when the first secret matches', () => {
    const fixture = loadDelivery('webhook-payment-created');
    const match = verifySignature(parsed(fixture.headers['x-signature'] ?? ''), partsOf(fixture), [
      FIXTURE_SECRET,
      'another-secret',
    ]);
    expect(match?.secretNumber).toBe(1);
  });

  it('rejects the test-mode fixture with the production secret alone', () => {
    const fixture = loadDelivery('webhook-payment-signed-with-test-mode-secret');
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    expect(verifySignature(signature, partsOf(fixture), [FIXTURE_SECRET])).toBeUndefined();
    expect(
      verifySignature(signature, partsOf(fixture), [FIXTURE_SECRET, FIXTURE_TEST_MODE_SECRET])?.secretNumber,
    ).toBe(2);
  });

  it('returns undefined when no secret is configured', () => {
    const fixture = loadDelivery('webhook-payment-created');
    expect(
      verifySignature(parsed(fixture.headers['x-signature'] ?? ''), partsOf(fixture), []),
    ).toBeUndefined();
  });
});

describe('verifySignature against tampering', () => {
  const fixture = loadDelivery('webhook-payment-created');
  const signature = parsed(fixture.headers['x-signature'] ?? '');
  const parts = partsOf(fixture);
  const v1 = signature.hashes[0] ?? '';

  it('accepts the untouched delivery (control for the cases below)', () => {
    expect(verifySignature(signature, parts, [FIXTURE_SECRET])).toBeDefined();
  });

  it.each(Array.from({ length: 64 }, (_, i) => i))('rejects v1 with hex digit %i flipped', (index) => {
    const flipped = (parseInt(v1.charAt(index), 16) ^ 0x1).toString(16);
    const tampered = v1.slice(0, index) + flipped + v1.slice(index + 1);
    expect(tampered).not.toBe(v1);
    expect(verifySignature({ ...signature, hashes: [tampered] }, parts, [FIXTURE_SECRET])).toBeUndefined();
  });

  it.each([
    ['data.id differs', { ...parts, dataId: '138095816242' }, signature],
    ['x-request-id differs', { ...parts, requestId: 'b18ae5fc-c32d-4ed5-a771-ca8c2cc33bd6' }, signature],
    ['x-request-id is missing', { dataId: parts.dataId }, signature],
    ['data.id is missing', { requestId: parts.requestId }, signature],
    ['ts differs', parts, { ...signature, ts: '1766237533' }],
    ['ts is given in milliseconds', parts, { ...signature, ts: '1766237532000' }],
  ])('rejects the delivery when %s', (_label, tamperedParts, tamperedSignature) => {
    expect(verifySignature(tamperedSignature, tamperedParts, [FIXTURE_SECRET])).toBeUndefined();
  });

  it('rejects without throwing a v1 shorter or longer than 64 characters', () => {
    for (const hash of ['', v1.slice(1), `${v1}0`, v1.slice(0, 32)]) {
      expect(verifySignature({ ...signature, hashes: [hash] }, parts, [FIXTURE_SECRET])).toBeUndefined();
    }
  });

  it.each([
    ['a two-byte character', `é${v1.slice(1)}`],
    ['a three-byte character', `€${v1.slice(1)}`],
    ['a surrogate pair (two UTF-16 units)', `😀${v1.slice(2)}`],
  ])('rejects without throwing a v1 of 64 JS characters containing %s', (_label, hash) => {
    expect(hash).toHaveLength(64);
    expect(Buffer.byteLength(hash)).toBeGreaterThan(64);
    expect(() => verifySignature({ ...signature, hashes: [hash] }, parts, [FIXTURE_SECRET])).not.toThrow();
    expect(verifySignature({ ...signature, hashes: [hash] }, parts, [FIXTURE_SECRET])).toBeUndefined();
  });

  it('accepts when one of several v1 hashes matches and reports that hash', () => {
    const match = verifySignature({ ...signature, hashes: [HASH_A, v1] }, parts, [FIXTURE_SECRET]);
    expect(match?.hash).toBe(v1);
  });
});

describe('diagnoseSignatureMismatch and describeSignatureMismatch', () => {
  const signature: ParsedSignature = { ts: '1766237532', hashes: [HASH_A] };

  it('counts every secret and both casings of an upper-case data.id, and names no missing part', () => {
    const mismatch = diagnoseSignatureMismatch(signature, { dataId: 'ORD01ABC', requestId: 'r' }, ['a', 'b']);
    expect(mismatch).toEqual({ secretsTried: 2, idCasingsTried: 2, missingParts: [], malformedHashes: 0 });
    expect(describeSignatureMismatch(mismatch)).toBe('tried 2 secrets x 2 id casings');
  });

  it('tries one casing of an id that lowercasing does not change, and names a missing x-request-id', () => {
    const mismatch = diagnoseSignatureMismatch(signature, { dataId: '123' }, ['a']);
    expect(describeSignatureMismatch(mismatch)).toBe('tried 1 secret x 1 id casing; x-request-id missing');
  });

  it('names a blank or absent data.id and x-request-id, as buildManifest leaves them out', () => {
    const mismatch = diagnoseSignatureMismatch(signature, { dataId: ' ', requestId: undefined }, ['a']);
    expect(mismatch.missingParts).toEqual(['data.id', 'x-request-id']);
    expect(describeSignatureMismatch(mismatch)).toBe(
      'tried 1 secret x 1 id casing; data.id missing; x-request-id missing',
    );
  });

  it('counts the v1 values that cannot be a hash: wrong length, upper case, not hex', () => {
    const hashes = [HASH_A, HASH_A.slice(1), HASH_A.toUpperCase(), 'z'.repeat(64)];
    const mismatch = diagnoseSignatureMismatch({ ...signature, hashes }, { dataId: '1', requestId: 'r' }, [
      'a',
    ]);
    expect(mismatch.malformedHashes).toBe(3);
    expect(describeSignatureMismatch(mismatch)).toBe(
      'tried 1 secret x 1 id casing; 3 v1 values not 64 lowercase hex characters',
    );
  });

  it('describes the fixture delivery checked with a wrong secret and its x-request-id dropped', () => {
    const fixture = loadDelivery('webhook-payment-created');
    const signature = parsed(fixture.headers['x-signature'] ?? '');
    const parts = { dataId: partsOf(fixture).dataId };
    expect(verifySignature(signature, parts, ['wrong', FIXTURE_SECRET])).toBeUndefined();
    expect(
      describeSignatureMismatch(diagnoseSignatureMismatch(signature, parts, ['wrong', FIXTURE_SECRET])),
    ).toBe('tried 2 secrets x 1 id casing; x-request-id missing');
  });
});

describe('signatureTimeMs', () => {
  it('reads a 10-digit ts as seconds', () => {
    expect(signatureTimeMs('1766237532')).toBe(1766237532_000);
  });

  it('reads a 13-digit ts as milliseconds', () => {
    expect(signatureTimeMs('1742505638683')).toBe(1742505638683);
  });

  it('switches unit at 10^12', () => {
    expect(signatureTimeMs('999999999999')).toBe(999999999999_000);
    expect(signatureTimeMs('1000000000000')).toBe(1000000000000);
  });
});
