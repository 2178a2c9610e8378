/**
 * The Redis store, over a client the application already has: `ioredis` or `node-redis` (v4 and
 * later). jwtkit depends on neither; it sends raw commands through the client's own
 * `call` (ioredis) or `sendCommand` (node-redis).
 *
 * - Every key carries its expiry, so Redis drops entries with the tokens they are about and memory
 *   stays bounded. The expiry is absolute (`PXAT`, Redis 6.2 and later), computed from this
 *   process's clock: the clock the tokens' `exp` come from, so a record about a token ends when
 *   the token does, however long the command took to arrive (and a test's clock drives both).
 * - `add` is `SET NX PX`; `swap` is one Lua script (compare and set in one step on the server):
 *   two servers refreshing the same token cannot both win, unlike a read followed by a write.
 * - A command that fails or takes longer than `timeout` is an ERR_STORE_UNAVAILABLE: callers fail
 *   closed (the middleware answers 503) instead of waiting on a client's offline queue.
 */
import { InvalidOptionError, StoreUnavailableError } from '../errors.js';
import { parseDuration } from '../jwt/duration.js';
import { checkTTL, type Store } from './types.js';

/** The part of an ioredis client used here. */
export interface IORedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** The part of a node-redis client used here. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix of every key (default `jwtkit:`), so that jwtkit's keys stay apart from the application's. */
  prefix?: string;
  /** Longest wait for one command (seconds or a duration string; default 2 s). */
  timeout?: number | string;
}

const SWAP = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
  return 1
end
return 0`;

type Command = (args: string[]) => Promise<unknown>;

function commandOf(client: unknown): Command {
  const c = client as Partial<IORedisLike & NodeRedisLike> | null;
  if (c !== null && typeof c === 'object' && typeof c.sendCommand === 'function' && typeof c.call !== 'function') {
    const send = c.sendCommand.bind(c);
    return (args) => send(args);
  }
  if (c !== null && typeof c === 'object' && typeof c.call === 'function') {
    const call = c.call.bind(c);
    return ([command, ...args]) => call(command as string, ...args);
  }
  throw new InvalidOptionError('client', 'must be an ioredis or node-redis client');
}

/**
 * Makes a store on Redis, shared by every process that uses the same server and prefix.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const store = createRedisStore(new Redis(process.env.REDIS_URL), { prefix: 'myapp:jwt:' });
 * ```
 */
export function createRedisStore(client: IORedisLike | NodeRedisLike, options: RedisStoreOptions = {}): Store {
  const { prefix = 'jwtkit:' } = options;
  if (typeof prefix !== 'string') throw new InvalidOptionError('prefix', 'must be a string');
  const timeout = parseDuration(options.timeout ?? 2, 'timeout') * 1000;
  if (timeout <= 0) throw new InvalidOptionError('timeout', 'must be greater than 0');
  const send = commandOf(client);

  const run = (args: string[]): Promise<unknown> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`Redis did not answer ${args[0]} within ${timeout} ms`)),
        timeout,
      );
    });
    const answer = Promise.resolve()
      .then(() => send(args))
      .catch((error: unknown) => {
        throw new StoreUnavailableError(`Redis ${args[0]} failed: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
      });
    return Promise.race([answer, late]).finally(() => clearTimeout(timer));
  };
  /** The absolute expiry (ms since the epoch) of an entry written now for `ttl` ms. */
  const at = (ttl: number) => String(Date.now() + checkTTL(ttl));
  const text = (value: unknown): string | undefined =>
    value === null || value === undefined ? undefined : typeof value === 'string' ? value : String(value);

  return {
    async get(key) {
      return text(await run(['GET', prefix + key]));
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await run(['MGET', ...keys.map((key) => prefix + key)]);
      if (!Array.isArray(values)) throw new StoreUnavailableError('Redis MGET answered something other than a list');
      return values.map(text);
    },
    async set(key, value, ttl) {
      await run(['SET', prefix + key, value, 'PXAT', at(ttl)]);
    },
    async add(key, value, ttl) {
      return (await run(['SET', prefix + key, value, 'PXAT', at(ttl), 'NX'])) !== null;
    },
    async swap(key, expected, value, ttl) {
      return Number(await run(['EVAL', SWAP, '1', prefix + key, expected, value, at(ttl)])) === 1;
    },
    async delete(key) {
      await run(['DEL', prefix + key]);
    },
  };
}
