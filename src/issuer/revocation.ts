/**
 * Revocation on a store: single tokens by `jti`, every token of a session (`sid`), and "log out
 * everywhere" by subject (a cut-off: tokens issued before it are revoked); one-time tokens (a `jti`
 * accepted once, for links such as a password reset). Every entry expires when the longest-lived
 * token it must refuse can no longer be valid (`maxTokenLifetime`, refresh tokens included, plus the
 * clock tolerance), and not before: a record that went earlier would bring its tokens back.
 *
 * `isRevoked` plugs into the middleware. When the store cannot be reached it fails closed
 * (ERR_STORE_UNAVAILABLE, 503 through the middleware), unless `failOpen` allows a bounded window
 * in which tokens are accepted unchecked, with a warning.
 */
import { InvalidOptionError, JWTClaimError, StoreUnavailableError } from '../errors.js';
import type { JWTPayload } from '../index.js';
import { ownClaim } from '../jwt/claims.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import type { Store } from '../stores/types.js';

export interface RevocationOptions {
  /**
   * The longest lifetime of the tokens this list must refuse, refresh tokens included (default 1
   * day): how long a session's revocation and a subject's cut-off are kept. The token issuer makes
   * its own list with its refresh-token lifetime, and refuses one that keeps entries for less.
   */
  maxTokenLifetime?: number | string;
  /** Clock tolerance of the verifiers, added to every entry's life (default 60 s). */
  clockTolerance?: number | string;
  /**
   * Accept tokens unchecked while the store is unreachable, for at most this long from the first
   * failure (seconds or a duration string). Off by default: an unreachable store fails closed.
   */
  failOpen?: number | string;
  /** Told once per outage when failOpen lets tokens through (default: console.warn). */
  onFailOpen?: (error: StoreUnavailableError) => void;
}

export interface RevocationList {
  /** How long (seconds) session revocations and subject cut-offs are kept: the option, parsed. */
  readonly maxTokenLifetime: number;
  /** Revokes one token by its `jti` until its `exp` (plus the clock tolerance). */
  revoke(payload: JWTPayload): Promise<void>;
  /** Revokes every token carrying this session id (`sid`), for `maxTokenLifetime` from now. */
  revokeSession(sid: string): Promise<void>;
  /**
   * "Log out everywhere": every token of `sub` issued before now (or `before`, in seconds) is
   * revoked. A cut-off only moves forward: a second call with an earlier `before` keeps the later one.
   */
  revokeSubject(sub: string, before?: number): Promise<void>;
  /** Whether a verified token is revoked (by jti, sid or its subject's cut-off): the middleware's `isRevoked`. */
  isRevoked(payload: JWTPayload): Promise<boolean>;
  /** The subject's cut-off (seconds), if one is set. */
  subjectCutoff(sub: string): Promise<number | undefined>;
  /**
   * Whether a session has been ended: its `sid` revoked, or its subject cut off at or after
   * `startedAt` (seconds). One round trip; always fails closed (`failOpen` does not apply): the
   * token issuer asks it before it hands out new tokens for the session.
   */
  isSessionRevoked(session: { sid: string; sub: string; startedAt: number }): Promise<boolean>;
  /** Accepts a one-time token's `jti` once: true the first time, false on every replay until its `exp`. */
  consumeOnce(payload: JWTPayload): Promise<boolean>;
}

const REVOCATION_OPTIONS = /* @__PURE__ */ optionNames<RevocationOptions>()([
  'maxTokenLifetime',
  'clockTolerance',
  'failOpen',
  'onFailOpen',
]);
const SESSION_NAMES = /* @__PURE__ */ optionNames<Parameters<RevocationList['isSessionRevoked']>[0]>()([
  'sid',
  'sub',
  'startedAt',
]);

const KEYS = {
  jti: (jti: string) => `revoked:jti:${jti}`,
  sid: (sid: string) => `revoked:sid:${sid}`,
  sub: (sub: string) => `revoked:sub:${sub}`,
  once: (jti: string) => `used:jti:${jti}`,
};

function idClaim(payload: JWTPayload, claim: 'jti' | 'sid' | 'sub'): string | undefined {
  const value = ownClaim(payload, claim);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new JWTClaimError(claim, 'invalid', `"${claim}" must be a non-empty string`);
  return value;
}

/**
 * Makes a revocation list on a store.
 *
 * @example
 * ```ts
 * const revocations = createRevocationList(createRedisStore(redis), { maxTokenLifetime: '15m' });
 * app.use(jwtAuth({ key: ring.resolver, algorithms: ['ES256'], isRevoked: revocations.isRevoked }));
 * await revocations.revoke(req.auth.payload); // log out
 * ```
 */
export function createRevocationList(store: Store, options: RevocationOptions = {}): RevocationList {
  if (typeof store?.getMany !== 'function')
    throw new InvalidOptionError('store', 'must be a store (createMemoryStore, createRedisStore)');
  checkOptionNames(options, REVOCATION_OPTIONS);
  const maxLifetime = parseDuration(options.maxTokenLifetime ?? 86_400, 'maxTokenLifetime') * 1000;
  const tolerance = parseDuration(options.clockTolerance ?? 60, 'clockTolerance') * 1000;
  const failOpen = options.failOpen === undefined ? undefined : parseDuration(options.failOpen, 'failOpen') * 1000;
  if (maxLifetime <= 0) throw new InvalidOptionError('maxTokenLifetime', 'must be greater than 0');
  const warn =
    options.onFailOpen ??
    ((error) => console.warn(`jwtkit: revocation store unreachable; accepting tokens unchecked (${error.message})`));
  let outageSince: number | undefined;
  /**
   * The record keys of payloads checked before, with the claims they were built from. A verifier
   * with a cache hands out the same payload object for the same token, so its keys are built once
   * and are the same string objects every time: a store's Map finds them by identity instead of
   * hashing and comparing new strings (most of the cost of a check answered in memory). The claims
   * are compared on every use, so a payload changed since is read afresh.
   */
  const checked = new WeakMap<object, { jti?: string; sid?: string; sub?: string; keys: readonly string[] }>();

  /** Milliseconds until a token with this exp can no longer be valid anywhere. */
  const lifeOf = (exp: unknown) =>
    (typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 - Date.now() : maxLifetime) + tolerance;
  /**
   * Milliseconds a record about tokens issued up to `issuedUntil` (ms) must live: the last of them
   * lives `maxTokenLifetime` from then, and a refresh family rotated up to now lives that long from
   * now (rotation renews it), so the later of the two counts.
   */
  const keepFor = (issuedUntil: number) => {
    const now = Date.now();
    return Math.max(issuedUntil, now) + maxLifetime + tolerance - now;
  };

  /** Writes `before` as the subject's cut-off unless a later one is there; a bounded compare-and-swap loop. */
  const raiseCutoff = async (key: string, before: number) => {
    for (let attempt = 0; attempt < 16; attempt++) {
      const current = await store.get(key);
      const cutoff = current === undefined ? before : Math.max(Number(current), before);
      const value = String(cutoff);
      const ttl = keepFor(cutoff * 1000);
      // Rewriting an equal cut-off still renews its life: families rotated since the first write
      // must be refused for as long as the rotation lets them live.
      if (current === undefined ? await store.add(key, value, ttl) : await store.swap(key, current, value, ttl)) return;
    }
    throw new StoreUnavailableError('the subject cut-off kept changing under 16 attempts to raise it');
  };

  const list: RevocationList = {
    maxTokenLifetime: maxLifetime / 1000,
    async revoke(payload) {
      const jti = idClaim(payload, 'jti');
      if (jti === undefined) throw new JWTClaimError('jti', 'missing', 'only a token with a "jti" can be revoked alone');
      const ttl = lifeOf(ownClaim(payload, 'exp'));
      if (ttl > 0) await store.set(KEYS.jti(jti), '1', ttl);
    },
    async revokeSession(sid) {
      if (typeof sid !== 'string' || sid === '') throw new InvalidOptionError('sid', 'must be a non-empty string');
      await store.set(KEYS.sid(sid), '1', keepFor(Date.now()));
    },
    async revokeSubject(sub, before = Date.now() / 1000) {
      if (typeof sub !== 'string' || sub === '') throw new InvalidOptionError('sub', 'must be a non-empty string');
      if (!Number.isFinite(before)) throw new InvalidOptionError('before', 'must be a NumericDate');
      await raiseCutoff(KEYS.sub(sub), before);
    },
    async subjectCutoff(sub) {
      const value = await store.get(KEYS.sub(sub));
      return value === undefined ? undefined : Number(value);
    },
    async isSessionRevoked(session) {
      checkOptionNames(session, SESSION_NAMES, 'session');
      const { sid, sub, startedAt } = session;
      const [revoked, cutoff] = await store.getMany([KEYS.sid(sid), KEYS.sub(sub)]);
      return revoked !== undefined || (cutoff !== undefined && startedAt <= Number(cutoff));
    },
    isRevoked: async (payload) => {
      const jti = idClaim(payload, 'jti');
      const sid = idClaim(payload, 'sid');
      const sub = idClaim(payload, 'sub');
      let memo = checked.get(payload);
      if (memo === undefined || memo.jti !== jti || memo.sid !== sid || memo.sub !== sub) {
        const keys = [jti && KEYS.jti(jti), sid && KEYS.sid(sid), sub && KEYS.sub(sub)].filter((key) => typeof key === 'string');
        memo = { jti, sid, sub, keys: Object.freeze(keys) };
        checked.set(payload, memo);
      }
      const { keys } = memo;
      if (keys.length === 0) return false;
      let values: (string | undefined)[];
      try {
        values = await store.getMany(keys);
        outageSince = undefined;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || failOpen === undefined) throw error;
        const now = Date.now();
        if (outageSince === undefined) {
          outageSince = now;
          warn(error);
        }
        if (now - outageSince >= failOpen) throw error;
        return false;
      }
      let index = 0;
      if (jti !== undefined && values[index++] !== undefined) return true;
      if (sid !== undefined && values[index++] !== undefined) return true;
      if (sub !== undefined) {
        const cutoff = values[index];
        // iat is in whole seconds: a token from the cut-off's own second counts as before it (fail closed).
        const iat = ownClaim(payload, 'iat');
        if (cutoff !== undefined && !(typeof iat === 'number' && iat > Number(cutoff))) return true;
      }
      return false;
    },
    async consumeOnce(payload) {
      const jti = idClaim(payload, 'jti');
      if (jti === undefined) throw new JWTClaimError('jti', 'missing', 'a one-time token needs a "jti"');
      const ttl = lifeOf(ownClaim(payload, 'exp'));
      if (ttl <= 0) return false;
      return store.add(KEYS.once(jti), '1', ttl);
    },
  };
  return list;
}
