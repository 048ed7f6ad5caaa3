import createDebug from 'debug';
import type { Router } from 'express';
import { createRecorder, type InspectorRecorder } from './recorder.js';
import { mountInspector } from './routes.js';
import type { NormalizedOptions } from '../options.js';

const debug = createDebug('mercadopago-notifications:inspector');

/** Code of the warning emitted when NODE_ENV=production keeps the inspector off. */
const INSPECTOR_OFF_WARNING = 'MERCADOPAGO_NOTIFICATIONS_INSPECTOR_OFF';

let warnedInProduction = false;

/** The delivery inspector of one router: what the handler records into, and the routes that show it. */
export interface Inspector {
  readonly recorder: InspectorRecorder;
  /** Mounts `GET /_inspector` and `GET /_inspector/events` on the router. */
  mount(router: Router): void;
}

/**
 * Creates the inspector when the options ask for it. Returns undefined when they do not, and when NODE_ENV is
 * production without `inspector.force`: then it warns once per process, and nothing is recorded.
 */
export function createInspector(config: NormalizedOptions): Inspector | undefined {
  const options = config.inspector;
  if (options === undefined) return undefined;
  if (process.env['NODE_ENV'] === 'production' && !options.force) {
    const message =
      '[mercadopago-notifications] the delivery inspector stays off because NODE_ENV is production; ' +
      'set `inspector: { force: true }` to turn it on anyway';
    debug(message);
    if (!warnedInProduction) {
      warnedInProduction = true;
      process.emitWarning(message, { code: INSPECTOR_OFF_WARNING });
    }
    return undefined;
  }
  const recorder = createRecorder({ max: options.max, redact: config.redact, now: config.now });
  debug(
    'on: keeping the last %d deliveries%s',
    options.max,
    options.allowRemote ? ', remote clients allowed' : '',
  );
  return {
    recorder,
    mount: (router) => mountInspector(router, recorder, { allowRemote: options.allowRemote }),
  };
}
