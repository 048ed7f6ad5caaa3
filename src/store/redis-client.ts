import { createHash } from 'node:crypto';
import { MercadoPagoNotificationError } from '../errors.js';
import { timeout } from '../in-flight.js';

/** The part of a node-redis client (`createClient()` from the `redis` package, v4 and later) that is used. */
export interface NodeRedisClientLike {
  /** Whether the connection is up; while it is not, commands are refused instead of queued. */
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
}

/** The part of an ioredis client (`new Redis()`) that is used. */
export interface IoRedisClientLike {
  /** `'ready'` while the connection is up; otherwise commands are refused instead of queued. */
  readonly status: string;
  call(command: string, args: string[]): Promise<unknown>;
}

/**
 * A connected Redis client, node-redis or ioredis, typed by the members used so that neither package is needed
 * to compile against this one. No connection is ever opened or closed here.
 */
export type RedisStoreClient = NodeRedisClientLike | IoRedisClientLike;

/** A Lua script and its SHA1, so it can be sent by hash (EVALSHA). */
export interface LuaScript {
  /** What the script does, for error messages. */
  readonly name: string;
  readonly source: string;
  readonly sha1: string;
}

export function luaScript(name: string, source: string): LuaScript {
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** The commands the Redis store sends: each refused at once while the client is not ready, and time-bounded. */
export interface RedisCommands {
  /** Runs `script` by hash, sending its source once when Redis does not have it yet (NOSCRIPT). */
  eval(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /**
   * Runs `script` by its source in one command, so that it keeps its place among the commands already sent on
   * the connection (the NOSCRIPT fallback of {@link eval} would send it again after later commands).
   */
  evalInOrder(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

function isNodeRedis(client: object): client is NodeRedisClientLike {
  const { isReady, sendCommand } = client as Partial<Record<keyof NodeRedisClientLike, unknown>>;
  return typeof isReady === 'boolean' && typeof sendCommand === 'function';
}

function isIoRedis(client: object): client is IoRedisClientLike {
  const { status, call } = client as Partial<Record<keyof IoRedisClientLike, unknown>>;
  return typeof status === 'string' && typeof call === 'function';
}

export function isRedisStoreClient(value: unknown): value is RedisStoreClient {
  return typeof value === 'object' && value !== null && (isNodeRedis(value) || isIoRedis(value));
}

function unavailable(message: string): MercadoPagoNotificationError {
  return new MercadoPagoNotificationError('STORE_UNAVAILABLE', message);
}

export function createRedisCommands(client: RedisStoreClient, commandTimeoutMs: number): RedisCommands {
  const [ready, send]: [() => string | undefined, (args: string[]) => Promise<unknown>] = isNodeRedis(client)
    ? [() => (client.isReady ? undefined : 'isReady is false'), (args) => client.sendCommand(args)]
    : [
        () => (client.status === 'ready' ? undefined : `status is "${client.status}"`),
        ([command = '', ...args]) => client.call(command, args),
      ];

  /**
   * Runs `work` only while the client is ready and gives up after commandTimeoutMs: a client's offline queue
   * would otherwise hold the delivery until Mercado Pago's own timeout, and Mercado Pago then retries anyway.
   */
  async function bounded(what: string, work: () => Promise<unknown>): Promise<unknown> {
    const notReady = ready();
    if (notReady !== undefined) {
      throw unavailable(`the Redis client is not ready (${notReady}): ${what} refused until it reconnects`);
    }
    const limit = timeout(commandTimeoutMs);
    const settled = await Promise.race([work().then((value) => ({ value })), limit.promise]).finally(
      limit.cancel,
    );
    if (settled === 'timeout') {
      throw unavailable(`Redis did not answer ${what} within commandTimeoutMs (${commandTimeoutMs} ms)`);
    }
    return settled.value;
  }

  return {
    eval: (script, keys, args) =>
      bounded(script.name, async () => {
        const rest = [String(keys.length), ...keys, ...args];
        try {
          return await send(['EVALSHA', script.sha1, ...rest]);
        } catch (error) {
          if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
          return send(['EVAL', script.source, ...rest]);
        }
      }),
    evalInOrder: (script, keys, args) =>
      bounded(script.name, () => send(['EVAL', script.source, String(keys.length), ...keys, ...args])),
    get: (key) => bounded('GET', () => send(['GET', key])),
  };
}
