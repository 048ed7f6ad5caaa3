import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { buildDelivery, type BuiltDelivery } from '../../src/testing/index.js';
import { FIXTURE_SECRET, type DeliveryFixture } from './fixtures.js';

/** A delivery ready to send: query, headers and the exact body text. */
export interface OutgoingDelivery {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The request as the fixture describes it, byte for byte (raw_body when present). */
export function fromFixture(fixture: DeliveryFixture, path = '/mp/webhooks'): OutgoingDelivery {
  return {
    path,
    query: fixture.path_query,
    headers: fixture.headers,
    body: fixture.raw_body ?? JSON.stringify(fixture.body),
  };
}

/** Options of {@link signedWebhook}. */
export interface SignedWebhookOptions {
  readonly secret: string;
  readonly dataId: string;
  readonly type: string;
  readonly requestId?: string | null;
  readonly ts?: string | number;
  readonly body?: unknown;
  readonly path?: string;
}

/** The test-kit delivery with its path and query apart, as the suites edit them. */
function outgoing(built: BuiltDelivery): OutgoingDelivery {
  return {
    path: built.path.slice(0, built.path.indexOf('?')),
    query: built.query,
    headers: built.headers,
    body: built.body,
  };
}

/** A Webhooks delivery built by the test kit (signed with the exported signer), as Mercado Pago would send it. */
export function signedWebhook({
  secret,
  dataId,
  type,
  requestId,
  ts,
  body,
  path,
}: SignedWebhookOptions): OutgoingDelivery {
  return outgoing(
    buildDelivery({
      topic: type,
      resourceId: dataId,
      channel: 'webhook',
      secret,
      path: path ?? '/mp/webhooks',
      // The suites' Webhooks all carry data.id and type, whatever the topic (the router accepts that form too).
      query: { 'data.id': dataId, type },
      ...(requestId === undefined ? {} : { requestId }),
      ...(ts === undefined ? {} : { ts }),
      ...(body === undefined ? {} : { body }),
    }),
  );
}

/** A payment webhook for `id` signed with the fixture secret at the current time (a fresh x-request-id unless given). */
export function paymentWebhook(id: string, requestId?: string): OutgoingDelivery {
  return signedWebhook({
    secret: FIXTURE_SECRET,
    dataId: id,
    type: 'payment',
    ...(requestId === undefined ? {} : { requestId }),
  });
}

/** The IPN ("Feed v2.0") copy of a payment or merchant order notification, built by the test kit. */
export function ipnDelivery(
  topic: string,
  id: string,
  requestId: string = randomUUID(),
  path = '/mp/ipn',
): OutgoingDelivery {
  return outgoing(buildDelivery({ topic, resourceId: id, channel: 'ipn', requestId, path }));
}

/** The documented body of a Wallet Connect agreement notification (a fresh notification id); `overrides` win. */
export function walletConnectBody(
  agreementId: string,
  status: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: randomUUID().replace(/-/g, ''),
    type: 'wallet_connect',
    entity: 'agreement',
    action: 'status.updated',
    date: '2026-03-10T12:01:00Z',
    model_version: 1,
    version: 0,
    data: { id: agreementId, status },
    ...overrides,
  };
}

/** Builds the URL path with the query encoded as Mercado Pago appends it. */
export function urlOf(delivery: OutgoingDelivery): string {
  const search = new URLSearchParams(delivery.query).toString();
  return search === '' ? delivery.path : `${delivery.path}?${search}`;
}

/** Sends a delivery to an app over loopback HTTP (supertest). */
export function send(app: Express, delivery: OutgoingDelivery): request.Test {
  const test = request(app).post(urlOf(delivery));
  for (const [name, value] of Object.entries(delivery.headers)) test.set(name, value);
  return test.send(delivery.body);
}

/** Returns the delivery with some headers replaced; `undefined` removes a header. */
export function withHeaders(
  delivery: OutgoingDelivery,
  headers: Record<string, string | undefined>,
): OutgoingDelivery {
  const merged: Record<string, string> = { ...delivery.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return { ...delivery, headers: merged };
}

/** Returns the delivery with its query replaced (the signature stays as it was). */
export function withQuery(delivery: OutgoingDelivery, query: Record<string, string>): OutgoingDelivery {
  return { ...delivery, query };
}

/** Returns the delivery with its body replaced (the signature stays as it was). */
export function withBody(delivery: OutgoingDelivery, body: unknown): OutgoingDelivery {
  return { ...delivery, body: JSON.stringify(body) };
}
