export { mercadoPagoNotifications } from './router.js';
export { signNotification, type SignNotificationOptions } from './signature.js';
export { MercadoPagoNotificationError, type MercadoPagoNotificationErrorCode } from './errors.js';
export { EVENT_NAMES, type EventName, type EventTopic } from './event-names.js';
export { notificationUrl, type NotificationUrlOptions } from './notification-url.js';
export type { ConfigurationWarningCode } from './startup-warnings.js';
export type { ClaimResult, DeliveryStore } from './store/types.js';
export { redisStore, type RedisStoreOptions } from './store/redis.js';
export type { IoRedisClientLike, NodeRedisClientLike, RedisStoreClient } from './store/redis-client.js';
export type {
  AccessTokenContext,
  AccessTokenResolver,
  AgreementResource,
  AnyMercadoPagoEvent,
  CardResource,
  ChargebackResource,
  ClaimResource,
  Delivery,
  DeliveryChannel,
  DeliveryOrderResource,
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
  PointIntentResource,
  ResourceByTopic,
  SubscriptionPaymentResource,
  SubscriptionPlanResource,
  SubscriptionResource,
  VerifiedBy,
} from './types.js';
