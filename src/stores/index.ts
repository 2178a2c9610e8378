/**
 * `jwtkit/stores`: where revocations, one-time tokens and refresh-token families live. `memory` is
 * the embedded default (one process); `redis` shares them between processes through a client the
 * application passes in (ioredis or node-redis).
 */
export { createMemoryStore, type MemoryStoreOptions } from './memory.js';
export {
  createRedisStore,
  type IORedisLike,
  type NodeRedisLike,
  type RedisStore,
  type RedisStoreOptions,
  type SubscriberLike,
} from './redis.js';
export type { Store } from './types.js';
