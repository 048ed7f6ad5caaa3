import express, { type Express } from 'express';
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
  const app = express();
  if (placement === 'json-before') app.use(express.json());
  const mp = mercadoPagoNotifications(options);
  const events: AnyMercadoPagoEvent[] = [];
  const errors: TestApp['errors'] = [];
  mp.onAny((event) => void events.push(event));
  mp.onError((error, event) => void errors.push({ error, event }));
  app.use('/mp', mp);
  return { app, mp, events, errors };
}
