/**
 * Every stable error code, with the HTTP status the router answers for it.
 * Callers branch on `code`; the table is the single source of truth for both.
 */
export const ERROR_STATUS = {
  /** The request is neither a Webhook, an IPN nor a Wallet Connect delivery. */
  INVALID_DELIVERY: 400,
  /** A method other than POST on a delivery path (the answer carries `Allow: POST`). */
  METHOD_NOT_ALLOWED: 405,
  /** The body is larger than the router accepts. */
  BODY_TOO_LARGE: 413,
  /** The body was still arriving after bodyTimeoutMs. */
  BODY_TIMEOUT: 408,
  /** The body could not be read from the request stream. */
  BODY_UNREADABLE: 400,
  /** A secret is configured and the delivery carries no x-signature. */
  SIGNATURE_MISSING: 401,
  /** The x-signature header has no ts or no supported vN hash. */
  SIGNATURE_MALFORMED: 401,
  /** No configured secret produces the v1 hash, with data.id as received or lowercased. */
  SIGNATURE_MISMATCH: 401,
  /** The signature ts is outside the replay window. */
  SIGNATURE_EXPIRED: 401,
  /** The delivery cannot be confirmed: it is unsigned and the configuration forbids or cannot do an API read. */
  UNVERIFIABLE_DELIVERY: 401,
  /** The access token resolver threw or returned an empty token. */
  ACCESS_TOKEN_UNAVAILABLE: 500,
  /** The Mercado Pago API does not know the resource (after one retry). */
  RESOURCE_NOT_FOUND: 404,
  /** The Mercado Pago API refused the access token (401/403). */
  API_UNAUTHORIZED: 502,
  /** The Mercado Pago API failed: network error, 429, 5xx or a body that is not JSON. */
  API_UNAVAILABLE: 502,
  /** The Mercado Pago API did not answer within fetchTimeoutMs. */
  API_TIMEOUT: 504,
  /** Another copy of this delivery or event is being processed right now. */
  DELIVERY_IN_PROGRESS: 409,
  /** The dedup store failed. */
  STORE_UNAVAILABLE: 503,
  /** A listener threw or rejected. */
  LISTENER_FAILED: 500,
  /** Listeners were still running after handlerTimeoutMs. */
  LISTENER_TIMEOUT: 503,
  /** An unexpected failure inside the router (a bug: please report it). */
  INTERNAL_ERROR: 500,
} as const;

/** Stable error codes; see the README errors table. */
export type MercadoPagoNotificationErrorCode = keyof typeof ERROR_STATUS;

/** The single error class of this package. `code` is stable API; `status` is the HTTP answer. */
export class MercadoPagoNotificationError extends Error {
  override readonly name = 'MercadoPagoNotificationError';
  readonly code: MercadoPagoNotificationErrorCode;
  readonly status: number;

  constructor(code: MercadoPagoNotificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[mercadopago-notifications] ${message}`, options);
    this.code = code;
    this.status = ERROR_STATUS[code];
  }
}

/** Passes our errors through and wraps anything else under `code`, keeping it as `cause`. */
export function toNotificationError(
  error: unknown,
  code: MercadoPagoNotificationErrorCode,
  what: string,
): MercadoPagoNotificationError {
  return error instanceof MercadoPagoNotificationError
    ? error
    : new MercadoPagoNotificationError(code, `${what} failed`, { cause: error });
}
