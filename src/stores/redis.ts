/**
 * The Redis store, over a client the application already has: `ioredis` (`Redis` or `Cluster`) or
 * `node-redis` (`createClient` or `createCluster`, v4 and later). jwtkit depends on none of them;
 * it sends raw commands through the client's own `call` or `sendCommand` (redis-client.ts).
 *
 * - Every key carries its expiry, so Redis drops entries with the tokens they are about and memory
 *   stays bounded. The expiry is absolute (`PXAT`, Redis 6.2 and later), computed from this
 *   process's clock: the clock the tokens' `exp` come from, so a record about a token ends when
 *   the token does, however long the command took to arrive (and a test's clock drives both).
 * - `add` is `SET NX PX`; `swap` is one Lua script (compare and set in one step on the server):
 *   two servers refreshing the same token cannot both win, unlike a read followed by a write.
 * - On a cluster, every command names one key, and `getMany` reads one key at a time, all at once
 *   (one round trip of time): a token's jti, sid and sub records live in different slots, and
 *   hash tags cannot join them (a session is revoked knowing only its sid).
 * - A write is acknowledged once `replicas` replicas have it (`WAIT`; by default one on a cluster,
 *   none on a single server): a failover then keeps every acknowledged revocation.
 * - A command that fails or takes longer than `timeout` is an ERR_STORE_UNAVAILABLE: callers fail
 *   closed (the middleware answers 503) instead of waiting on a client's offline queue.
 */
import { InvalidOptionError, StoreUnavailableError } from '../errors.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import { monotonic, type NearCache, type SubscriberLike, startNearCache } from './near-cache.js';
import { connectionOf, type IORedisLike, type NodeRedisLike } from './redis-client.js';
import { checkTTL, type Store } from './types.js';

export type { SubscriberLike } from './near-cache.js';
export type { IORedisLike, NodeRedisLike } from './redis-client.js';

export interface RedisStoreOptions {
  /** Prefix of every key (default `jwtkit:`), so that jwtkit's keys stay apart from the application's. */
  prefix?: string;
  /** Longest wait for one command (seconds or a duration string; default 2 s). */
  timeout?: number | string;
  /**
   * Replicas that must have a write before it is acknowledged (`WAIT`): default 1 on a cluster
   * client, 0 on a single server. When fewer answer within `replicaTimeout`, the write fails with
   * ERR_STORE_UNAVAILABLE (it may still be on the master: a revocation retried is harmless).
   */
  replicas?: number;
  /** How long a write waits for its replicas (seconds or a duration string; default 0.5 s, less than `timeout`). */
  replicaTimeout?: number | string;
  /**
   * Opt-in near cache of revocation records (what Redis answered, absent mostly), in this process, invalidated through
   * Redis pub/sub on `subscriber` (a second connection: a subscribed client sends nothing else).
   * A check answers "not revoked" at most `maxStaleness` (default 1 s) after a revocation was
   * acknowledged, whatever happens to the invalidations; usually within a few milliseconds.
   */
  nearCache?: { subscriber: SubscriberLike; maxStaleness?: number | string; max?: number };
}

/** The Redis store: a {@link Store}, and `close()` to stop its near cache (the clients stay the application's). */
export interface RedisStore extends Store {
  close(): Promise<void>;
}

/**
 * The keys the near cache holds and every write of which is published: the revocation list's
 * records (src/issuer/revocation.ts), read on every request, written rarely.
 */
const CACHED = 'revoked:';

const SWAP = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
  return 1
end
return 0`;

const REDIS_STORE_OPTIONS = /* @__PURE__ */ optionNames<RedisStoreOptions>()([
  'prefix',
  'timeout',
  'replicas',
  'replicaTimeout',
  'nearCache',
]);
const NEAR_CACHE_OPTIONS = /* @__PURE__ */ optionNames<NonNullable<RedisStoreOptions['nearCache']>>()([
  'subscriber',
  'maxStaleness',
  'max',
]);

/**
 * Makes a store on Redis, shared by every process that uses the same server (or cluster) and prefix.
 *
 * @example
 * ```ts
 * import Redis, { Cluster } from 'ioredis';
 * const store = createRedisStore(new Redis(process.env.REDIS_URL), { prefix: 'myapp:jwt:' });
 * // a cluster; each write waits for one replica; revocation checks served from a near cache
 * const cluster = new Cluster([{ host: '10.0.0.1', port: 6379 }]);
 * const shared = createRedisStore(cluster, { nearCache: { subscriber: cluster.duplicate(), maxStaleness: '1s' } });
 * ```
 */
export function createRedisStore(client: IORedisLike | NodeRedisLike, options: RedisStoreOptions = {}): RedisStore {
  checkOptionNames(options, REDIS_STORE_OPTIONS);
  if (options.nearCache !== undefined) checkOptionNames(options.nearCache, NEAR_CACHE_OPTIONS, 'nearCache');
  const { prefix = 'jwtkit:' } = options;
  if (typeof prefix !== 'string') throw new InvalidOptionError('prefix', 'must be a string');
  const timeout = parseDuration(options.timeout ?? 2, 'timeout') * 1000;
  if (timeout <= 0) throw new InvalidOptionError('timeout', 'must be greater than 0');
  const connection = connectionOf(client);
  const replicas = options.replicas ?? (connection.cluster ? 1 : 0);
  if (!Number.isSafeInteger(replicas) || replicas < 0)
    throw new InvalidOptionError('replicas', 'must be a whole number of replicas (0 or more)');
  const replicaTimeout = Math.ceil(parseDuration(options.replicaTimeout ?? 0.5, 'replicaTimeout') * 1000);
  if (replicaTimeout <= 0 || replicaTimeout >= timeout)
    throw new InvalidOptionError('replicaTimeout', 'must be greater than 0 and less than timeout');
  const channel = `${prefix}invalidate`;

  const run = <T>(what: string, work: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`Redis did not answer ${what} within ${timeout} ms`)), timeout);
    });
    const answer = Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) throw error;
        throw new StoreUnavailableError(`Redis ${what} failed: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      });
    return Promise.race([answer, late]).finally(() => clearTimeout(timer));
  };
  const send = (args: string[], key?: string) => run(args[0] as string, () => connection.send(args, key));
  /** A write, then WAIT for its replicas, then (for a revocation record) its invalidation, on the key's node. */
  const write = async (key: string, args: string[]): Promise<unknown> => {
    const commands = [args];
    if (replicas > 0) commands.push(['WAIT', String(replicas), String(replicaTimeout)]);
    if (key.startsWith(prefix + CACHED)) commands.push(['PUBLISH', channel, key.slice(prefix.length)]);
    // This process's own checks see its write at once, not when the invalidation comes round; the
    // second forget covers a read sent before the write and answered after it.
    const cached = near !== undefined && key.startsWith(prefix + CACHED) ? key.slice(prefix.length) : undefined;
    if (cached !== undefined) near?.forget(cached);
    const results = await run(args[0] as string, () => connection.sequence(key, commands)).finally(() => {
      if (cached !== undefined) near?.forget(cached);
    });
    if (replicas > 0 && !(Number(results[1]) >= replicas))
      throw new StoreUnavailableError(
        `Redis ${args[0]}: ${Number(results[1]) || 0} of ${replicas} replicas acknowledged it within ${replicaTimeout} ms`,
      );
    return results[0];
  };

  let near: NearCache | undefined;
  if (options.nearCache !== undefined) {
    const { subscriber, maxStaleness = 1, max = 100_000 } = options.nearCache;
    if (typeof subscriber?.subscribe !== 'function')
      throw new InvalidOptionError('nearCache.subscriber', 'must be an ioredis or node-redis client to subscribe with');
    const bound = parseDuration(maxStaleness, 'nearCache.maxStaleness') * 1000;
    if (bound <= 0) throw new InvalidOptionError('nearCache.maxStaleness', 'must be greater than 0');
    if (!Number.isSafeInteger(max) || max <= 0) throw new InvalidOptionError('nearCache.max', 'must be a positive integer');
    near = startNearCache({
      subscriber,
      channel,
      maxStaleness: bound,
      max,
      publish: (message) => connection.send(['PUBLISH', channel, message]),
      fetch: (keys) => fetch(keys),
    });
  }

  /** The absolute expiry (ms since the epoch) of an entry written now for `ttl` ms. */
  const at = (ttl: number) => String(Date.now() + checkTTL(ttl));
  const text = (value: unknown): string | undefined =>
    value === null || value === undefined ? undefined : typeof value === 'string' ? value : String(value);

  const fetch = async (keys: readonly string[]): Promise<(string | undefined)[]> => {
    if (keys.length === 1 || connection.cluster) {
      return Promise.all(keys.map(async (key) => text(await send(['GET', prefix + key], prefix + key))));
    }
    const values = await send(['MGET', ...keys.map((key) => prefix + key)]);
    if (!Array.isArray(values)) throw new StoreUnavailableError('Redis MGET answered something other than a list');
    return values.map(text);
  };
  const read = (keys: readonly string[]): Promise<(string | undefined)[]> => {
    if (near === undefined) return fetch(keys);
    // The common case, every answer cached: no round trip. Only revocation records are ever cached,
    // so a key of another kind simply misses.
    const hits = near.lookupAll(keys, monotonic());
    return hits !== undefined ? Promise.resolve(hits) : readThrough(near, keys);
  };
  const readThrough = async (cache: NearCache, keys: readonly string[]): Promise<(string | undefined)[]> => {
    const now = monotonic();
    const known = new Map<string, string | undefined>();
    for (const key of keys) {
      const cached = key.startsWith(CACHED) ? cache.lookup(key, now) : undefined;
      if (cached !== undefined) known.set(key, cached.value);
    }
    const missing = keys.filter((key) => !known.has(key));
    if (missing.length > 0) {
      const token = cache.begin();
      const sentAt = monotonic();
      const values = await fetch(missing);
      for (let i = 0; i < missing.length; i++) known.set(missing[i] as string, values[i]);
      const cached = missing.flatMap((key, i) => (key.startsWith(CACHED) ? [i] : []));
      cache.remember(
        cached.map((i) => missing[i] as string),
        cached.map((i) => values[i]),
        sentAt,
        token,
      );
    }
    return keys.map((key) => known.get(key));
  };

  return {
    async get(key) {
      return (await read([key]))[0];
    },
    getMany(keys) {
      return keys.length === 0 ? Promise.resolve([]) : read(keys);
    },
    async set(key, value, ttl) {
      await write(prefix + key, ['SET', prefix + key, value, 'PXAT', at(ttl)]);
    },
    async add(key, value, ttl) {
      return (await write(prefix + key, ['SET', prefix + key, value, 'PXAT', at(ttl), 'NX'])) !== null;
    },
    async swap(key, expected, value, ttl) {
      return Number(await write(prefix + key, ['EVAL', SWAP, '1', prefix + key, expected, value, at(ttl)])) === 1;
    },
    async delete(key) {
      await write(prefix + key, ['DEL', prefix + key]);
    },
    async close() {
      await near?.close();
    },
  };
}
