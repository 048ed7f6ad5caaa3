import createDebug from 'debug';
import type { NormalizedOptions } from './options.js';

const debug = createDebug('mercadopago-notifications:config');

/** Name of every warning the router emits, for `process.on('warning', (w) => w.name === ...)`. */
export const WARNING_NAME = 'MercadoPagoNotificationsWarning';
/** Mercado Pago closes the connection after 22 s and counts the delivery as not received (reference 4). */
const MERCADO_PAGO_TIMEOUT_MS = 22_000;

/** Codes of the configuration warnings; each names a setup that loses notifications. */
export type ConfigurationWarningCode =
  | 'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN'
  | 'MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE'
  | 'MERCADOPAGO_NOTIFICATIONS_HANDLER_TIMEOUT';

interface ConfigurationWarning {
  readonly code: ConfigurationWarningCode;
  readonly message: string;
}

/** The configuration problems that make the router lose notifications. Never includes a secret or token. */
function findConfigurationWarnings(config: NormalizedOptions): ConfigurationWarning[] {
  const warnings: ConfigurationWarning[] = [];
  // The IPN route is always mounted, and every route accepts IPN; requireSignature refuses IPN on purpose.
  if (config.accessToken === undefined && !config.requireSignature) {
    warnings.push({
      code: 'MERCADOPAGO_NOTIFICATIONS_NO_ACCESS_TOKEN',
      message:
        'no `accessToken`: IPN deliveries cannot be signed and are confirmed only by reading the resource, so ' +
        'every IPN is refused with 401, and signed deliveries arrive without their resource (notification.received). ' +
        'Configure `accessToken`, or set `requireSignature: true` to refuse IPN on purpose.',
    });
  }
  config.secrets.forEach((secret, index) => {
    if (secret.trim() !== secret) {
      warnings.push({
        code: 'MERCADOPAGO_NOTIFICATIONS_SECRET_WHITESPACE',
        message:
          `secret #${index + 1} of ${config.secrets.length} has leading or trailing whitespace: Mercado Pago signs ` +
          'with the secret as shown in Your integrations, so no signature will match it. Trim it (values read ' +
          'from files or environment variables often end in a newline).',
      });
    }
  });
  if (config.handlerTimeoutMs > MERCADO_PAGO_TIMEOUT_MS) {
    warnings.push({
      code: 'MERCADOPAGO_NOTIFICATIONS_HANDLER_TIMEOUT',
      message:
        `\`handlerTimeoutMs\` is ${config.handlerTimeoutMs} ms, above the ${MERCADO_PAGO_TIMEOUT_MS} ms Mercado Pago ` +
        'waits for an answer: slow listeners make it count the delivery as lost and send it again. Keep it ' +
        `below ${MERCADO_PAGO_TIMEOUT_MS} ms and move slow work after the answer.`,
    });
  }
  return warnings;
}

/** Warns, once for the router being built, about each configuration that loses notifications. */
export function emitStartupWarnings(config: NormalizedOptions): void {
  for (const { code, message } of findConfigurationWarnings(config)) {
    debug('%s: %s', code, message);
    process.emitWarning(`[mercadopago-notifications] ${message}`, { type: WARNING_NAME, code });
  }
}
