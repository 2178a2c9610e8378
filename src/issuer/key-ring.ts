/**
 * The key ring of an issuer: the signing keys, each with a kid (the RFC 7638 thumbprint unless
 * given), one current for signing, the next one published ahead of use, and retired ones kept for
 * verification until every token they can have signed has expired.
 *
 * - `rotate()` promotes the published next key to current, retires the old current, and generates
 *   a new next key. Because a key is in the JWKS before it signs anything, verifiers caching the
 *   JWKS (for as long as `Cache-Control` allows) never meet a token whose kid they cannot have.
 * - With `rotateEvery`, the ring rotates by itself when it signs after the current key's time is
 *   up. No timer runs: nothing keeps a process alive, and it works the same on Workers.
 * - Tokens signed through the ring must expire within `maxTokenLifetime`; a retired key is dropped
 *   once that (and the clock tolerance) has passed since it stopped signing.
 * - The JWKS holds public keys only; `exportPrivate()` is for the application's own secret storage.
 * - Keys may live in an HSM or a key service (`createExternalKey`): the ring publishes the public
 *   halves they were made with, and `generateKey` makes each new one there.
 */

import { parseJSON } from '../encoding/json.js';
import { InvalidOptionError, JWKSNoMatchingKeyError, type JWTKitError, KeyNotExtractableError } from '../errors.js';
import {
  createSigner,
  exportKey,
  externalPublicKey,
  generateKeyPair,
  importKey,
  type JWK,
  type JWKS,
  type JWSHeader,
  type JWTPayload,
  jwkThumbprint,
  type Key,
  type KeyMaterial,
  type KeyResolver,
  type Signer,
  type SignJWTOptions,
  signJWT,
} from '../index.js';
import { CLAIM_SET_NAMES } from '../jwt/claim-set.js';
import { parseDuration } from '../jwt/duration.js';
import { PRIVATE_JWK_MEMBERS } from '../keys/jwk.js';
import { pemKeyBlocks } from '../keys/pem.js';
import { checkOptionNames, optionNames } from '../options.js';
import { generateBounded } from './key-ring-generate.js';

export interface KeyRingOptions {
  /** The algorithm of every key of the ring (asymmetric: the ring publishes public keys). */
  alg:
    | 'RS256'
    | 'RS384'
    | 'RS512'
    | 'PS256'
    | 'PS384'
    | 'PS512'
    | 'ES256'
    | 'ES384'
    | 'ES512'
    | 'EdDSA'
    | 'Ed448'
    | 'ML-DSA-44'
    | 'ML-DSA-65'
    | 'ML-DSA-87';
  /**
   * Private keys to start from (PEM, JWK or Key), for instance from files or an environment
   * variable (see `keysFromText`): the first signs, the second (if any) is the published next key,
   * the rest are treated as just retired. Without keys, the ring generates its own.
   */
  keys?: readonly KeyMaterial[];
  /** Rotate when signing after the current key has signed this long (seconds or a duration string). */
  rotateEvery?: number | string;
  /** The longest lifetime of a token the ring signs (default 1 day); retired keys are kept this long. */
  maxTokenLifetime?: number | string;
  /** Verifiers' clock tolerance, added to how long retired keys are kept (default 60 s). */
  clockTolerance?: number | string;
  /** `Cache-Control: max-age` of the JWKS when there is no rotation schedule (default 5 min). */
  jwksMaxAge?: number | string;
  /** Defaults for every token signed (`issuer`, `audience`, `expiresIn`, `typ`, ...). */
  sign?: Omit<SignJWTOptions, 'alg' | 'kid'>;
  /**
   * Makes each new key the ring needs (the first ones when `keys` is empty, one per rotation):
   * for keys that live in an HSM or a key service, a function that creates one there and returns
   * it from `createExternalKey`. Without it the ring generates extractable keys in memory; a ring
   * given external keys needs it, so that it never mixes in keys of another kind.
   */
  generateKey?: (alg: KeyRingOptions['alg']) => Promise<Key>;
  /**
   * How long one `generateKey` call may take (seconds or a duration string; default 10, as an external key's calls). Past it the
   * call counts as failed (`ERR_EXTERNAL_KEY_UNAVAILABLE`, reason `timeout`), and a key it makes
   * later is not used.
   */
  generateKeyTimeout?: number | string;
  /**
   * After a rotation the ring started by itself failed, how long it signs on with the current key
   * before it tries again (seconds or a duration string; default 60): one attempt per period, not
   * one per `sign`.
   */
  rotationRetry?: number | string;
  /**
   * Told of each rotation the ring started by itself that failed (a typed error, the service's in
   * `cause`); signing goes on with the current key. A throw from it is ignored.
   */
  onRotationError?: (error: JWTKitError) => void;
}

const KEY_RING_OPTIONS = /* @__PURE__ */ optionNames<KeyRingOptions>()([
  'alg',
  'keys',
  'rotateEvery',
  'maxTokenLifetime',
  'clockTolerance',
  'jwksMaxAge',
  'sign',
  'generateKey',
  'generateKeyTimeout',
  'rotationRetry',
  'onRotationError',
]);
const RING_SIGN_OPTIONS = /* @__PURE__ */ optionNames<Omit<SignJWTOptions, 'alg' | 'kid'>>()([
  'typ',
  'cty',
  'header',
  'crit',
  ...CLAIM_SET_NAMES,
]);

/** The ring's sign options: alg and kid are the ring's own (a caller's would be silently replaced), then the names. */
function checkSignOptions(options: unknown, where?: string): void {
  if (typeof options !== 'object' || options === null) return;
  for (const name of ['alg', 'kid'])
    if (Object.hasOwn(options, name))
      throw new InvalidOptionError(
        where === undefined ? name : `${where}.${name}`,
        "the key ring sets alg and kid itself (the alg option of createKeyRing, the current key's kid)",
      );
  checkOptionNames(options, RING_SIGN_OPTIONS, where);
}

interface RingKey {
  readonly kid: string;
  readonly privateKey: Key;
  readonly publicKey: Key;
  readonly publicJWK: JWK;
  readonly signer: Signer<object>;
  /** When it became current (ms), or undefined while it is the next key. */
  activatedAt: number | undefined;
  /** When it stopped signing (ms). */
  retiredAt: number | undefined;
}

export interface KeyRing {
  /** The kid of the key that signs now. */
  readonly currentKid: string;
  /** Seconds a token signed through the ring may live at most (`maxTokenLifetime`). */
  readonly maxTokenLifetime: number;
  /** Signs claims with the current key (rotating first when the schedule says so). */
  sign<C extends object = JWTPayload>(claims: C, options?: Omit<SignJWTOptions, 'alg' | 'kid'>): Promise<string>;
  /** A key resolver over the ring's public keys, by kid: the `key` of createVerifier or the middleware. */
  readonly resolver: KeyResolver;
  /** Makes the next key current, retires the current one and publishes a new next key. */
  rotate(): Promise<void>;
  /** The public JWKS: current, next and still-needed retired keys, each with kid, alg and use. */
  jwks(): JWKS;
  /** Seconds the JWKS may be cached: until the rotation after the next one is due (see the module notes). */
  jwksMaxAge(): number;
  /** The `/.well-known/jwks.json` answer: body and headers (`Content-Type`, `Cache-Control`). */
  jwksResponse(): { status: 200; headers: Record<string, string>; body: string };
  /** The same as a fetch handler, for Hono, Deno.serve, Bun.serve and Workers. */
  handleJWKS(request?: Request): Response;
  /**
   * The private keys as a JWKS (current first, then next, then retired), for the application's
   * secret storage; each JWK also carries when it began and stopped signing, so that a ring made
   * from it keeps the schedule and drops retired keys on time.
   */
  exportPrivate(): Promise<JWKS>;
}

/** Members exportPrivate adds to each JWK: when the key began signing and when it stopped (ms). */
const ACTIVATED = 'x-jwtkit-activated';
const RETIRED = 'x-jwtkit-retired';

function publicPart(jwk: JWK): JWK {
  const copy: JWK = { ...jwk };
  for (const name of PRIVATE_JWK_MEMBERS) delete copy[name];
  for (const name of ['key_ops', 'ext', 'kid', 'use', ACTIVATED, RETIRED]) delete copy[name];
  // An AKP key names its parameter set in `alg` (RFC 9964), which its thumbprint covers too.
  if (copy.kty !== 'AKP') delete copy.alg;
  return copy;
}

function durationMs(value: unknown, option: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const seconds = parseDuration(value, option);
  if (seconds <= 0) throw new InvalidOptionError(option, 'must be greater than 0');
  return seconds * 1000;
}

const ALGORITHMS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed448',
  'ML-DSA-44',
  'ML-DSA-65',
  'ML-DSA-87',
]);

/**
 * Creates a key ring.
 *
 * @example
 * ```ts
 * const ring = await createKeyRing({ alg: 'ES256', rotateEvery: '1d', maxTokenLifetime: '15m', sign: { issuer: 'https://auth.example' } });
 * const token = await ring.sign({ sub: 'ada' }, { expiresIn: '15m' });
 * const verify = createVerifier({ key: ring.resolver, algorithms: ['ES256'], issuer: 'https://auth.example' });
 * ```
 */
export async function createKeyRing(options: KeyRingOptions): Promise<KeyRing> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, KEY_RING_OPTIONS);
  checkSignOptions(options.sign, 'sign');
  const { alg, keys = [], sign: defaults = {} } = options;
  if (!ALGORITHMS.has(alg))
    throw new InvalidOptionError('alg', 'must be an asymmetric JWS algorithm (a key ring publishes its public keys)');
  if (!Array.isArray(keys)) throw new InvalidOptionError('keys', 'must be an array of private keys');
  const rotateEvery = durationMs(options.rotateEvery, 'rotateEvery', undefined);
  const maxTokenLifetime = durationMs(options.maxTokenLifetime, 'maxTokenLifetime', 86_400_000) as number;
  const tolerance = (options.clockTolerance === undefined ? 60 : parseDuration(options.clockTolerance, 'clockTolerance')) * 1000;
  const unscheduledMaxAge = durationMs(options.jwksMaxAge, 'jwksMaxAge', 300_000) as number;

  const { generateKey, onRotationError } = options;
  if (generateKey !== undefined && typeof generateKey !== 'function')
    throw new InvalidOptionError('generateKey', 'must be a function');
  if (onRotationError !== undefined && typeof onRotationError !== 'function')
    throw new InvalidOptionError('onRotationError', 'must be a function');
  const generateKeyTimeout = durationMs(options.generateKeyTimeout, 'generateKeyTimeout', 10_000) as number;
  const rotationRetry = durationMs(options.rotationRetry, 'rotationRetry', 60_000) as number;

  const entry = async (privateKey: Key, kidGiven: string | undefined, option = 'keys'): Promise<RingKey> => {
    if (privateKey?.type !== 'private') throw new InvalidOptionError(option, 'must be private keys (the ring signs with them)');
    // An external key's private half stays in its service: the JWKS gets the public half it was made with.
    const publicJWK = publicPart(await exportKey(externalPublicKey(privateKey) ?? privateKey, 'jwk'));
    const kid = kidGiven ?? (await jwkThumbprint(publicJWK));
    const publicKey = await importKey(publicJWK, { alg, kid });
    const published = { ...publicJWK, kid, alg, use: 'sig' };
    const signer = createSigner<object>({ ...defaults, key: privateKey, alg, kid });
    return { kid, privateKey, publicKey, publicJWK: published, signer, activatedAt: undefined, retiredAt: undefined };
  };
  let external = false;
  const generated = async (): Promise<RingKey> => {
    if (generateKey !== undefined) {
      const made = await generateBounded(generateKey as Parameters<typeof generateBounded>[0], alg, generateKeyTimeout);
      return entry(made, made.kid, 'generateKey');
    }
    if (external)
      throw new InvalidOptionError(
        'generateKey',
        'the ring holds external keys (HSM, key service): give generateKey, so that new keys are made there and not in memory',
      );
    return entry((await generateKeyPair(alg, { extractable: true })).privateKey, undefined);
  };
  const loaded = async (material: KeyMaterial) => {
    const key = await importKey(material, { alg, extractable: true });
    const loadedKey = await entry(key, key.kid);
    // The ring's own times, written by exportPrivate, so that a ring loaded again keeps its schedule.
    const times = material as Partial<Record<typeof ACTIVATED | typeof RETIRED, unknown>>;
    if (typeof times[ACTIVATED] === 'number') loadedKey.activatedAt = times[ACTIVATED];
    if (typeof times[RETIRED] === 'number') loadedKey.retiredAt = times[RETIRED];
    return loadedKey;
  };

  const now = Date.now();
  const initial = await Promise.all(keys.map(loaded));
  external = initial.some((key) => externalPublicKey(key.privateKey) !== undefined);
  if (new Set(initial.map((key) => key.kid)).size !== initial.length)
    throw new InvalidOptionError('keys', 'two keys have the same kid');
  let current = initial[0] ?? (await generated());
  current.activatedAt ??= now;
  current.retiredAt = undefined;
  let next: RingKey | undefined =
    initial[1] ?? (rotateEvery !== undefined || initial.length === 0 ? await generated() : undefined);
  if (next !== undefined) next.activatedAt = undefined;
  let retired: RingKey[] = initial.slice(2).map((key) => Object.assign(key, { retiredAt: key.retiredAt ?? now }));
  const byKid = new Map<string, RingKey>();
  const index = () => {
    byKid.clear();
    for (const key of [current, next, ...retired]) if (key !== undefined) byKid.set(key.kid, key);
  };
  index();

  const dropTime = (key: RingKey) => (key.retiredAt as number) + maxTokenLifetime + tolerance;
  /** When the first retired key is due to go: until then, a lookup costs one comparison. */
  let nextDrop = Math.min(...retired.map(dropTime));
  /** Drops retired keys no unexpired token can still name. */
  const prune = (at: number) => {
    if (at < nextDrop) return;
    retired = retired.filter((key) => at < dropTime(key));
    nextDrop = Math.min(...retired.map(dropTime));
    index();
  };

  let rotating: Promise<void> | undefined;
  /** No rotation of the ring's own before this (ms): set by a failure, cleared by a success. */
  let retryAt = 0;
  const rotate = (): Promise<void> => {
    rotating ??= (async () => {
      // Every key is made before anything changes: a failure leaves the ring exactly as it was,
      // and the new state is then put in place in one synchronous step (no await in between).
      const fresh = await generated();
      const second = next === undefined ? await generated() : undefined;
      const at = Date.now();
      const promoted = next ?? fresh;
      current.retiredAt = at;
      retired = [current, ...retired];
      nextDrop = Math.min(nextDrop, dropTime(current));
      promoted.activatedAt = at;
      current = promoted;
      next = second ?? fresh;
      index();
      prune(at);
      retryAt = 0;
    })()
      .catch((error: unknown) => {
        retryAt = Date.now() + rotationRetry;
        throw error;
      })
      .finally(() => {
        rotating = undefined;
      });
    return rotating;
  };

  const due = (at: number) => rotateEvery !== undefined && at - (current.activatedAt as number) >= rotateEvery;

  /**
   * The rotation a sign finds due. A failure does not fail the sign: the current key signs on, the
   * ring tries again after rotationRetry, and onRotationError hears of it once (a sign that joins
   * a rotation someone else started leaves the telling to them).
   */
  const rotateOnSchedule = async (at: number): Promise<void> => {
    if (rotating === undefined && at < retryAt) return;
    const joined = rotating !== undefined;
    try {
      await rotate();
    } catch (error) {
      if (joined) return;
      try {
        onRotationError?.(error as JWTKitError);
      } catch {
        // The hook is for logging; its own failure must not fail the sign.
      }
    }
  };

  /** The exp the token will carry, in ms: the ring refuses tokens that would outlive its promise. */
  const expiryOf = (claims: object, perCall: Omit<SignJWTOptions, 'alg' | 'kid'> | undefined, at: number): number => {
    const exp = (claims as { exp?: unknown }).exp;
    if (typeof exp === 'number') return exp * 1000;
    const expiresIn = perCall?.expiresIn ?? defaults.expiresIn;
    if (expiresIn === undefined)
      throw new InvalidOptionError('expiresIn', 'tokens signed by a key ring must expire (give expiresIn or exp)');
    return at + parseDuration(expiresIn, 'expiresIn') * 1000;
  };

  const ring: KeyRing = {
    get currentKid() {
      return current.kid;
    },
    maxTokenLifetime: maxTokenLifetime / 1000,
    async sign<C extends object>(claims: C, perCall?: Omit<SignJWTOptions, 'alg' | 'kid'>) {
      checkSignOptions(perCall);
      const at = Date.now();
      if (due(at)) await rotateOnSchedule(at);
      if (expiryOf(claims, perCall, at) > at + maxTokenLifetime)
        throw new InvalidOptionError('expiresIn', `tokens signed by this key ring must expire within maxTokenLifetime`);
      const key = current;
      return perCall === undefined
        ? key.signer(claims)
        : signJWT(claims, key.privateKey, { ...defaults, ...perCall, alg, kid: key.kid });
    },
    resolver: (header: JWSHeader) => {
      prune(Date.now());
      const key = typeof header.kid === 'string' ? byKid.get(header.kid) : undefined;
      if (key === undefined) throw new JWKSNoMatchingKeyError('no key of the ring has this kid');
      return key.publicKey;
    },
    rotate,
    jwks() {
      prune(Date.now());
      return { keys: [current, next, ...retired].filter((key) => key !== undefined).map((key) => ({ ...key.publicJWK })) };
    },
    jwksMaxAge() {
      if (rotateEvery === undefined) return Math.floor(unscheduledMaxAge / 1000);
      // A set fetched now holds the next key; the first key it lacks signs from the rotation after next.
      const untilNext = Math.max(0, (current.activatedAt as number) + rotateEvery - Date.now());
      return Math.floor((untilNext + rotateEvery) / 1000);
    },
    jwksResponse() {
      return {
        status: 200,
        headers: { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': `public, max-age=${ring.jwksMaxAge()}` },
        body: JSON.stringify(ring.jwks()),
      };
    },
    handleJWKS() {
      const { status, headers, body } = ring.jwksResponse();
      return new Response(body, { status, headers });
    },
    async exportPrivate() {
      const keys = [current, next, ...retired].filter((key) => key !== undefined);
      if (keys.some((key) => externalPublicKey(key.privateKey) !== undefined))
        throw new KeyNotExtractableError(
          'the ring holds external keys (HSM, key service), whose private halves never leave their service; keep their ids and create the ring again with createExternalKey',
        );
      return {
        keys: await Promise.all(
          keys.map(async (key) => ({
            ...(await exportKey(key.privateKey, 'jwk')),
            kid: key.kid,
            alg,
            ...(key.activatedAt !== undefined && { [ACTIVATED]: key.activatedAt }),
            ...(key.retiredAt !== undefined && { [RETIRED]: key.retiredAt }),
          })),
        ),
      };
    },
  };
  return ring;
}

/**
 * Private keys from text, as kept in an environment variable or a file: a JWKS or a JWK as JSON,
 * or one or more PEM blocks. The order is kept (the first signs).
 *
 * @example
 * ```ts
 * const ring = await createKeyRing({ alg: 'ES256', keys: keysFromText(process.env.JWT_PRIVATE_KEYS ?? '') });
 * ```
 */
export function keysFromText(text: string): KeyMaterial[] {
  if (typeof text !== 'string' || text.trim() === '') throw new InvalidOptionError('keys', 'no key text was given');
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = parseJSON(trimmed);
    } catch {
      throw new InvalidOptionError('keys', 'the key text is not valid JSON');
    }
    const keys = (value as { keys?: unknown }).keys;
    return Array.isArray(keys) ? (keys as JWK[]) : [value as JWK];
  }
  const blocks = pemKeyBlocks(trimmed);
  if (blocks.length === 0) throw new InvalidOptionError('keys', 'the key text holds neither a JWK(S) nor PEM');
  return blocks;
}
