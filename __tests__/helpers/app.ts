import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import {
  mercadoPagoNotifications,
  type AnyMercadoPagoEvent,
  type MercadoPagoNotificationError,
  type MercadoPagoNotificationsOptions,
  type MercadoPagoNotificationsRouter,
} from '../../src/index.js';

/** An app under test with everything its router emitted. */
export interface TestApp {
  readonly app: Express;
  readonly mp: MercadoPagoNotificationsRouter;
  readonly events: AnyMercadoPagoEvent[];
  readonly errors: Array<{ error: MercadoPagoNotificationError; event: AnyMercadoPagoEvent | undefined }>;
}

/** Where express.json() runs relative to the router. */
export type BodyParserPlacement = 'none' | 'json-before';

/** Mounts the real router at /mp, recording every event (onAny) and every error (onError). */
export function createApp(
  options: MercadoPagoNotificationsOptions,
  placement: BodyParserPlacement = 'none',
): TestApp {
  return appWith(options, placement === 'json-before' ? [express.json()] : []);
}

/** Like {@link createApp}, with the router mounted between the `before` and `after` middleware. */
export function appWith(
  options: MercadoPagoNotificationsOptions,
  before: RequestHandler[] = [],
  after: RequestHandler[] = [],
): TestApp {
  const app = express();
  for (const middleware of before) app.use(middleware);
  const mp = mercadoPagoNotifications(options);
  const events: AnyMercadoPagoEvent[] = [];
  const errors: TestApp['errors'] = [];
  mp.onAny((event) => void events.push(event));
  mp.onError((error, event) => void errors.push({ error, event }));
  app.use('/mp', mp);
  for (const middleware of after) app.use(middleware);
  return { app, mp, events, errors };
}

/** An app listening on 127.0.0.1 (a free port), for clients that need a real URL (the trigger code, the CLI). */
export interface ServedApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 with a free port. */
export async function serveOnLoopback(app: Express): Promise<ServedApp> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
