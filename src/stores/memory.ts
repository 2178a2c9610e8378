/**
 * The embedded store: a Map in this process, each entry with its expiry. Expired entries go when
 * read, and all of them in one sweep when the store is at its bound and one of them can have
 * expired. A store that is still full after a sweep refuses new entries (ERR_STORE_UNAVAILABLE)
 * rather than forget one: a forgotten revocation would bring a revoked token back.
 */
import { InvalidOptionError, StoreUnavailableError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { checkTTL, type Store } from './types.js';

export interface MemoryStoreOptions {
  /** The most entries kept (default 100,000). */
  max?: number;
}

const MEMORY_STORE_OPTIONS = /* @__PURE__ */ optionNames<MemoryStoreOptions>()(['max']);

interface Entry {
  value: string;
  expires: number;
}

/**
 * Makes a memory store: for one process (tests, a single server, the demo). Processes that must
 * agree (several servers) need a shared store: {@link createRedisStore}.
 *
 * @example
 * ```ts
 * const revocations = createRevocationList(createMemoryStore({ max: 50_000 }));
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  checkOptionNames(options, MEMORY_STORE_OPTIONS);
  const { max = 100_000 } = options;
  if (!Number.isSafeInteger(max) || max <= 0) throw new InvalidOptionError('max', 'must be a positive integer');
  const entries = new Map<string, Entry>();
  // No entry expires before this (a lower bound, exact after each sweep): while a full store's
  // clock is short of it, a sweep would free nothing, so a refused write costs O(1), not a walk
  // over every entry.
  let earliest = Number.POSITIVE_INFINITY;

  const live = (key: string, now = Date.now()): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expires) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const room = (key: string) => {
    if (entries.has(key) || entries.size < max) return;
    const now = Date.now();
    if (now >= earliest) {
      earliest = Number.POSITIVE_INFINITY;
      for (const [name, entry] of entries) {
        if (now >= entry.expires) entries.delete(name);
        else if (entry.expires < earliest) earliest = entry.expires;
      }
    }
    if (entries.size >= max) throw new StoreUnavailableError(`the memory store is full (${max} live entries)`);
  };
  const put = (key: string, value: string, ttl: number) => {
    const expires = Date.now() + checkTTL(ttl);
    room(key);
    entries.set(key, { value, expires });
    if (expires < earliest) earliest = expires;
  };

  return {
    async get(key) {
      return live(key)?.value;
    },
    async getMany(keys) {
      const now = Date.now();
      return keys.map((key) => live(key, now)?.value);
    },
    async set(key, value, ttl) {
      put(key, value, ttl);
    },
    async add(key, value, ttl) {
      if (live(key) !== undefined) return false;
      put(key, value, ttl);
      return true;
    },
    async swap(key, expected, value, ttl) {
      if (live(key)?.value !== expected) return false;
      put(key, value, ttl);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
