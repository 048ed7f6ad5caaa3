// Signed Webhook deliveries for the load generator, shaped like the payment delivery captured in
// __tests__/fixtures/deliveries/webhook-payment-created.json and signed with the package's own signer.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signNotification } from '../src/signature.js';
import { BENCH_SECRET, WEBHOOK_PATH } from './constants.js';

/** One HTTP request as autocannon sends it. */
export interface BenchRequest {
  readonly method: 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface DeliveryFixture {
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const fixture = JSON.parse(
  readFileSync(
    new URL('../__tests__/fixtures/deliveries/webhook-payment-created.json', import.meta.url),
    'utf8',
  ),
) as DeliveryFixture;

/** A payment Webhook for `paymentId`, signed now, with its own x-request-id unless one is given. */
export function paymentDelivery(paymentId: string, requestId: string = randomUUID()): BenchRequest {
  const signature = signNotification({ secret: BENCH_SECRET, dataId: paymentId, requestId });
  return {
    method: 'POST',
    path: `${WEBHOOK_PATH}?data.id=${paymentId}&type=payment`,
    headers: { ...fixture.headers, 'x-request-id': requestId, 'x-signature': signature },
    body: JSON.stringify({ ...fixture.body, data: { id: paymentId } }),
  };
}

/** A stream of deliveries for the load generator; `sent` counts those handed out. */
export interface DeliveryStream {
  next(): BenchRequest;
  /** Builds the next `count` deliveries now, before the load starts, so building them does not slow it. */
  prepare(count: number): void;
  readonly sent: number;
}

/**
 * Unique deliveries: a new payment id (counting up from `firstPaymentId`) and x-request-id each. Those
 * not prepared in advance are signed when needed.
 */
export function uniqueDeliveries(firstPaymentId: number): DeliveryStream {
  let prepared: BenchRequest[] = [];
  let sent = 0;
  return {
    next() {
      const delivery = prepared.pop() ?? paymentDelivery(String(firstPaymentId + sent));
      sent += 1;
      return delivery;
    },
    prepare(count) {
      // Built in reverse so that pop() hands them out in order; the leftovers of the last turn are dropped.
      prepared = Array.from({ length: count }, (_, i) =>
        paymentDelivery(String(firstPaymentId + sent + count - 1 - i)),
      );
    },
    get sent() {
      return sent;
    },
  };
}

/** The same delivery, every time. */
export function repeatedDelivery(delivery: BenchRequest): DeliveryStream {
  let sent = 0;
  return {
    next() {
      sent += 1;
      return delivery;
    },
    prepare: () => undefined,
    get sent() {
      return sent;
    },
  };
}
