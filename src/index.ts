export { mercadoPagoNotifications } from './router.js';
export { signNotification, type SignNotificationOptions } from './signature.js';
export { MercadoPagoNotificationError, type MercadoPagoNotificationErrorCode } from './errors.js';
export { EVENT_NAMES, type EventName, type EventTopic } from './event-names.js';
export type { ClaimResult, DeliveryStore } from './store/types.js';
export { redisStore, type RedisStoreOptions } from './store/redis.js';
export type { IoRedisClientLike, NodeRedisClientLike, RedisStoreClient } from './store/redis-client.js';
export type {
  AccessTokenContext,
  AccessTokenResolver,
  AgreementResource,
  AnyMercadoPagoEvent,
  ChargebackResource,
  Delivery,
  DeliveryChannel,
  ErrorHandler,
  EventFor,
  EventHandler,
  InspectorOptions,
  MercadoPagoEvent,
  MercadoPagoEventMap,
  MercadoPagoNotificationsOptions,
  MercadoPagoNotificationsRouter,
  MerchantOrderResource,
  NotificationEmitter,
  OrderResource,
  PaymentResource,
  ResourceByTopic,
  VerifiedBy,
} from './types.js';
