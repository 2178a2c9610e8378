/**
 * The near cache of the Redis store: in this process, what Redis answered for revocation records
 * (absent, mostly), so that checking a token costs no round trip.
 *
 * The bound: an answer is served at most `maxStaleness` after the read that produced it was sent.
 * A read sent after a revocation was acknowledged sees it, so a check answers "not revoked" at
 * most `maxStaleness` after `revoke()` resolved, whatever happens to the invalidations (lost, late,
 * or the subscriber gone). A record found is cached under the same bound: a cached answer is what
 * the store held when the read was sent, so going stale can only mean an older state (absent, or a
 * subject's earlier cut-off), and the bound covers that exactly as it covers "absent". Invalidations are what makes it quicker than the bound:
 * every write of a record publishes its key, and each process drops it from its cache at once.
 *
 * The cache answers only while its channel is known to work. It publishes a beat of its own every
 * eighth of the bound (every 50 ms while it is not answering) and stops answering (the store reads
 * Redis) once none has come back for half of it (four beats missed: a busy event loop that runs a
 * timer late does not silence it), or at once when the subscriber's connection reports a close; it starts again with
 * an empty cache when a beat arrives. A read in flight while any invalidation arrives is not
 * cached: the invalidation could be about it.
 *
 * Refresh ahead: an answer that was served since it was fetched is read again, in batches of up
 * to `REFRESH_BATCH` keys (one `MGET` on a single server), once it has less than two beats of its
 * life left (a beat for the read to come back: each answer in use is read about once per bound,
 * not twice), so that a record checked continuously never expires in a request's path. The re-read is an
 * ordinary read (sent at a known time, cached under the same bound, discarded when an invalidation
 * arrived meanwhile): the bound is unchanged, only who pays the round trip is. Answers nobody asked
 * for since their last read are not refreshed; they expire.
 */

/**
 * The clock of every time the cache compares (reads sent, answers' ends, beats): monotonic, so a
 * wall clock stepped back (NTP, a resumed VM) cannot stretch the bound. Only this process reads it.
 */
export const monotonic = (): number => performance.now();

/** The part of a subscriber client used: ioredis (`subscribe` + 'message' events) or node-redis (`subscribe(channel, listener)`). */
export interface SubscriberLike {
  subscribe(...args: never[]): Promise<unknown>;
}

/** A cached answer: the record's value, undefined when it was absent. */
export interface Cached {
  value: string | undefined;
}

export interface NearCache {
  /** The answer cached for `key` when fresh and the channel alive (`now` from {@link monotonic}); undefined when Redis must be read. */
  lookup(key: string, now: number): Cached | undefined;
  /**
   * The answers cached for all of `keys` (each of which the cache holds), or undefined when any of
   * them must be read: the path of nearly every check, so one call and no allocation but the result.
   */
  lookupAll(keys: readonly string[], now: number): (string | undefined)[] | undefined;
  /** A token taken before a read; `remember` caches its answers only if nothing was invalidated since. */
  begin(): number;
  remember(keys: readonly string[], values: readonly (string | undefined)[], sentAt: number, token: number): void;
  /** Drops `key` at once: this process writes it (its own checks must not wait for the invalidation). */
  forget(key: string): void;
  close(): Promise<void>;
}

export interface NearCacheSettings {
  subscriber: SubscriberLike;
  channel: string;
  /** Milliseconds. */
  maxStaleness: number;
  max: number;
  publish(message: string): Promise<unknown>;
  /** Reads keys from Redis (the store's read, without the cache): the refresh ahead. */
  fetch(keys: readonly string[]): Promise<(string | undefined)[]>;
}

/** Keys per refresh read: one `MGET` of this many is cheap for Redis and for the client. */
const REFRESH_BATCH = 1000;

const BEAT = 'beat:';
const DOWN_EVENTS = ['close', 'end', 'error', 'reconnecting'];

type Loose = {
  call?: unknown;
  subscribe: (...args: unknown[]) => Promise<unknown>;
  unsubscribe?: (...args: unknown[]) => Promise<unknown>;
  on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
  off?: (event: string, listener: (...args: unknown[]) => void) => unknown;
};

export function startNearCache(settings: NearCacheSettings): NearCache {
  const { channel, maxStaleness, max, publish, fetch } = settings;
  const subscriber = settings.subscriber as unknown as Loose;
  /** `used`: served since it was fetched, so worth refreshing before it expires. */
  const answers = new Map<string, { value: string | undefined; until: number; used: boolean }>();
  const id = Math.random().toString(36).slice(2);
  let generation = 0;
  /** When the last beat that came back was sent (ms); the cache answers while it is recent. */
  let heard = Number.NEGATIVE_INFINITY;

  const drop = () => {
    generation++;
    heard = Number.NEGATIVE_INFINITY;
    answers.clear();
  };
  const onMessage = (message: string) => {
    if (message.startsWith(BEAT)) {
      const [, from, sentAt] = message.split(':');
      if (from !== id) return;
      if (heard === Number.NEGATIVE_INFINITY) {
        // Back from a drop: reads sent meanwhile may have missed invalidations.
        generation++;
        answers.clear();
      }
      heard = Math.max(heard, Number(sentAt));
      return;
    }
    generation++;
    answers.delete(message);
  };

  const ioredis = typeof subscriber.call === 'function';
  const ioListener = (from: unknown, message: unknown) => {
    if (from === channel && typeof message === 'string') onMessage(message);
  };
  // The cache answers once one of its beats comes back, so it need not wait for the subscription.
  if (ioredis) subscriber.on?.('message', ioListener);
  const subscribed = ioredis
    ? subscriber.subscribe(channel)
    : subscriber.subscribe(channel, (message: unknown) => {
        if (typeof message === 'string') onMessage(message);
      });
  subscribed.catch(drop);
  for (const event of DOWN_EVENTS) subscriber.on?.(event, drop);

  const period = Math.max(10, Math.floor(maxStaleness / 8));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let refreshing = false;
  const answering = (now: number) => now - heard <= maxStaleness / 2;
  const remember = (keys: readonly string[], values: readonly (string | undefined)[], sentAt: number, token: number) => {
    if (token !== generation || !answering(monotonic())) return;
    const until = sentAt + maxStaleness;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const value = values[i];
      const known = answers.get(key);
      if (known !== undefined) {
        // Renewed in place (the refresh ahead renews every answer in use once per bound): no new
        // object, and the Map keeps the key it has.
        known.value = value;
        known.until = until;
        known.used = false;
        continue;
      }
      if (answers.size >= max) {
        // Full: forget the oldest (a forgotten answer only costs a read).
        const oldest = answers.keys().next().value;
        if (oldest !== undefined) answers.delete(oldest);
      }
      answers.set(key, { value, until, used: false });
    }
  };
  const refresh = async () => {
    const now = monotonic();
    if (refreshing || !answering(now)) return;
    const due: string[] = [];
    for (const [key, answer] of answers) if (answer.used && answer.until - now <= 2 * period) due.push(key);
    if (due.length === 0) return;
    refreshing = true;
    try {
      for (let start = 0; start < due.length && !closed; start += REFRESH_BATCH) {
        const keys = due.slice(start, start + REFRESH_BATCH);
        const token = generation;
        const sentAt = monotonic();
        remember(keys, await fetch(keys), sentAt, token);
      }
    } catch {
      // Unrefreshed answers expire as they would have; a request then reads Redis (and fails closed).
    } finally {
      refreshing = false;
    }
  };
  const beat = () => {
    if (closed) return;
    publish(`${BEAT}${id}:${monotonic()}`).catch(drop);
    void refresh();
    // Quicker while down: the cache answers again as soon as one beat makes the round.
    timer = setTimeout(beat, heard === Number.NEGATIVE_INFINITY ? Math.min(period, 50) : period);
    (timer as { unref?: () => void }).unref?.();
  };
  beat();

  return {
    lookup(key, now) {
      if (!answering(now)) return undefined;
      const answer = answers.get(key);
      if (answer === undefined) return undefined;
      if (now < answer.until) {
        if (!answer.used) answer.used = true;
        return answer;
      }
      answers.delete(key);
      return undefined;
    },
    lookupAll(keys, now) {
      if (!answering(now)) return undefined;
      const values = new Array<string | undefined>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const answer = answers.get(keys[i] as string);
        if (answer === undefined || now >= answer.until) return undefined;
        if (!answer.used) answer.used = true;
        values[i] = answer.value;
      }
      return values;
    },
    begin: () => generation,
    remember,
    forget(key) {
      generation++;
      answers.delete(key);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const event of DOWN_EVENTS) subscriber.off?.(event, drop);
      if (ioredis) subscriber.off?.('message', ioListener);
      drop();
      await subscriber.unsubscribe?.(channel)?.catch(() => undefined);
    },
  };
}
