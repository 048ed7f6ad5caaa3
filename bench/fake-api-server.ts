// The fake Mercado Pago API (src/testing/fake-api.ts) in a process of its own, seeded with approved payments
// built from the payment fixture. BENCH_FAKE_API: {"firstPaymentId": n, "payments": count}. Prints
// `ready <url>`. Over IPC, `{ "readsOf": path }` answers how many GETs reached the API (in total and of `path`),
// and `{ "delay": path, "ms": n }` makes the next read of `path` answer after n ms (answered `true`).
import { readFileSync } from 'node:fs';
import { startFakeMercadoPagoApi } from '../src/testing/fake-api.js';

/** What BENCH_FAKE_API describes. */
export interface FakeApiConfig {
  readonly firstPaymentId: number;
  readonly payments: number;
}

/** The answer to a `readsOf` question. */
export interface ApiReads {
  readonly total: number;
  readonly ofPath: number;
}

const { resource } = JSON.parse(
  readFileSync(new URL('../__tests__/fixtures/resources/payment-approved.json', import.meta.url), 'utf8'),
) as { resource: Record<string, unknown> };

async function main(): Promise<void> {
  const config = JSON.parse(process.env['BENCH_FAKE_API'] ?? '') as FakeApiConfig;
  const api = await startFakeMercadoPagoApi();
  for (let i = 0; i < config.payments; i += 1) {
    const id = config.firstPaymentId + i;
    api.set(`/v1/payments/${id}`, { ...resource, id });
  }
  process.on('message', (message: { readsOf?: string; delay?: string; ms?: number }) => {
    if (typeof message.delay === 'string') {
      api.fail(message.delay, { delayMs: message.ms ?? 0 });
      process.send?.(true);
      return;
    }
    if (typeof message.readsOf !== 'string') return;
    const gets = api.requests.filter((request) => request.method === 'GET');
    const answer: ApiReads = {
      total: gets.length,
      ofPath: gets.filter((request) => request.path === message.readsOf).length,
    };
    process.send?.(answer);
  });
  process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
  console.log(`ready ${api.url}`);
}

void main();
