import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/** The fixture secret every verifiable fixture is signed with. */
export const FIXTURE_SECRET = 'FIXTURE-SECRET-not-a-real-mercadopago-secret';
/** The secret of webhook-payment-signed-with-test-mode-secret.json. */
export const FIXTURE_TEST_MODE_SECRET = 'FIXTURE-TEST-MODE-SECRET-not-real';

/** A delivery as stored in __tests__/fixtures/deliveries (copied from ../shared/fixtures). */
export interface DeliveryFixture {
  readonly description: string;
  readonly method: string;
  readonly path_query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly raw_body?: string;
  readonly meta: {
    readonly channel: 'webhook' | 'ipn' | 'wallet_connect';
    readonly secret?: string;
    readonly manifest?: string;
    readonly signature_verifiable: boolean | 'assumed' | 'unknown';
    readonly resource_endpoint?: string;
    readonly verify_by?: string;
  };
}

/** A resource as stored in __tests__/fixtures/resources. */
export interface ResourceFixture {
  readonly endpoint: string;
  readonly resource: Record<string, unknown>;
}

/** Every delivery fixture file name listed in the index. */
export const DELIVERY_FIXTURES: readonly string[] = (
  JSON.parse(readFileSync(join(FIXTURES_DIR, 'index.json'), 'utf8')) as { deliveries: string[] }
).deliveries.map((path) => path.replace(/^deliveries\//, '').replace(/\.json$/, ''));

export function loadDelivery(name: string): DeliveryFixture {
  return JSON.parse(
    readFileSync(join(FIXTURES_DIR, 'deliveries', `${name}.json`), 'utf8'),
  ) as DeliveryFixture;
}

export function loadResource(name: string): ResourceFixture {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'resources', `${name}.json`), 'utf8')) as ResourceFixture;
}

/** The API path of a resource fixture, e.g. '/v1/payments/138095816241'. */
export function resourcePath(fixture: ResourceFixture): string {
  return new URL(fixture.endpoint.replace(/^GET /, '')).pathname;
}

/**
 * Five seconds after the fixture was signed, in ms: the fixtures are in the past, and an event that rests on the
 * signature alone needs a fresh one. Pass it as the router's `now`.
 */
export function clockFor(fixture: DeliveryFixture): number {
  const ts = /ts=(\d+)/i.exec(fixture.headers['x-signature'] ?? '')?.[1];
  if (ts === undefined) throw new Error('fixture without ts');
  return (ts.length >= 13 ? Number(ts) : Number(ts) * 1000) + 5_000;
}
