import { randomUUID } from 'node:crypto';
import { DEFAULT_DEDUP_TTL_MS, assertKnownKeys, describe, fail, positiveNumber } from '../options.js';
import { createRedisCommands, isRedisStoreClient, luaScript, type RedisStoreClient } from './redis-client.js';
import type { ClaimResult, DeliveryStore } from './types.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * A connected client: node-redis (`await createClient({ url }).connect()`) or ioredis (`new Redis(url)`).
   * The store never opens, closes or reconfigures it.
   */
  readonly client: RedisStoreClient;
  /** Prepended to every key, so several apps can share one Redis. @default 'mercadopago-notifications:' */
  readonly prefix?: string | undefined;
  /**
   * How long a claim lasts, in ms: if the process holding it dies, another instance may process the delivery
   * after this. Keep it above handlerTimeoutMs + 2 × fetchTimeoutMs (the router warns otherwise).
   * @default 30_000
   */
  readonly leaseMs?: number | undefined;
  /** How long processed deliveries and events are remembered, in ms. @default 172_800_000 (48 h) */
  readonly ttlMs?: number | undefined;
  /**
   * How long one store call may wait for Redis, in ms; past it the delivery is answered 503 STORE_UNAVAILABLE
   * and Mercado Pago retries it. @default 2_000
   */
  readonly commandTimeoutMs?: number | undefined;
}

const DEFAULT_PREFIX = 'mercadopago-notifications:';
/** Above the default handlerTimeoutMs (10 s) plus two API reads of the default fetchTimeoutMs (5 s each). */
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const OPTION_NAMES = ['client', 'prefix', 'leaseMs', 'ttlMs', 'commandTimeoutMs'];
/** The value of a processed key; a claimed key holds its lease token (a UUID) instead. */
const DONE = 'done';

/** Claims every key or none. ARGV: lease token, leaseMs. Returns 0 when claimed, i when KEYS[i] is done, -i when claimed. */
const CLAIM = luaScript(
  'claim',
  `for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value == '${DONE}' then return i end
  if value then return -i end
end
for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
return 0`,
);

/** Records every key as processed. ARGV: the processed value, ttlMs. */
const COMPLETE = luaScript(
  'complete',
  `for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
return 0`,
);

/** Deletes KEYS[i] only while it still holds the lease token ARGV[i], i.e. while the claim is ours. */
const RELEASE = luaScript(
  'release',
  `for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then redis.call('DEL', key) end
end
return 0`,
);

function normalizeRedisStoreOptions(options: unknown): Required<RedisStoreOptions> {
  if (typeof options !== 'object' || options === null) {
    fail(`redisStore() takes an options object with \`client\`, got ${describe(options)}`);
  }
  assertKnownKeys(options, OPTION_NAMES, '');
  const { client, prefix, leaseMs, ttlMs, commandTimeoutMs } = options as Partial<Record<string, unknown>>;
  if (client === undefined) {
    fail(
      'redisStore() needs `client`: a connected node-redis or ioredis client (the store opens none itself)',
    );
  }
  if (!isRedisStoreClient(client)) {
    fail(
      `\`client\` must be a node-redis client (createClient() of the redis package) or an ioredis client, got ${describe(client)}`,
    );
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) {
    fail(`\`prefix\` must be a non-empty string such as "${DEFAULT_PREFIX}", got ${describe(prefix)}`);
  }
  return {
    client,
    prefix: prefix ?? DEFAULT_PREFIX,
    leaseMs: positiveNumber('leaseMs', leaseMs, DEFAULT_LEASE_MS, true),
    ttlMs: positiveNumber('ttlMs', ttlMs, DEFAULT_DEDUP_TTL_MS, true),
    commandTimeoutMs: positiveNumber('commandTimeoutMs', commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS),
  };
}

function claimResult(reply: unknown, keys: readonly string[]): ClaimResult {
  const index = typeof reply === 'number' ? reply : Number.NaN;
  if (index === 0) return { status: 'claimed' };
  const key = keys[Math.abs(index) - 1];
  if (key === undefined) throw new Error(`unexpected reply from the claim script: ${String(reply)}`);
  return { status: index > 0 ? 'done' : 'processing', key };
}

/**
 * A {@link DeliveryStore} in Redis, shared by every instance of an app. A claim is one Lua script (all keys or
 * none) that stores a lease token for `leaseMs`; success records the keys for `ttlMs`; failure deletes the claim
 * at once if it still holds our token. One round trip per store call; none is queued while Redis is down.
 *
 * @example
 * const client = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const mp = mercadoPagoNotifications({ secret, accessToken, store: redisStore({ client }) });
 */
export function redisStore(options: Readonly<RedisStoreOptions>): DeliveryStore {
  const { client, prefix, leaseMs, ttlMs, commandTimeoutMs } = normalizeRedisStoreOptions(options);
  const redis = createRedisCommands(client, commandTimeoutMs);
  /** Lease token of every key this process holds a claim on. */
  const held = new Map<string, string>();
  const redisKeys = (keys: readonly string[]): string[] => keys.map((key) => prefix + key);

  async function release(keys: readonly string[]): Promise<void> {
    const ours = keys.flatMap((key) => {
      const owned = held.get(key);
      held.delete(key);
      return owned === undefined ? [] : [[key, owned] as const];
    });
    if (ours.length === 0) return;
    await redis.eval(
      RELEASE,
      redisKeys(ours.map(([key]) => key)),
      ours.map(([, owned]) => owned),
    );
  }

  return {
    ttlMs,
    leaseMs,
    async claim(keys) {
      const token = randomUUID();
      let reply: unknown;
      try {
        reply = await redis.eval(CLAIM, redisKeys(keys), [token, String(leaseMs)]);
      } catch (error) {
        // A claim that timed out may still run in Redis: undo it. Commands on one connection run in order, so
        // this runs right after it, before any later claim (hence by source: a NOSCRIPT retry would come after
        // them). When Redis is down it fails too and the lease simply expires.
        redis
          .evalInOrder(
            RELEASE,
            redisKeys(keys),
            keys.map(() => token),
          )
          .catch(() => undefined);
        throw error;
      }
      const result = claimResult(reply, keys);
      if (result.status === 'claimed') for (const key of keys) held.set(key, token);
      return result;
    },
    async complete(keys) {
      await redis.eval(COMPLETE, redisKeys(keys), [DONE, String(ttlMs)]);
      for (const key of keys) held.delete(key);
    },
    release: (keys) => release(keys),
    async has(key) {
      return (await redis.get(prefix + key)) === DONE;
    },
  };
}
