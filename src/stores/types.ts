/**
 * The one small interface every store implements: string values under string keys, each with an
 * expiry, and the two atomic steps the issuer needs (add-if-absent, compare-and-swap). Revocation,
 * one-time tokens and refresh-token families are built on it, the same way on every store.
 */
export interface Store {
  /** The value under `key`, or undefined when there is none or it expired. */
  get(key: string): Promise<string | undefined>;
  /** Several values in one round trip, in the order of `keys`. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Stores `value` under `key` for `ttl` milliseconds, replacing what was there. */
  set(key: string, value: string, ttl: number): Promise<void>;
  /** Stores `value` for `ttl` ms only if `key` holds nothing; true when it was stored. Atomic. */
  add(key: string, value: string, ttl: number): Promise<boolean>;
  /** Replaces the value with `value` (for `ttl` ms) only if it is `expected` now; true when replaced. Atomic. */
  swap(key: string, expected: string, value: string, ttl: number): Promise<boolean>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
}

/** Checks a ttl: a positive whole number of milliseconds (an entry that never expires would make a store grow without bound). */
export function checkTTL(ttl: number): number {
  if (!Number.isFinite(ttl) || ttl <= 0) throw new RangeError('a store ttl must be a positive number of milliseconds');
  return Math.ceil(ttl);
}
