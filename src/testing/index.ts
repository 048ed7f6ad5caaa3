// `mercadopago-notifications/testing`: what your own tests need to exercise your listeners end to end.
export { signNotification, type SignNotificationOptions } from '../signature.js';
export { buildDelivery, type BuildDeliveryOptions, type BuiltDelivery } from './build-delivery.js';
export {
  startFakeMercadoPagoApi,
  type FakeApiFault,
  type FakeApiRequest,
  type FakeMercadoPagoApi,
  type FakeMercadoPagoApiOptions,
} from './fake-api.js';
export {
  DEFAULT_FAKE_API_URL,
  triggerEvent,
  type TriggerEventOptions,
  type TriggerExchange,
  type TriggerReport,
  type TriggerResult,
} from './trigger.js';
