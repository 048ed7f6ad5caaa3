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
  /** The access token resolver threw or returned an empty token. Answered as RESOURCE_NOT_FOUND. */
  ACCESS_TOKEN_UNAVAILABLE: 404,
  /** The Mercado Pago API does not know the resource (after one retry). */
  RESOURCE_NOT_FOUND: 404,
  /** The Mercado Pago API refused the access token (401/403). Answered as RESOURCE_NOT_FOUND. */
  API_UNAUTHORIZED: 404,
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

type Code = MercadoPagoNotificationErrorCode;

/**
 * Codes a sender is told as another: whether a `user_id` is one of the app's sellers, or whether its token still
 * works, is the app's business, so a resource nobody could read is simply not found.
 */
const SENDER_CODES: Partial<Record<Code, Code>> = {
  ACCESS_TOKEN_UNAVAILABLE: 'RESOURCE_NOT_FOUND',
  API_UNAUTHORIZED: 'RESOURCE_NOT_FOUND',
};

const AGAIN_LATER = 'send it again later';

/**
 * What a sender is told for each code. Fixed texts: they never count secrets, name options, echo a listener or
 * say anything else about the configuration (the diagnosis goes to onError, debug and the inspector).
 * `undefined`: the message describes only the request itself and is sent as it is.
 */
const SENDER_MESSAGES: Record<Code, string | undefined> = {
  INVALID_DELIVERY: undefined,
  METHOD_NOT_ALLOWED: undefined,
  BODY_TOO_LARGE: 'the body is too large',
  BODY_TIMEOUT: 'the body did not arrive in time',
  BODY_UNREADABLE: 'the body could not be read',
  SIGNATURE_MISSING: 'the delivery has no x-signature header',
  SIGNATURE_MALFORMED: 'x-signature is not of the form ts=<digits>,v1=<hash>',
  SIGNATURE_MISMATCH: 'x-signature does not match this delivery',
  SIGNATURE_EXPIRED: 'x-signature is too old or too new to be accepted',
  UNVERIFIABLE_DELIVERY: 'this delivery cannot be verified',
  ACCESS_TOKEN_UNAVAILABLE: undefined, // answered as RESOURCE_NOT_FOUND
  RESOURCE_NOT_FOUND: 'the resource this delivery names could not be read',
  API_UNAUTHORIZED: undefined, // answered as RESOURCE_NOT_FOUND
  API_UNAVAILABLE: `the Mercado Pago API could not be read; ${AGAIN_LATER}`,
  API_TIMEOUT: `the Mercado Pago API did not answer in time; ${AGAIN_LATER}`,
  DELIVERY_IN_PROGRESS: `a copy of this delivery is being processed; ${AGAIN_LATER}`,
  STORE_UNAVAILABLE: `the delivery could not be recorded; ${AGAIN_LATER}`,
  LISTENER_FAILED: `the delivery could not be processed; ${AGAIN_LATER}`,
  LISTENER_TIMEOUT: `the delivery is still being processed; ${AGAIN_LATER}`,
  INTERNAL_ERROR: `the delivery could not be processed; ${AGAIN_LATER}`,
};

/** The answer to whoever sent a delivery that failed: status, code and a message that reveals no configuration. */
export function senderAnswer(error: MercadoPagoNotificationError): {
  readonly status: number;
  readonly code: Code;
  readonly message: string;
} {
  const code = SENDER_CODES[error.code] ?? error.code;
  const message = SENDER_MESSAGES[code];
  return {
    status: ERROR_STATUS[code],
    code,
    message: message === undefined ? error.message : `[mercadopago-notifications] ${message}`,
  };
}
