// The app a user writes: mount the router, listen to events, log failures. Nothing here is demo-specific.
import express, { type Express } from 'express';
// In your app: import { mercadoPagoNotifications } from 'mercadopago-notifications';
import { mercadoPagoNotifications, type MercadoPagoNotificationsRouter } from '../src/index.js';

/** Options of {@link createExampleApp}. */
export interface ExampleAppOptions {
  readonly secret: string | undefined;
  readonly accessToken: string | undefined;
  /** The fake API in demo mode; the real API (the default) otherwise. */
  readonly apiBaseUrl?: string | undefined;
  /** Where log lines go. */
  readonly log: (line: string) => void;
  /** Mounts the delivery inspector at /mercadopago/_inspector (loopback clients only). @default false */
  readonly inspector?: boolean | undefined;
}

/** An Express app with the router mounted at /mercadopago, logging one line per event and per error. */
export function createExampleApp({ secret, accessToken, apiBaseUrl, log, inspector }: ExampleAppOptions): {
  app: Express;
  mp: MercadoPagoNotificationsRouter;
} {
  const app = express();
  // Every option accepts undefined: an unset one takes its default.
  const mp = mercadoPagoNotifications({ secret, accessToken, apiBaseUrl, inspector });

  // Every event, in one line: what happened, to which resource, how it was verified, how it arrived.
  mp.onAny((event) => {
    const { name, resourceId, verifiedBy, delivery } = event;
    log(`[event] ${name} ${resourceId} (verified by ${verifiedBy}, via ${delivery.channel})`);
  });

  // Typed listeners: `event.resource` is the resource read from the API, typed per topic.
  mp.on('payment.approved', (event) => {
    const {
      external_reference: reference,
      transaction_amount: amount,
      currency_id: currency,
    } = event.resource;
    log(`[payment.approved] fulfil order ${reference ?? '?'}: ${amount ?? '?'} ${currency ?? ''} paid`);
  });
  mp.on('chargeback.opened', (event) => {
    log(`[chargeback.opened] chargeback ${String(event.resource.id)} opened: send documentation`);
  });
  mp.on('agreement.cancelled', (event) => {
    log(
      `[agreement.cancelled] agreement ${event.resource.id ?? event.resourceId} cancelled: stop charging its payer token`,
    );
  });

  // Every failure: forged or unverifiable deliveries, API errors, listeners that throw.
  mp.onError((error, event) => {
    log(`[error] ${error.code} (${error.status}) ${error.message}${event ? ` [${event.name}]` : ''}`);
  });

  app.use('/mercadopago', mp);
  return { app, mp };
}
