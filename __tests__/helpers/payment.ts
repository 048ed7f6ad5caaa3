// The injected clock and the approved payment 4242 that the body-parsing, configuration-modes and signature
// suites build their deliveries around.
import { randomUUID } from 'node:crypto';
import { signNotification } from '../../src/index.js';
import { signedWebhook, type OutgoingDelivery, type SignedWebhookOptions } from './deliveries.js';
import { FIXTURE_SECRET } from './fixtures.js';

/** The injected clock: 2026-01-15T00:00:00Z. */
export const NOW_MS = Date.UTC(2026, 0, 15);
export const NOW_S = NOW_MS / 1000;

export const PAYMENT_ID = '4242';
export const PAYMENT_PATH = `/v1/payments/${PAYMENT_ID}`;
/** The approved payment served at PAYMENT_PATH. */
export const PAYMENT = {
  id: 4242,
  status: 'approved',
  status_detail: 'accredited',
  date_last_updated: '2026-01-14T23:59:00Z',
};

/** A payment webhook for PAYMENT_ID signed with the fixture secret, ts 10 s before NOW_MS; `overrides` win. */
export function signedPayment(overrides: Partial<SignedWebhookOptions> = {}): OutgoingDelivery {
  return signedWebhook({
    secret: FIXTURE_SECRET,
    dataId: PAYMENT_ID,
    type: 'payment',
    ts: NOW_S - 10,
    ...overrides,
  });
}

/**
 * A Webhooks delivery signed without data.id (ts 10 s before NOW_MS) whose query carries only `query`: the
 * resource id comes from the unsigned body.
 */
export function signedWithoutDataId(query: Record<string, string>, body: string): OutgoingDelivery {
  const requestId = randomUUID();
  return {
    path: '/mp/webhooks',
    query,
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-signature': signNotification({ secret: FIXTURE_SECRET, requestId, ts: NOW_S - 10 }),
    },
    body,
  };
}
