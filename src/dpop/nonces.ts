/**
 * Server nonces (RFC 9449 §8) without a store: a nonce is a time step and an HMAC of it under a
 * secret. Every process that holds the secret issues the same nonce in the same step and accepts
 * the others' nonces, so a cluster agrees without sharing state. The nonce of the current step and
 * of the previous one are accepted, so a nonce lives between one and two `lifetime`s; a client
 * that holds one across a step boundary keeps working, and one that holds it longer is told
 * `use_dpop_nonce` with the new one.
 */
import { randomBytes } from '../backend/random.js';
import { equalInConstantTime } from '../encoding/constant-time.js';
import { utf8Encode } from '../encoding/utf8.js';
import { InvalidOptionError } from '../errors.js';
import { signWith } from '../jws/signature.js';
import { parseDuration, parseNow } from '../jwt/duration.js';
import { importKey } from '../keys/import.js';
import type { Key } from '../keys/key.js';
import { checkOptionNames, optionNames } from '../options.js';

/** What a nonce checker says of a nonce: this server's and current, this server's but too old, or not this server's. */
export type DPoPNonceStatus = 'valid' | 'stale' | 'invalid';

/** Judges the `nonce` of a proof; {@link createDPoPNonces} makes one, an application may bring its own. */
export interface DPoPNonceChecker {
  check(nonce: string): DPoPNonceStatus | Promise<DPoPNonceStatus>;
}

export interface DPoPNonces extends DPoPNonceChecker {
  /** The nonce of the current step, for the `DPoP-Nonce` response header. */
  issue(): Promise<string>;
  check(nonce: string): Promise<DPoPNonceStatus>;
}

export interface DPoPNoncesOptions {
  /**
   * The HMAC secret, at least 32 bytes (a string counts its UTF-8 bytes). Processes that must accept
   * each other's nonces share it. Default: 32 random bytes, which serves one process only.
   */
  secret?: string | Uint8Array;
  /** Length of a step, seconds or a duration string (default `'5m'`, at least 1 s): a nonce is accepted for one to two of them. */
  lifetime?: number | string;
  /** The clock, for tests: a function returning NumericDate seconds or a Date. */
  now?: () => number | Date;
}

const NONCES_OPTIONS = /* @__PURE__ */ optionNames<DPoPNoncesOptions>()(['secret', 'lifetime', 'now']);
const LABEL = 'jwtkit DPoP nonce v1.';
// A step number, a dot and 22 base64url characters: 128 bits of the HMAC-SHA-256 tag.
const NONCE_FORMAT = /^(0|[1-9][0-9]{0,14})\.([A-Za-z0-9_-]{22})$/;
const TAG_LENGTH = 22;

function secretBytes(secret: unknown): Uint8Array {
  if (secret === undefined) return randomBytes(32);
  const bytes = typeof secret === 'string' ? utf8Encode(secret) : secret instanceof Uint8Array ? secret : undefined;
  if (bytes === undefined || bytes.length < 32) {
    throw new InvalidOptionError('secret', 'must be a string or Uint8Array of at least 32 bytes');
  }
  return bytes;
}

/**
 * Makes the issuer and checker of server nonces for DPoP proofs: stateless (an HMAC over a time
 * step), rotating every `lifetime`, shared between processes through `secret`. Pass the result as
 * `nonce` to {@link verifyDPoPProof} to require nonces, and send `issue()`'s value in the
 * `DPoP-Nonce` header.
 *
 * @example
 * ```ts
 * const nonces = createDPoPNonces({ secret: process.env.DPOP_NONCE_SECRET, lifetime: '5m' });
 * const nonce = await nonces.issue(); // send as DPoP-Nonce
 * const status = await nonces.check(nonce); // 'valid'
 * ```
 */
export function createDPoPNonces(options: DPoPNoncesOptions = {}): DPoPNonces {
  checkOptionNames(options, NONCES_OPTIONS);
  const lifetime = parseDuration(options.lifetime ?? 300, 'lifetime');
  if (lifetime < 1) throw new InvalidOptionError('lifetime', 'must be at least 1 second');
  const clock = options.now;
  if (clock !== undefined && typeof clock !== 'function') throw new InvalidOptionError('now', 'must be a function');
  const keyPromise: Promise<Key> = importKey(secretBytes(options.secret), { alg: 'HS256', extractable: false });
  // A failed import surfaces on the first issue/check; until then it must not be an unhandled rejection.
  keyPromise.catch(() => {});
  const step = (): number => {
    const seconds = clock === undefined ? Date.now() / 1000 : parseNow(clock(), 'now');
    return Math.floor(seconds / lifetime);
  };
  const tag = async (n: number): Promise<string> =>
    (await signWith(await keyPromise, utf8Encode(`${LABEL}${n}`))).slice(0, TAG_LENGTH);
  return {
    async issue() {
      const current = step();
      return `${current}.${await tag(current)}`;
    },
    async check(nonce) {
      if (typeof nonce !== 'string' || nonce.length > 64) return 'invalid';
      const match = NONCE_FORMAT.exec(nonce);
      if (match === null) return 'invalid';
      const n = Number(match[1]);
      if (!equalInConstantTime(await tag(n), match[2] as string)) return 'invalid';
      const current = step();
      if (n === current || n === current - 1) return 'valid';
      // A step ahead of this process's clock comes from a peer whose clock is ahead: refused as
      // stale, so the client takes this process's nonce and retries (it never lasts past one step).
      return 'stale';
    },
  };
}
