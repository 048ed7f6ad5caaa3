import { MercadoPagoNotificationError } from './errors.js';
import type { ApiReader } from './api.js';
import type { VerifiedBy } from './types.js';

/** The read that tells whose token a token is, and whether it still works. */
const WHO_AM_I_PATH = '/users/me';

/** What {@link confirmAccountLinking} needs. */
export interface AccountLinkingCheck {
  readonly name: 'application.authorized' | 'application.deauthorized';
  /** The seller, from the body's `user_id` (unsigned). */
  readonly sellerId: string;
  /** The seller's own token, as a per-seller accessToken resolver gave it; undefined when there is none. */
  readonly token: string | undefined;
  readonly api: ApiReader;
}

function idText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}

/**
 * Account linking (mp-connect) has no read of its own: GET /users/me with the seller's token confirms it where a
 * token exists. The seller's working token answers the seller's id (it is linked); a deauthorized seller's token
 * is refused with 401/403. Returns how the event is verified: `'signature+api'` when the API confirms it,
 * `'signature'` when no token can tell (none, another account's, or one not yet stored after a new link). Throws UNVERIFIABLE_DELIVERY when the API contradicts it (the seller's
 * token still works after a "deauthorized"): a copied signature cannot unlink a seller who is linked.
 */
export async function confirmAccountLinking({
  name,
  sellerId,
  token,
  api,
}: AccountLinkingCheck): Promise<VerifiedBy> {
  if (token === undefined) return 'signature';
  let me: Record<string, unknown>;
  try {
    me = await api.read(WHO_AM_I_PATH, token);
  } catch (error) {
    if (!(error instanceof MercadoPagoNotificationError)) throw error;
    if (error.code === 'API_UNAUTHORIZED')
      return name === 'application.deauthorized' ? 'signature+api' : 'signature';
    if (error.code === 'RESOURCE_NOT_FOUND') return 'signature';
    throw error;
  }
  if (idText(me['id']) !== sellerId) return 'signature'; // not this seller's token: it cannot tell
  if (name === 'application.authorized') return 'signature+api';
  throw new MercadoPagoNotificationError(
    'UNVERIFIABLE_DELIVERY',
    `application.deauthorized for seller ${sellerId} is contradicted by the API: the seller's token still reads ${WHO_AM_I_PATH}`,
  );
}
