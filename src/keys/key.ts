import type { AlgorithmEntry, KeyAlgorithmName, KeyType } from '../algorithms/index.js';
import type {
  Backend,
  CipherPrimitives,
  EncodedSignFunction,
  EncodedVerifyFunction,
  NativeKey,
  SignFunction,
  VerifyFunction,
} from '../backend/types.js';

/** @internal What a Key carries besides its public description. */
export interface KeyInternals {
  readonly algorithm: AlgorithmEntry;
  readonly backend: Backend;
  readonly native: NativeKey;
  readonly extractable: boolean;
  readonly sign: SignFunction | undefined;
  readonly verify: VerifyFunction | undefined;
  /** The backend's text forms of `sign` and `verify`, where it has them (set exactly when those are). */
  readonly signEncoded: EncodedSignFunction | undefined;
  readonly verifyEncoded: EncodedVerifyFunction | undefined;
  /** Expected signature length in bytes (for RSA, the modulus length). */
  readonly signatureLength: number | undefined;
  /** JWE keys: whether the key may take the encrypting side (public, secret; key_ops permitting). */
  readonly encrypt: boolean;
  /** JWE keys: whether the key may take the decrypting side (private, secret; key_ops permitting). */
  readonly decrypt: boolean;
  /** External keys (createExternalKey): the public half, which checks every external signature and is published. */
  readonly publicKey?: Key;
  /** External JWE keys: the service's RSA-OAEP decryption or ECDH agreement, in place of the backend's. */
  readonly cipher?: Pick<CipherPrimitives, 'oaepDecrypt' | 'deriveSharedSecret'>;
}

/**
 * A key imported once and bound to exactly one algorithm (RFC 8725 §3.1). Create one with
 * `importKey`, `generateKeyPair` or `generateSecret`; reuse it for every token.
 *
 * @example
 * ```ts
 * const key = await importKey(process.env.JWT_SECRET, { alg: 'HS256' });
 * const token = await signJWT({ sub: 'ada' }, key, { expiresIn: '15m' });
 * ```
 */
export class Key {
  /** The one algorithm this key serves: a JWS algorithm, a JWE key management algorithm, or the enc of a `dir` key. */
  readonly alg: KeyAlgorithmName;
  /** `secret` (HMAC, AES, password), `public` (verify, encrypt) or `private` (sign, decrypt). */
  readonly type: 'secret' | 'public' | 'private';
  /** The JWK key type. */
  readonly kty: KeyType;
  /** The key id, from the JWK or the import options; copied into signed headers. */
  readonly kid: string | undefined;
  /** Which crypto backend holds the key (`node` or `web`). */
  readonly backend: 'node' | 'web';
  /** @internal */
  readonly internals: KeyInternals;
  /** Only this constructor sets it: the brand `instanceof Key` checks. */
  readonly #made = true;

  /**
   * @internal `value instanceof Key` is a brand check: true only for an object this constructor
   * made, never for `Object.create(Key.prototype)` or a Proxy whose prototype is `Key.prototype`,
   * which would otherwise be trusted as an imported key (hostile review of issue 32).
   */
  static [Symbol.hasInstance](value: unknown): value is Key {
    return typeof value === 'object' && value !== null && #made in value;
  }

  /** @internal Keys are made by importKey, generateKeyPair and generateSecret. */
  constructor(alg: KeyAlgorithmName, kid: string | undefined, internals: KeyInternals) {
    this.alg = alg;
    this.type = internals.native.facts.type;
    this.kty = internals.native.facts.kty;
    this.kid = kid;
    this.backend = internals.backend.name;
    this.internals = internals;
  }

  /** Whether the key material may be exported with `exportKey`. */
  get extractable(): boolean {
    return this.internals.extractable;
  }
}
