/** Result of {@link DeliveryStore.claim}. */
export type ClaimResult =
  | { readonly status: 'claimed' }
  /** `key` is already recorded as processed. */
  | { readonly status: 'done'; readonly key: string }
  /** `key` is claimed by a delivery still being processed (here or on another instance). */
  | { readonly status: 'processing'; readonly key: string };

/**
 * Where deliveries and events are marked as being processed and as processed. The default keeps them in memory;
 * several instances need a shared store (for example Redis). Every method may be async.
 */
export interface DeliveryStore {
  /** How long processed keys are remembered, in ms. Signature-only deliveries older than this are refused. */
  readonly ttlMs: number;
  /**
   * How long a claim lasts, in ms, when the store says so. The router warns when it is not above
   * handlerTimeoutMs + 2 × fetchTimeoutMs: a claim that expires while its delivery is still being processed lets
   * another instance process a copy.
   */
  readonly leaseMs?: number;
  /**
   * Atomically claims every key, or none: fails with the first key found processed or claimed.
   * A claim is a lease that expires if it is neither completed nor released.
   */
  claim(keys: readonly string[]): Promise<ClaimResult>;
  /** Records the keys as processed for `ttlMs`. */
  complete(keys: readonly string[]): Promise<void>;
  /** Drops claims without recording them, so a redelivery is processed again. */
  release(keys: readonly string[]): Promise<void>;
  /** Whether the key is recorded as processed. */
  has(key: string): Promise<boolean>;
}
