/**
 * The near cache of the Redis store: in this process, the revocation records Redis said were
 * absent, so that checking a token that is not revoked costs no round trip.
 *
 * The bound: an answer "absent" is served at most `maxStaleness` after the read that produced it
 * was sent. A read sent after a revocation was acknowledged sees it, so a check answers "not
 * revoked" at most `maxStaleness` after `revoke()` resolved, whatever happens to the invalidations
 * (lost, late, or the subscriber gone). Invalidations are what makes it quicker than the bound:
 * every write of a record publishes its key, and each process drops it from its cache at once.
 *
 * The cache answers only while its channel is known to work. It publishes a beat of its own every
 * quarter of the bound (every 50 ms while it is not answering) and stops answering (the store reads Redis) once none has come back for
 * half of it, or at once when the subscriber's connection reports a close; it starts again with
 * an empty cache when a beat arrives. A read in flight while any invalidation arrives is not
 * cached: the invalidation could be about it.
 */

/** The part of a subscriber client used: ioredis (`subscribe` + 'message' events) or node-redis (`subscribe(channel, listener)`). */
export interface SubscriberLike {
  subscribe(...args: never[]): Promise<unknown>;
}

export interface NearCache {
  /** Whether `key` is known absent (fresh, and the channel alive). */
  absent(key: string, now: number): boolean;
  /** A token taken before a read; `remember` caches its answers only if nothing was invalidated since. */
  begin(): number;
  remember(keys: readonly string[], sentAt: number, token: number): void;
  close(): Promise<void>;
}

export interface NearCacheSettings {
  subscriber: SubscriberLike;
  channel: string;
  /** Milliseconds. */
  maxStaleness: number;
  max: number;
  publish(message: string): Promise<unknown>;
}

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
  const { channel, maxStaleness, max, publish } = settings;
  const subscriber = settings.subscriber as unknown as Loose;
  const absent = new Map<string, number>();
  const id = Math.random().toString(36).slice(2);
  let generation = 0;
  /** When the last beat that came back was sent (ms); the cache answers while it is recent. */
  let heard = Number.NEGATIVE_INFINITY;

  const drop = () => {
    generation++;
    heard = Number.NEGATIVE_INFINITY;
    absent.clear();
  };
  const onMessage = (message: string) => {
    if (message.startsWith(BEAT)) {
      const [, from, sentAt] = message.split(':');
      if (from !== id) return;
      if (heard === Number.NEGATIVE_INFINITY) {
        // Back from a drop: reads sent meanwhile may have missed invalidations.
        generation++;
        absent.clear();
      }
      heard = Math.max(heard, Number(sentAt));
      return;
    }
    generation++;
    absent.delete(message);
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

  const period = Math.max(10, Math.floor(maxStaleness / 4));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const beat = () => {
    if (closed) return;
    publish(`${BEAT}${id}:${Date.now()}`).catch(drop);
    // Quicker while down: the cache answers again as soon as one beat makes the round.
    timer = setTimeout(beat, heard === Number.NEGATIVE_INFINITY ? Math.min(period, 50) : period);
    (timer as { unref?: () => void }).unref?.();
  };
  beat();

  return {
    absent(key, now) {
      if (now - heard > maxStaleness / 2) return false;
      const until = absent.get(key);
      if (until === undefined) return false;
      if (now < until) return true;
      absent.delete(key);
      return false;
    },
    begin: () => generation,
    remember(keys, sentAt, token) {
      if (token !== generation || Date.now() - heard > maxStaleness / 2) return;
      for (const key of keys) {
        if (absent.size >= max && !absent.has(key)) {
          // Full: forget the oldest (a forgotten "absent" only costs a read).
          const oldest = absent.keys().next().value;
          if (oldest !== undefined) absent.delete(oldest);
        }
        absent.set(key, sentAt + maxStaleness);
      }
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
